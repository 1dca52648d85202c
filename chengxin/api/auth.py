"""Bearer-token authentication of the API (``Authorization: Bearer cx_…``).

The token is looked up by its SHA-256 digest; expired and revoked tokens and tokens of disabled
accounts are refused with a problem+json 401 that names the reason in ``code``. On success the
token's user becomes ``request.user`` (and ``request.auth`` is the token row), and the token's
last use is recorded at most once a minute.

Refused tokens are counted per client address (the ``token_address`` rate of
``CHENGXIN_THROTTLE_RATES``); past the rate, every bearer token from that address is answered
429 until the window ends, before any look-up, so guessing gets no answer at all. A request with
an ``Authorization`` header is checked even by operations that need no token
(``chengxin.api.middleware.ApiCredentialsMiddleware``): a refused header is always a 401.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja.security import HttpBearer

from chengxin.accounts.models import ApiToken
from chengxin.accounts.selectors import TokenRefusal, api_token_authenticate
from chengxin.accounts.services import api_token_mark_used
from chengxin.core.network import client_limit_key
from chengxin.core.throttle import Throttle

TOKEN_FAILURES = Throttle(
    scope="token_address",
    message=gettext_lazy("此网络地址的访问令牌验证失败次数过多，请在 %(wait)s后再试。"),
    message_en="Too many refused access tokens from this address; try again in %(wait)s.",
)
# The token found for this request, so the middleware's check and the operation's own
# authentication look it up once.
_CHECKED_TOKEN = "_chengxin_checked_token"  # noqa: S105 - an attribute name


def bearer_token_check(request: HttpRequest, plaintext: str) -> ApiToken:
    """The usable token ``plaintext`` of this request; ``DomainError`` 401 when it is refused,
    ``ThrottledError`` 429 when this address has had too many refused."""
    checked = getattr(request, _CHECKED_TOKEN, None)
    if checked is not None and checked[0] == plaintext:
        return checked[1]
    address = client_limit_key(request)
    TOKEN_FAILURES.refuse_when_spent(address)
    now = timezone.now()
    found = api_token_authenticate(plaintext=plaintext, now=now)
    if isinstance(found, TokenRefusal):
        TOKEN_FAILURES.count(address)
        raise found.as_error()
    api_token_mark_used(token=found, now=now)
    setattr(request, _CHECKED_TOKEN, (plaintext, found))
    return found


class ApiTokenBearer(HttpBearer):
    """Accepts a valid API token; raises ``DomainError`` (401) for a refused one."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = bearer_token_check(request, token)
        request.user = found.user
        return found


class OptionalApiTokenBearer(ApiTokenBearer):
    """Like ``ApiTokenBearer``, but a request without an ``Authorization`` header passes as
    anonymous (for endpoints that answer everyone and tell more to a known client). A token
    that is present but refused is still a 401."""

    def __call__(self, request: HttpRequest):
        if not request.headers.get(self.header):
            return True
        return super().__call__(request)


bearer_auth = ApiTokenBearer()
optional_bearer_auth = OptionalApiTokenBearer()
