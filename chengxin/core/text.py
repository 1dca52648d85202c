"""Free text from outside: the two rules every such field follows, and their refusals.

A case number, a purpose, a reason, a file name, an idempotency key: each is stored, shown, often
written into the audit log. So each has a documented maximum length, above which it is refused
(never cut silently), and none may hold an ID number (SPEC §2): the number belongs in an
``id_number`` field, kept encrypted, and anywhere else it would be kept in clear. Both refusals are
422 with the field named in ``details["errors"]`` (``text_too_long`` with the limit in the message,
``text_holds_id_number``); the ID number is recognised by ``core.personal_data``.

Each app keeps its fields' limits as named constants beside its services (``<app>/limits.py``),
so that its forms and API schemas state the same maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from chengxin.core import error_codes
from chengxin.core.errors import DomainError
from chengxin.core.personal_data import contains_id_number


@dataclass(frozen=True)
class TextField:
    """A free-text field: ``name`` as the client sends it (what errors name), ``label`` for the
    Chinese message (a lazy translation), ``max_length`` in characters."""

    name: str
    label: Any
    max_length: int


def text_errors(value: str, field: TextField) -> list[dict[str, str]]:
    """The field errors of ``value`` (as it will be kept): over-long, or holding an ID number.
    An over-long value is not searched for numbers: it is refused anyway."""
    if len(value) > field.max_length:
        return [too_long_error(field, length=len(value))]
    if contains_id_number(value):
        return [holds_id_number_error(field)]
    return []


def too_long_error(field: TextField, *, length: int) -> dict[str, str]:
    limit = field.max_length
    return {
        "field": field.name,
        "code": error_codes.TEXT_TOO_LONG,
        "message": _("“%(label)s”不能超过%(limit)d个字符（现有%(length)d个），请缩短。")
        % {"label": field.label, "limit": limit, "length": length},
        "message_en": f"{field.name} has more than {limit} characters ({length}); shorten it.",
    }


def holds_id_number_error(field: TextField) -> dict[str, str]:
    return {
        "field": field.name,
        "code": error_codes.TEXT_HOLDS_ID_NUMBER,
        "message": _(
            "“%(label)s”中不能包含身份证号码：身份证号码只能填在身份证号码一栏，加密保存。"
            "请删除后再提交。"
        )
        % {"label": field.label},
        "message_en": f"{field.name} must not hold an ID number: ID numbers go in the ID-number "
        "field only, where they are kept encrypted. Remove it and send again.",
    }


def field_refusal(errors: list[dict[str, str]]) -> DomainError:
    """One 422 ``DomainError`` for field errors: the first one's code and message, all of them in
    ``details["errors"]``."""
    first = errors[0]
    return DomainError(
        code=first["code"],
        message=first["message"],
        message_en=first["message_en"],
        status=422,
        details={"errors": errors},
    )


def text_checked(value: str | None, field: TextField) -> str:
    """``value`` stripped, or ``DomainError`` 422 naming the field (see ``text_errors``)."""
    cleaned = (value or "").strip()
    errors = text_errors(cleaned, field)
    if errors:
        raise field_refusal(errors)
    return cleaned
