"""Reading request bodies: JSON and forms, each refused with a code that says what is wrong.

A JSON operation accepts ``application/json`` (or a ``+json`` type, or no declared type) in
UTF-8; a form operation accepts ``multipart/form-data`` with UTF-8 text fields. Anything else is
refused before the operation runs (docs/api.md, "Bodies"):

- 415 ``content_type_unsupported``, with the accepted types in ``accepted``;
- 400 ``body_not_utf8`` (the whole body, or the form fields named in ``errors``);
- 400 ``body_not_json`` (it does not start like JSON), ``body_invalid_json`` (``line``,
  ``column`` of the first fault).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from chengxin.api import error_codes
from chengxin.core.errors import DomainError

JSON_CONTENT_TYPE = "application/json"
MULTIPART_CONTENT_TYPE = "multipart/form-data"
# What Django puts in place of bytes that are not UTF-8 when it decodes form fields.
REPLACEMENT_CHARACTER = "\ufffd"


class ContractParser(Parser):
    """django-ninja's parser with the checks above; query strings are read as before."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json_body(request)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        if data is request.POST:
            form_checked(request)
        return super().parse_querydict(data, list_fields, request)


def json_body(request: HttpRequest) -> Any:
    """The body of a JSON request, decoded; ``DomainError`` (400/415) when it cannot be."""
    content_type_checked(request, accepted=(JSON_CONTENT_TYPE,))
    try:
        text = request.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8() from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _json_error(text, error) from None


def form_checked(request: HttpRequest) -> None:
    """Refuse a form request that is not multipart, or whose text fields are not UTF-8."""
    content_type_checked(request, accepted=(MULTIPART_CONTENT_TYPE,))
    unreadable = sorted(
        name
        for name, values in request.POST.lists()
        if any(REPLACEMENT_CHARACTER in value for value in values)
    )
    if unreadable:
        error = _not_utf8()
        error.details["errors"] = [
            {
                "field": name,
                "code": error_codes.BODY_NOT_UTF8,
                "message": _("该字段不是 UTF-8 编码的文本。"),
                "message_en": "The field is not UTF-8 text.",
            }
            for name in unreadable
        ]
        raise error


def content_type_checked(request: HttpRequest, *, accepted: Sequence[str]) -> None:
    """415 ``content_type_unsupported`` unless the request's media type is one of ``accepted``
    (a JSON type also admits ``+json`` types and a body without a declared type)."""
    media_type = (request.content_type or "").lower()
    if media_type in accepted:
        return
    if JSON_CONTENT_TYPE in accepted and (not media_type or media_type.endswith("+json")):
        return
    raise DomainError(
        code=error_codes.CONTENT_TYPE_UNSUPPORTED,
        message=_("不支持这种请求内容类型，请使用 %(accepted)s。")
        % {"accepted": "、".join(accepted)},
        message_en=f"The content type is not supported; send {', '.join(accepted)}.",
        status=415,
        details={"accepted": list(accepted)},
    )


def _not_utf8() -> DomainError:
    return DomainError(
        code=error_codes.BODY_NOT_UTF8,
        message=_("请求内容不是 UTF-8 编码的文本。"),
        message_en="The body is not UTF-8 text.",
        status=400,
    )


def _json_error(text: str, error: json.JSONDecodeError) -> DomainError:
    """``body_not_json`` when nothing at the start reads as JSON, else ``body_invalid_json``
    with the line and column (from 1) of the first fault."""
    if error.pos == len(text) - len(text.lstrip()) and error.msg == "Expecting value":
        return DomainError(
            code=error_codes.BODY_NOT_JSON,
            message=_("请求内容不是 JSON。"),
            message_en="The body is not JSON.",
            status=400,
        )
    return DomainError(
        code=error_codes.BODY_INVALID_JSON,
        message=_("请求内容不是有效的 JSON：第 %(line)d 行第 %(column)d 列有误。")
        % {"line": error.lineno, "column": error.colno},
        message_en=(
            f"The body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}."
        ),
        status=400,
        details={"line": error.lineno, "column": error.colno},
    )
