"""The API's two middlewares: problem answers for what no operation answers itself, and the check
of every ``Authorization`` header, whichever operation.

``ApiProblemMiddleware``: under ``/api/`` every answer that is not a success is
``application/problem+json``. Operations answer their own errors that way (``chengxin.api.errors``);
this middleware turns the rest into problems: Django's 404 for a path that matches no operation
(an unknown path, or a path parameter that does not fit its converter, as in
``/submissions/-1``), django-ninja's 405 for a method the path does not have (``Allow`` kept, and
the methods listed in ``allowed``), Django's 400 and 500 pages. Nothing the client sent is
repeated in the answer. Pages outside the API keep their HTML answers.

``ApiCredentialsMiddleware``: an operation without authentication (the catalog, report
verification) would otherwise serve a request with a wrong, expired or revoked token as
anonymous, and the client would never learn that its token is refused. Here any such header
under the API's prefix must be a usable bearer token: anything else is the same problem+json 401
an operation with ``bearer_auth`` gives, and past the address's rate of refused tokens a 429.
Requests without the header pass untouched (one dictionary look-up); the token found is kept on
the request, so the operation's own authentication does not look it up again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from chengxin.accounts import error_codes as account_error_codes
from chengxin.api import error_codes
from chengxin.api.auth import bearer_token_check
from chengxin.api.errors import PROBLEM_CONTENT_TYPE, problem_response
from chengxin.api.problems import domain_error_problem
from chengxin.core.database import database_busy_error, is_database_busy
from chengxin.core.errors import DomainError

API_PREFIX = "/api/"
# Headers of the original answer that the problem answer keeps.
KEPT_HEADERS = ("Allow", "Retry-After")


def _fallback_answers() -> dict[int, tuple[str, str, str]]:
    return {
        400: (error_codes.BAD_REQUEST, _("请求无法处理。"), "The request cannot be handled."),
        403: (error_codes.FORBIDDEN, _("无权执行此操作。"), "The request is not allowed."),
        404: (
            error_codes.NOT_FOUND,
            _("接口中没有这个地址。"),
            "The API has no such path.",
        ),
        405: (
            error_codes.METHOD_NOT_ALLOWED,
            _("该地址不支持这种请求方法。"),
            "The path does not support this method.",
        ),
        500: (
            error_codes.SERVER_ERROR,
            _("服务器内部错误，请稍后再试。"),
            "The server met an internal error; try again later.",
        ),
    }


class ApiProblemMiddleware:
    """Turn a non-problem error answer under ``/api/`` into a problem with the same status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        return problem_for(response)


def problem_for(response: HttpResponse) -> HttpResponse:
    """The problem answer that stands in for ``response`` (its status and kept headers)."""
    status = response.status_code
    code, title, title_en = _fallback_answers().get(
        status, (error_codes.HTTP_ERROR, _("请求无法处理。"), "The request cannot be handled.")
    )
    extra: dict[str, object] = {"message_en": title_en}
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if status == 405 and "Allow" in headers:
        extra["allowed"] = sorted(method.strip() for method in headers["Allow"].split(","))
    return problem_response(status=status, code=code, title=title, extra=extra, headers=headers)


BEARER_SCHEME = "bearer"


class ApiCredentialsMiddleware:
    """Refuse a request whose ``Authorization`` header is not a usable bearer token (401, 429)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION")
        path = request.path_info
        if header and path.startswith(api_prefix()) and path not in self_authenticating():
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


# Operations that check their own token, because they log some refused tokens themselves (an
# agency's revoked token: docs/supervision.md, "Agency queries").
SELF_AUTHENTICATING = ("api:agency_query_create",)


@cache
def self_authenticating() -> frozenset[str]:
    return frozenset(reverse(name) for name in SELF_AUTHENTICATING)


def _check_header(request: HttpRequest, header: str) -> None:
    # Split as django-ninja's HttpBearer does, so the operation's own check sees the same token.
    parts = header.split(" ")
    if parts[0].lower() != BEARER_SCHEME:
        raise DomainError(
            code=account_error_codes.AUTH_REQUIRED,
            message=_("需要有效的访问令牌。"),
            message_en="A valid bearer token is required.",
            status=401,
        )
    bearer_token_check(request, " ".join(parts[1:]))
