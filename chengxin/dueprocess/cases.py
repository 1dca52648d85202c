"""What every kind of due-process case (objections, repairs, tip-offs) shares in its services:
the refusal of one field, a required text field, a checked ID number, the locked row of a case,
and the audit event of a transition."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from chengxin.collection.models import CreditRecord
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.text import TextField, text_checked
from chengxin.core.text import field_refusal as fields_refusal

CaseModel = TypeVar("CaseModel", bound=Model)


def field_refusal(field: str, code: str, message: str, message_en: str) -> DomainError:
    """A 422 naming ``field``, in the API's field-error shape (``core.text.field_refusal``)."""
    error = {"field": field, "code": code, "message": message, "message_en": message_en}
    return fields_refusal([error])


def required_text(value: str, field: TextField, *, code: str) -> str:
    """``value`` checked against ``field``'s limits and the ID-number guard; refused when empty."""
    value = text_checked(value or "", field)
    if not value:
        raise field_refusal(
            field.name,
            code,
            _("请填写“%(label)s”。") % {"label": field.label},
            f"{field.name} is required.",
        )
    return value


def transition_audit(
    *,
    actor,
    object_type: str,
    case,
    subject_index: str,
    transition: str,
    facts: Mapping[str, Any],
    action: str = AuditAction.UPDATE,
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> None:
    """The one audit event of a transition of ``case``: its name, the case's status after it,
    the case's ``facts`` (no personal data) and the transition's own ``detail``."""
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(case.pk),
        subject_index=subject_index,
        detail={"transition": str(transition), "status": case.status, **facts, **(detail or {})},
        request=request,
    )


def case_locked(cases: QuerySet, case_id: int, *, not_found: Callable[[], DomainError]):
    """The case ``case_id`` of ``cases`` (a queryset already locking and joining what the
    transition needs), locked for the transaction; ``not_found()`` is raised when there is none."""
    case = cases.filter(pk=case_id).first()
    if case is None:
        raise not_found()
    return case


def record_case_audit(
    *,
    actor,
    object_type: str,
    case,
    transition: str,
    action: str = AuditAction.UPDATE,
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> None:
    """The audit event of a transition of a case about one credit record (an objection, a
    repair application): the record and its department are the case's facts."""
    transition_audit(
        actor=actor,
        object_type=object_type,
        case=case,
        subject_index=case.subject_index,
        transition=transition,
        facts={"record_id": case.record_id, "department": case.department.code},
        action=action,
        detail=detail,
        request=request,
    )


def case_inserted(case: CaseModel, *, already_open: Callable[[], DomainError]) -> CaseModel:
    """Insert ``case``, turning its one-open-case-per-record constraint into the kind's 409
    ``already_open()`` (two filings at once)."""
    try:
        with transaction.atomic():
            case.save(force_insert=True)
    except IntegrityError:
        raise already_open() from None
    return case


def case_record_locked(
    record_id: int,
    *,
    subject_index: str,
    by_person: bool,
    not_found: Callable[[], DomainError],
    mismatch_code: str,
) -> CreditRecord:
    """The record a case is filed about, locked, if it is about the person of
    ``subject_index``: ``not_found()`` when there is none, or when a person filing for
    themselves (``by_person``) names another's; a 422 with ``mismatch_code`` when staff name
    a record of someone else."""
    record = (
        CreditRecord.objects.select_for_update()
        .select_related("department", "item")
        .filter(pk=record_id)
        .first()
    )
    if record is None or (by_person and record.subject_index != subject_index):
        raise not_found()
    if record.subject_index != subject_index:
        raise field_refusal(
            "record_id",
            mismatch_code,
            _("该记录不是此身份证号码所属当事人的记录，请核对记录编号和身份证件。"),
            "The record is not about the person with this ID number.",
        )
    return record
