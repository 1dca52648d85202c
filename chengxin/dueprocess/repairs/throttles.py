"""A rate limit on repair applications, per citizen account (``repair_applying`` of
``CHENGXIN_THROTTLE_RATES``, 10 an hour by default): every application sent counts, accepted or
refused, so a flood from one account is refused with 429 before anything is read or written."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.throttle import Throttle

REPAIR_APPLYING = Throttle(
    scope="repair_applying",
    message=gettext_lazy("您提交信用修复申请过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many repair applications from this account; try again in %(wait)s.",
)


def repair_applying_allowed(request: HttpRequest) -> None:
    refusal = REPAIR_APPLYING.hit(f"account:{request.user.pk}")
    if refusal is not None:
        raise refusal
