"""Rate limits of inquiry: guessing report verification codes, per client address; consents
given or revoked, per account.

Looking a code up is open to anyone (the API's ``GET /reports/verify/{code}`` and the public
``/verify/`` page share this). The budget of codes not found is the platform's one for every
verified document (``core.verification``: the ``verify_address`` rate of
``CHENGXIN_THROTTLE_RATES``); once it is spent every look-up from the address is refused with 429
until the window ends, found or not, so the answers stop telling a guesser anything. Codes that
find their report cost nothing.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.throttle import Throttle
from chengxin.core.verification import VERIFICATION_MISSES, throttled_lookup
from chengxin.inquiry.models import CreditReport
from chengxin.inquiry.selectors import report_by_verification_code

__all__ = ["CONSENT_CHANGES", "VERIFICATION_MISSES", "report_verify_lookup"]


def report_verify_lookup(*, request: HttpRequest, code: str) -> CreditReport:
    """The report with verification ``code`` for this client; ``NotFoundError`` when none,
    ``ThrottledError`` when the client's address has had too many codes not found."""
    return throttled_lookup(request=request, find=lambda: report_by_verification_code(code))


CONSENT_CHANGES = Throttle(
    scope="consent_change",
    message=gettext_lazy("您办理授权过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many consents given or revoked from this account; try again in %(wait)s.",
)
