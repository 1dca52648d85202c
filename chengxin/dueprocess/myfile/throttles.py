"""Rate limits of the person's pages, per citizen account: opening access challenges
(``access_challenge``) and asking for one's own credit report (``own_report``), 10 an hour each
by default (``CHENGXIN_THROTTLE_RATES``). Every attempt counts, so a flood is refused with 429
before anything is written."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.throttle import Throttle

ACCESS_CHALLENGE = Throttle(
    scope="access_challenge",
    message=gettext_lazy("您提交核实申请过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many access challenges from this account; try again in %(wait)s.",
)
OWN_REPORT = Throttle(
    scope="own_report",
    message=gettext_lazy("您申请信用报告过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many credit reports asked for from this account; try again in %(wait)s.",
)


def allowed(throttle: Throttle, request: HttpRequest) -> None:
    """Count this attempt of the signed-in account; ``ThrottledError`` past the rate."""
    refusal = throttle.hit(f"account:{request.user.pk}")
    if refusal is not None:
        raise refusal
