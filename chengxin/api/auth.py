"""Bearer-token authentication of the API (``Authorization: Bearer cx_…``).

The token is looked up by its SHA-256 digest; expired and revoked tokens and tokens of disabled
accounts are refused with a problem+json 401 that names the reason in ``code``. On success the
token's user becomes ``request.user`` (and ``request.auth`` is the token row), and the token's
last use is recorded at most once a minute.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from chengxin.accounts.models import ApiToken
from chengxin.accounts.selectors import TokenRefusal, api_token_authenticate
from chengxin.accounts.services import api_token_mark_used


class ApiTokenBearer(HttpBearer):
    """Accepts a valid API token; raises ``DomainError`` (401) for a refused one."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        now = timezone.now()
        found = api_token_authenticate(plaintext=token, now=now)
        if isinstance(found, TokenRefusal):
            raise found.as_error()
        api_token_mark_used(token=found, now=now)
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
