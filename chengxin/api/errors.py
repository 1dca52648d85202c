"""One error format for the whole API: ``application/problem+json`` (RFC 9457) with a ``code``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from chengxin.core.json import dumps

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    extra: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, object] = {
        "type": f"urn:chengxin:error:{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if extra:
        body.update(extra)
    response = HttpResponse(dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def install_handlers(api) -> None:
    """Register the handlers that turn every error into problem+json."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    from chengxin.core.errors import DomainError

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        extra: dict[str, object] = {"message_en": exc.message_en} if exc.message_en else {}
        extra.update(exc.details)
        return problem_response(
            status=exc.status,
            code=exc.code,
            title=exc.message,
            detail=exc.message,
            extra=extra,
            headers=exc.headers,
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "field": ".".join(str(part) for part in error.get("loc", [])[1:]),
                "code": error.get("type", "invalid"),
                "message": error.get("msg", ""),
            }
            for error in exc.errors
        ]
        return problem_response(
            status=422,
            code="request_invalid",
            title=_("请求内容不符合接口要求。"),
            extra={"errors": errors},
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(status=401, code="auth_required", title=_("需要有效的访问令牌。"))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem_response(status=403, code="forbidden", title=_("无权执行此操作。"))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(status=404, code="not_found", title=_("未找到请求的对象。"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(status=exc.status_code, code="http_error", title=str(exc))
