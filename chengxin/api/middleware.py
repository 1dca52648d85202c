"""Every API request that carries an ``Authorization`` header has it checked, whichever operation.

An operation without authentication (the catalog, report verification) would otherwise serve
a request with a wrong, expired or revoked token as anonymous, and the client would never learn
that its token is refused. Here any such header under the API's prefix must be a usable bearer
token: anything else is the same problem+json 401 an operation with ``bearer_auth`` gives, and
past the address's rate of refused tokens a 429. Requests without the header pass untouched
(one dictionary look-up); the token found is kept on the request, so the operation's own
authentication does not look it up again.
"""

from __future__ import annotations

from functools import cache

from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from chengxin.accounts import error_codes
from chengxin.api.auth import bearer_token_check
from chengxin.api.problems import domain_error_problem
from chengxin.core.database import database_busy_error, is_database_busy
from chengxin.core.errors import DomainError

BEARER_SCHEME = "bearer"


class ApiCredentialsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header and request.path_info.startswith(api_prefix()):
            try:
                _check_header(request, header)
            except DomainError as error:
                return domain_error_problem(error)
            except OperationalError as error:
                if not is_database_busy(error):
                    raise
                return domain_error_problem(database_busy_error())
        return self.get_response(request)


@cache
def api_prefix() -> str:
    """The path the API is mounted at (``/api/v1/``)."""
    return reverse("api:api-root")


def _check_header(request: HttpRequest, header: str) -> None:
    # Split as django-ninja's HttpBearer does, so the operation's own check sees the same token.
    parts = header.split(" ")
    if parts[0].lower() != BEARER_SCHEME:
        raise DomainError(
            code=error_codes.AUTH_REQUIRED,
            message=_("需要有效的访问令牌。"),
            message_en="A valid bearer token is required.",
            status=401,
        )
    bearer_token_check(request, " ".join(parts[1:]))
