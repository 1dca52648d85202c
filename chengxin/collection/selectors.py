"""Reads of the collection app; the viewer is always a parameter.

Scoping happens once, in ``_visible_departments``: a provider or officer sees its own
department's submissions, records and quarantine; a credit-office reviewer sees all; other roles
see none.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chengxin.accounts.choices import DEPARTMENT_ROLES, Role
from chengxin.accounts.permissions import can_submit_records, is_staff_member
from chengxin.collection import error_codes
from chengxin.collection.models import (
    QUARANTINE_PURPOSE,
    CreditRecord,
    QuarantineEntry,
    RecordVersion,
    Submission,
)
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import NotFoundError
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number, mask_name


@dataclass(frozen=True)
class RecordFilters:
    item: str = ""
    status: str = ""
    source_id: str = ""
    subject_index: str = ""


@dataclass(frozen=True)
class QuarantineFilters:
    submission_id: int | None = None
    item: str = ""
    open_only: bool = True


def _visible(queryset: QuerySet, *, user) -> QuerySet:
    if not is_staff_member(user):
        return queryset.none()
    if user.role == Role.REVIEWER:
        return queryset
    if user.role in DEPARTMENT_ROLES and user.department_id is not None:
        return queryset.filter(department_id=user.department_id)
    return queryset.none()


def submission_get_visible_to(*, user, submission_id: int) -> Submission:
    """The submission if ``user`` may see it; ``NotFoundError`` otherwise (another department's
    submission is not found, so its existence is not revealed)."""
    submission = (
        _visible(Submission.objects.select_related("item"), user=user)
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFoundError(
            code=error_codes.SUBMISSION_NOT_FOUND,
            message=_("未找到该报送批次。"),
            message_en="The submission was not found.",
        )
    return submission


def record_list_visible_to(*, user, filters: RecordFilters) -> QuerySet[CreditRecord]:
    """Credit records ``user`` may list, filtered; newest first."""
    records = _visible(CreditRecord.objects.select_related("item"), user=user)
    if filters.item:
        records = records.filter(item__code=filters.item)
    if filters.status:
        records = records.filter(status=filters.status)
    if filters.source_id:
        records = records.filter(source_id=filters.source_id)
    if filters.subject_index:
        records = records.filter(subject_index=filters.subject_index)
    return records.order_by("-updated_at", "-pk")


def record_as_of(*, record: CreditRecord, moment: datetime.datetime) -> RecordVersion | None:
    """The version of ``record`` the platform held at ``moment`` (system time), or ``None`` if the
    record was not yet recorded then."""
    return _as_of(RecordVersion.objects.filter(record=record), moment).first()


def subject_records_as_of(
    *, subject_index: str, moment: datetime.datetime
) -> QuerySet[RecordVersion]:
    """Every record version of one person in force at ``moment``: the file as it stood then."""
    versions = RecordVersion.objects.filter(subject_index=subject_index)
    return _as_of(versions, moment).select_related("record").order_by("record_id")


def _as_of(versions: QuerySet[RecordVersion], moment: datetime.datetime):
    return versions.filter(recorded_at__lte=moment).filter(
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment)
    )


def quarantine_list_visible_to(*, user, filters: QuarantineFilters) -> QuerySet[QuarantineEntry]:
    """Rejected rows ``user`` may see, in submission and row order."""
    entries = _visible(QuarantineEntry.objects.select_related("item"), user=user)
    if filters.submission_id is not None:
        entries = entries.filter(submission_id=filters.submission_id)
    if filters.item:
        entries = entries.filter(item__code=filters.item)
    if filters.open_only:
        entries = entries.filter(cleared_at__isnull=True)
    return entries.order_by("submission_id", "row_number")


def quarantine_original_values(entry: QuarantineEntry) -> dict[str, Any]:
    """The row as the provider sent it, for the provider's own error download."""
    sealed = crypto.Sealed(
        ciphertext=bytes(entry.values_ciphertext),
        key_id=entry.values_key_id,
        algorithm=entry.values_algorithm,
    )
    return json.loads(crypto.decrypt(sealed, purpose=QUARANTINE_PURPOSE))


def reads_quarantine_in_clear(user, submission: Submission) -> bool:
    """Whether ``user`` may read ``submission``'s rejected rows as they were sent: only the
    providers of the submitting department, whose working material they are (they fix and send
    them again). Everyone else who may see the submission gets them masked."""
    return user.role == Role.PROVIDER and can_submit_records(user, submission.department)


def submission_rejected_rows(
    *, user, submission: Submission, export_format: str, request=None
) -> list[dict[str, Any]]:
    """The rejected rows of ``submission`` with their errors, for ``user``.

    The submitting department's providers get the original values; officers of the department
    and the credit office get the ID number and the name masked and no other value (the other
    fields may hold personal data too). Every read is an audited export (object
    ``collection.submission``, detail: format, row count and whether the values were in clear;
    never the values).
    """
    in_clear = reads_quarantine_in_clear(user, submission)
    filters = QuarantineFilters(submission_id=submission.pk, open_only=False)
    entries = list(quarantine_list_visible_to(user=user, filters=filters))
    rows = [_rejected_row(entry, in_clear=in_clear) for entry in entries]
    audit_events.export_event(
        actor=user,
        object_type="collection.submission",
        object_id=str(submission.pk),
        detail={
            "rejected_rows": len(rows),
            "format": export_format,
            "values": QUARANTINE_IN_CLEAR if in_clear else QUARANTINE_MASKED,
        },
        request=request,
    )
    return rows


QUARANTINE_IN_CLEAR = "clear"
QUARANTINE_MASKED = "masked"


def _rejected_row(entry: QuarantineEntry, *, in_clear: bool) -> dict[str, Any]:
    values = quarantine_original_values(entry)
    return {
        "row": entry.row_number,
        "row_number": entry.row_number,
        "source_id": entry.source_id,
        "values": values if in_clear else _masked_identity(values),
        "errors": entry.errors,
        "cleared": entry.cleared_at is not None,
    }


def _masked_identity(values: dict[str, Any]) -> dict[str, Any]:
    """Only the identity of a rejected row, masked as staff pages mask it."""
    masked: dict[str, Any] = {}
    if "id_number" in values:
        masked["id_number"] = mask_id_number(
            str(values["id_number"] or ""), context=MaskContext.STAFF
        )
    if "name" in values:
        masked["name"] = mask_name(str(values["name"] or ""), context=MaskContext.STAFF)
    return masked


def submission_list_visible_to(*, user, limit: int = 50) -> list[Submission]:
    """The newest submissions ``user`` may see (their department's), newest first."""
    return list(submissions_visible_to(user=user)[:limit])


def submissions_visible_to(*, user) -> QuerySet[Submission]:
    """Every submission ``user`` may see, newest first, for a paged list."""
    submissions = _visible(
        Submission.objects.select_related("item", "created_by", "department"), user=user
    )
    return submissions.order_by("-created_at", "-pk")


def submission_row_errors(*, user, submission: Submission, limit: int = 500) -> list[dict]:
    """The errors of a submission's rejected rows (row, field, code, messages), without the
    rejected values: what a page may show without reading personal data."""
    filters = QuarantineFilters(submission_id=submission.pk, open_only=False)
    entries = quarantine_list_visible_to(user=user, filters=filters).only(
        "row_number", "errors", "cleared_at", "item"
    )
    errors = []
    for entry in entries[:limit]:
        for error in entry.errors:
            errors.append(
                {**error, "row": entry.row_number, "cleared": entry.cleared_at is not None}
            )
    return errors
