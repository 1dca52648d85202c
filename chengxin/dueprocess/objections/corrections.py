"""What an upheld objection does to its record, through the collection service (one write path
for records, so their history stays one path: docs/collection.md).

A correction is a submission of the record's one row: the current version's values with the
department's corrections, under the record's own ``source_id``, as the department's provider. It
is validated like any row (the item's Table Schema), makes the next version, and its submission
says it came from an objection (channel ``dispute``). A revocation is a ``revoke`` submission
of that ``source_id``.

The row needs the person's ID number and name, which the provider deciding never sees: they are
read from the subject here, inside the service, only to resubmit the same person's record (an
objection never moves a record to another person; "not mine" is answered by revocation).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.collection.choices import Operation, Outcome, SubmissionChannel
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.collection.services import SubmissionAnswer, submission_create
from chengxin.core import crypto
from chengxin.core.errors import DomainError
from chengxin.core.personal_data import redact_id_numbers
from chengxin.dueprocess.objections import error_codes
from chengxin.identity.models import Subject, id_number_purpose, name_purpose

PERSONAL_FIELDS = frozenset({"id_number", "name"})
KEY_FIELD = "source_id"
CORRECTIONS_FIELD = "corrections"
FIELD_NAME_SHOWN = 64


@dataclass(frozen=True)
class Applied:
    """The submission that changed the record and the version it made."""

    submission_id: int
    version: int


def correctable_fields(record: CreditRecord) -> list[dict[str, Any]]:
    """The fields of the record's item a correction may change (every field but the person's
    identity and the record's key), as the item's Table Schema describes them."""
    schema = catalog_item_table_schema(record.item)
    return [
        descriptor
        for descriptor in schema["fields"]
        if descriptor["name"] not in PERSONAL_FIELDS and descriptor["name"] != KEY_FIELD
    ]


def current_values(record: CreditRecord) -> dict[str, Any]:
    """The values of the record's current version (no personal data: versions never hold it)."""
    version = RecordVersion.objects.filter(record=record, superseded_at__isnull=True).first()
    return dict(version.values) if version is not None else {}


def correction_apply(
    *,
    actor,
    objection_id: int,
    record: CreditRecord,
    corrections: Mapping[str, Any],
    today: datetime.date,
) -> Applied:
    """Make the next version of ``record`` with ``corrections`` (field → new value). Refusals,
    422, nothing written: an empty correction, a field the item does not have or may not be
    corrected, a value the item's rules refuse (each field named ``corrections.<field>``), a
    correction that changes nothing."""
    names = _checked_fields(record, corrections)
    row = {name: value for name, value in current_values(record).items() if name in names}
    row.update(corrections)
    row[KEY_FIELD] = record.source_id
    row.update(_person_fields(record.subject))
    answer = _submit(
        actor=actor,
        record=record,
        operation=Operation.UPSERT,
        row=row,
        key=f"objection-{objection_id}-correction",
        today=today,
    )
    if answer.rejected:
        raise _rejected_row(answer)
    result = answer.results[0]
    if result.outcome == Outcome.UNCHANGED:
        raise DomainError(
            code=error_codes.OBJECTION_CORRECTION_UNCHANGED,
            message=_("更正内容与现有记录相同，记录没有变化；请填写需要更正的字段。"),
            message_en="The correction changes nothing in the record; give the fields to correct.",
            status=422,
            details={"errors": [_field_error(CORRECTIONS_FIELD, "unchanged")]},
        )
    return Applied(submission_id=answer.submission_id, version=result.version)


def revocation_apply(
    *, actor, objection_id: int, record: CreditRecord, today: datetime.date
) -> Applied:
    """Revoke ``record`` (a ``revoke`` submission of its ``source_id``); an already revoked
    record stays as it is."""
    answer = _submit(
        actor=actor,
        record=record,
        operation=Operation.REVOKE,
        row={KEY_FIELD: record.source_id},
        key=f"objection-{objection_id}-revocation",
        today=today,
    )
    if answer.rejected:
        raise _rejected_row(answer)
    return Applied(submission_id=answer.submission_id, version=answer.results[0].version)


