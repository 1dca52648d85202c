"""A rate limit on guessing report verification codes, per client address.

Looking a code up is open to anyone (the API's ``GET /reports/verify/{code}`` and the public
``/verify/`` page share this). A code that finds no report counts against the address's
``verify_address`` rate of ``CHENGXIN_THROTTLE_RATES``; once it is spent every look-up from the
address is refused with 429 until the window ends, found or not, so the answers stop telling
a guesser anything. Codes that find their report cost nothing.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.errors import NotFoundError
from chengxin.core.network import client_limit_key
from chengxin.core.throttle import Throttle
from chengxin.inquiry.models import CreditReport
from chengxin.inquiry.selectors import report_by_verification_code

VERIFICATION_MISSES = Throttle(
    scope="verify_address",
    message=gettext_lazy("此网络地址核验失败的次数过多，请在 %(wait)s后再试。"),
    message_en="Too many unknown verification codes from this address; try again in %(wait)s.",
)


def report_verify_lookup(*, request: HttpRequest, code: str) -> CreditReport:
    """The report with verification ``code`` for this client; ``NotFoundError`` when none,
    ``ThrottledError`` when the client's address has had too many codes not found."""
    address = client_limit_key(request)
    VERIFICATION_MISSES.refuse_when_spent(address)
    try:
        return report_by_verification_code(code)
    except NotFoundError:
        VERIFICATION_MISSES.count(address)
        raise


CONSENT_CHANGES = Throttle(
    scope="consent_change",
    message=gettext_lazy("您办理授权过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many consents given or revoked from this account; try again in %(wait)s.",
)
