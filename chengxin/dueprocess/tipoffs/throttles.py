"""Rate limits of tip-offs, per client address (``CHENGXIN_THROTTLE_RATES``; docs/dueprocess.md,
"Tip-offs"):

- ``tipoff_filing_address`` (10 an hour by default): every filing a client sends counts, accepted
  or refused, before anything is read or written (each carries up to five files to check);
- ``tipoff_status_address`` (20 in 10 minutes): every status look-up counts, so tracking numbers
  and query codes cannot be tried in bulk;
- ``tipoff_captcha_address`` (60 in 10 minutes): the captcha images a client asks for.

Past a rate the answer is the site's 429 page with ``Retry-After``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.network import client_limit_key
from chengxin.core.throttle import Throttle

TIPOFF_FILING = Throttle(
    scope="tipoff_filing_address",
    message=gettext_lazy("此网络地址提交举报过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many tip-offs sent from this address; try again in %(wait)s.",
)
TIPOFF_STATUS = Throttle(
    scope="tipoff_status_address",
    message=gettext_lazy("此网络地址查询举报进度过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many tip-off look-ups from this address; try again in %(wait)s.",
)
TIPOFF_CAPTCHA = Throttle(
    scope="tipoff_captcha_address",
    message=gettext_lazy("此网络地址获取验证码过于频繁，请在 %(wait)s后再试。"),
    message_en="Too many captcha images asked for from this address; try again in %(wait)s.",
)


def _allowed(throttle: Throttle, request: HttpRequest) -> None:
    refusal = throttle.hit(client_limit_key(request))
    if refusal is not None:
        raise refusal


def tipoff_filing_allowed(request: HttpRequest) -> None:
    """Count this filing of the client; ``ThrottledError`` past the rate."""
    _allowed(TIPOFF_FILING, request)


def tipoff_status_allowed(request: HttpRequest) -> None:
    _allowed(TIPOFF_STATUS, request)


def tipoff_captcha_allowed(request: HttpRequest) -> None:
    _allowed(TIPOFF_CAPTCHA, request)
