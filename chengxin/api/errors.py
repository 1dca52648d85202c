"""One error format for the whole API: ``application/problem+json`` (RFC 9457) with a ``code``.

``install_handlers`` turns every exception an operation can raise into a problem: a
``DomainError`` with its own code, status and fields; a request that does not match the
operation's schema into 422 ``request_invalid`` with one entry per field in ``errors``; a body
that cannot be read into the ``DomainError`` the parser raised (``chengxin.api.parsers``).
Answers that no operation gives (unknown paths, wrong methods, server errors) are turned into
problems by ``chengxin.api.middleware``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from chengxin.api import error_codes
from chengxin.core.error_codes import TEXT_TOO_LONG
from chengxin.core.json import dumps

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Where a request's parameters come from, as django-ninja names them in an error's location.
BODY_SOURCE = "body"


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    extra: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
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


def domain_problem(exc) -> HttpResponse:
    """The problem answer of a ``DomainError``: its code, status, messages, fields and headers."""
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


def request_invalid_problem(errors: Iterable[Mapping[str, Any]]) -> HttpResponse:
    """422 ``request_invalid`` for pydantic errors (as django-ninja reports them), one entry per
    field. Values the client sent are never repeated: only where, which rule, and the rule's
    limit."""
    return problem_response(
        status=422,
        code=error_codes.REQUEST_INVALID,
        title=_("请求内容不符合接口要求。"),
        extra={
            "message_en": "The request does not match the operation's schema.",
            "errors": [field_error(error) for error in errors],
        },
    )


# Rules the platform names with its own codes wherever they are checked (a staff form, the CLI
# and the schema give a client the same code for the same problem).
_PLATFORM_CODES = {"string_too_long": TEXT_TOO_LONG}


def field_error(error: Mapping[str, Any]) -> dict[str, str]:
    """One pydantic error as ``{"field", "code", "message", "message_en"}``."""
    code = str(error.get("type", "invalid"))
    context = error.get("ctx") or {}
    message, message_en = _rule_messages(code, context)
    return {
        "field": field_name(error.get("loc", ())),
        "code": _PLATFORM_CODES.get(code, code),
        "message": message,
        "message_en": message_en or str(error.get("msg", "")),
    }


def field_name(location: Iterable[Any]) -> str:
    """The field a pydantic error is about, as the client names it: ``records.0.source_id``,
    ``Idempotency-Key``; ``body`` for the body as a whole. The location starts with where the
    value came from (``body``, ``query``, ``header``, ``form``, …); a JSON body is also read
    into one parameter of the operation, whose name the client never sees."""
    parts = [str(part) for part in location]
    if not parts:
        return ""
    source, rest = parts[0], parts[1:]
    if source == BODY_SOURCE:
        rest = rest[1:]
        return ".".join(rest) or BODY_SOURCE
    return ".".join(rest) or source


def _rule_messages(code: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Chinese and English messages of a pydantic rule; the English one is pydantic's own when
    the rule has no entry here."""
    limit = context.get("max_length", context.get("min_length", ""))
    messages = {
        "missing": (_("缺少必填字段。"), "The field is required."),
        "string_too_long": (
            _("不能超过 %(limit)s 个字符。") % {"limit": limit},
            f"At most {limit} characters.",
        ),
        "string_too_short": (
            _("至少需要 %(limit)s 个字符。") % {"limit": limit},
            f"At least {limit} characters.",
        ),
        "too_long": (
            _("最多 %(limit)s 项。") % {"limit": limit},
            f"At most {limit} items.",
        ),
        "too_short": (
            _("至少需要 %(limit)s 项。") % {"limit": limit},
            f"At least {limit} items.",
        ),
        "enum": (_("取值不在允许的范围内。"), "The value is not one of the allowed ones."),
        "literal_error": (_("取值不在允许的范围内。"), "The value is not one of the allowed ones."),
        "string_type": (_("应为文本。"), "Give a string."),
        "string_pattern_mismatch": (_("格式不正确。"), "The value does not have the right form."),
        "bool_type": (_("应为 true 或 false。"), "Give true or false."),
        "bool_parsing": (_("应为 true 或 false。"), "Give true or false."),
        "int_type": (_("应为整数。"), "Give a whole number."),
        "int_parsing": (_("应为整数。"), "Give a whole number."),
        "list_type": (_("应为数组。"), "Give an array."),
        "dict_type": (_("应为对象。"), "Give an object."),
        "model_type": (_("应为对象。"), "Give an object."),
        "model_attributes_type": (_("应为对象。"), "Give an object."),
        "date_type": (_("应为日期（YYYY-MM-DD）。"), "Give a date (YYYY-MM-DD)."),
        "date_parsing": (_("应为日期（YYYY-MM-DD）。"), "Give a date (YYYY-MM-DD)."),
        "date_from_datetime_parsing": (
            _("应为日期（YYYY-MM-DD）。"),
            "Give a date (YYYY-MM-DD).",
        ),
        "extra_forbidden": (_("不接受这个字段。"), "The field is not accepted."),
    }
    return messages.get(code, (_("取值不符合接口要求。"), ""))


def install_handlers(api) -> None:
    """Register the handlers that turn every error into problem+json."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.http.multipartparser import MultiPartParserError
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    from chengxin.core.errors import DomainError

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return domain_problem(exc)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return request_invalid_problem(exc.errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            status=401,
            code=error_codes.AUTH_REQUIRED,
            title=_("需要有效的访问令牌。"),
            extra={"message_en": "A valid access token is required."},
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem_response(status=403, code=error_codes.FORBIDDEN, title=_("无权执行此操作。"))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            status=404, code=error_codes.NOT_FOUND, title=_("未找到请求的对象。")
        )

    @api.exception_handler(MultiPartParserError)
    def form_unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return problem_response(
            status=400,
            code=error_codes.BODY_INVALID_FORM,
            title=_("请求内容不是有效的 multipart/form-data 表单。"),
            extra={"message_en": "The body is not a well-formed multipart/form-data form."},
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # django-ninja wraps what the body parser raised; the parser's own error says more.
        if isinstance(exc.__cause__, DomainError):
            return domain_problem(exc.__cause__)
        return problem_response(status=exc.status_code, code=error_codes.HTTP_ERROR, title=str(exc))
