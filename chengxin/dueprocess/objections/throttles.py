"""A rate limit on filing objections, per citizen account (``objection_filing`` of
``CHENGXIN_THROTTLE_RATES``, 10 an hour by default).

Every filing a person sends counts, accepted or refused (each carries up to five files to check),
so a flood from one account is refused with 429 and ``Retry-After`` before anything is read or
written. A person has few records; ten objections an hour leaves room for the honest case of
objecting to each of them and correcting a refused form.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.throttle import Throttle

OBJECTION_FILING = Throttle(
    scope="objection_filing",
    message=gettext_lazy("您提交异议过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many objections filed from this account; try again in %(wait)s.",
)


def objection_filing_allowed(request: HttpRequest) -> None:
    """Count this filing of the signed-in account; ``ThrottledError`` past the rate."""
    refusal = OBJECTION_FILING.hit(f"account:{request.user.pk}")
    if refusal is not None:
        raise refusal