def _checked_fields(record: CreditRecord, corrections: Mapping[str, Any]) -> set[str]:
    if not corrections:
        raise DomainError(
            code=error_codes.OBJECTION_CORRECTION_REQUIRED,
            message=_("更正记录时请填写需要更正的字段及其正确的值。"),
            message_en="A correction needs the fields to correct and their right values.",
            status=422,
            details={"errors": [_field_error(CORRECTIONS_FIELD, "required")]},
        )
    names = {descriptor["name"] for descriptor in correctable_fields(record)}
    unknown = sorted(str(name) for name in corrections if name not in names)
    if unknown:
        raise DomainError(
            code=error_codes.OBJECTION_CORRECTION_FIELD_UNKNOWN,
            message=_(
                "该目录项没有可更正的此字段；身份证号码、姓名和来源记录编号不能通过更正修改。"
            ),
            message_en=(
                "The item has no such correctable field; the ID number, the name and the "
                "source id cannot be corrected."
            ),
            status=422,
            details={
                "errors": [
                    _field_error(f"{CORRECTIONS_FIELD}.{_shown(name)}", "unknown")
                    for name in unknown
                ]
            },
        )
    return names


def _shown(name: str) -> str:
    """A field name the client sent, as an error names it: cut short, never an ID number."""
    return redact_id_numbers(name[:FIELD_NAME_SHOWN])


def _person_fields(subject: Subject) -> dict[str, str]:
    sealed = crypto.Sealed(
        ciphertext=bytes(subject.id_ciphertext),
        key_id=subject.id_key_id,
        algorithm=subject.id_algorithm,
    )
    fields = {"id_number": crypto.decrypt(sealed, purpose=id_number_purpose(subject))}
    if subject.has_name:
        sealed_name = crypto.Sealed(
            ciphertext=bytes(subject.name_ciphertext),
            key_id=subject.name_key_id,
            algorithm=subject.name_algorithm,
        )
        fields["name"] = crypto.decrypt(sealed_name, purpose=name_purpose(subject))
    return fields


def _submit(
    *, actor, record: CreditRecord, operation: str, row: dict, key: str, today
) -> SubmissionAnswer:
    return submission_create(
        actor=actor,
        department=record.department,
        item_code=record.item.code,
        operation=operation,
        records=[row],
        idempotency_key=key,
        channel=SubmissionChannel.OBJECTION,
        today=today,
    )


def _rejected_row(answer: SubmissionAnswer) -> DomainError:
    errors = [
        {
            "field": f"{CORRECTIONS_FIELD}.{error.field}",
            "code": error.code,
            "message": error.message,
            "message_en": error.message_en,
        }
        for error in answer.errors
    ]
    first = errors[0]
    return DomainError(
        code=error_codes.OBJECTION_CORRECTION_INVALID,
        message=_("更正后的记录未通过校验：%(reason)s") % {"reason": first["message"]},
        message_en=f"The corrected record does not pass validation: {first['message_en']}",
        status=422,
        details={"errors": errors},
    )


_FIELD_ERRORS = {
    "required": (
        error_codes.OBJECTION_CORRECTION_REQUIRED,
        gettext_lazy("请填写需要更正的字段。"),
        "Give the fields to correct.",
    ),
    "unknown": (
        error_codes.OBJECTION_CORRECTION_FIELD_UNKNOWN,
        gettext_lazy("该字段不能更正。"),
        "This field cannot be corrected.",
    ),
    "unchanged": (
        error_codes.OBJECTION_CORRECTION_UNCHANGED,
        gettext_lazy("更正内容与现有记录相同。"),
        "The correction changes nothing.",
    ),
}


def _field_error(field: str, kind: str) -> dict[str, str]:
    code, message, message_en = _FIELD_ERRORS[kind]
    return {"field": field, "code": code, "message": str(message), "message_en": message_en}
