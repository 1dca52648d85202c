"""System checks of the core settings (``chengxin check``, also run by ``check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from chengxin.core.throttle import Rate


@register()
def throttle_rates_check(app_configs, **kwargs) -> list[Error]:
    """Every rate of CHENGXIN_THROTTLE_RATES must parse: a typo must not mean "no limit"."""
    errors = []
    for scope, text in getattr(settings, "CHENGXIN_THROTTLE_RATES", {}).items():
        try:
            Rate.parse(text)
        except ImproperlyConfigured as error:
            errors.append(Error(f"{scope}: {error}", id="chengxin.E001"))
    return errors
