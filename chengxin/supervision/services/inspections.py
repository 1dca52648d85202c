"""Inspections of a credit agency or data handler, their follow-up and close, and the violations
found (docs/supervision.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.text import field_refusal, text_checked
from chengxin.supervision import error_codes, limits
from chengxin.supervision.choices import (
    InspectionStatus,
    Severity,
)
from chengxin.supervision.models import (
    CreditAgency,
    DataHandler,
    Inspection,
    Practitioner,
    Violation,
)
from chengxin.supervision.services.blacklist import _agency_blacklist, _listing_terms
from chengxin.supervision.services.common import (
    _audit,
    _check_decider,
    _check_registers,
    _choice,
    _date,
    _required_text,
    _user_or_none,
)


def inspection_open(
    *,
    actor,
    agency: CreditAgency | None = None,
    handler: DataHandler | None = None,
    inspected_on: datetime.date | None,
    inspectors: str,
    scope: str,
    findings: str,
    today: datetime.date | None = None,
) -> Inspection:
    """Record an inspection of one agency or one data handler (exactly one), not dated in the
    future. It starts open. Audited ``create``."""
    _check_registers(actor)
    if (agency is None) == (handler is None):
        raise DomainError(
            code=error_codes.SUPERVISION_TARGET_INVALID,
            message=_("请选择被检查的一家征信机构或一家数据处理者。"),
            message_en="Choose one agency or one data handler to inspect.",
            status=422,
            details={"errors": [{"field": "target"}]},
        )
    today = today or timezone.localdate()
    inspected_on = _date(inspected_on, field="inspected_on", label=_("检查日期"), latest=today)
    values = {
        "inspectors": _required_text(inspectors, limits.INSPECTORS),
        "scope": _required_text(scope, limits.SCOPE),
        "findings": _required_text(findings, limits.FINDINGS),
    }
    with transaction.atomic():
        inspection = Inspection.objects.create(
            agency=agency,
            handler=handler,
            inspected_on=inspected_on,
            created_by=_user_or_none(actor),
            **values,
        )
        _audit(actor, AuditAction.CREATE, "inspection", inspection.pk, _target_detail(inspection))
    return inspection


def inspection_follow_up_require(
    *, actor, inspection: Inspection, follow_up: str, due: datetime.date | None
) -> Inspection:
    """Ask the inspected party to put things right by ``due`` (not before the inspection):
    open → follow_up_due. Audited ``update``."""
    _check_registers(actor)
    follow_up = _required_text(follow_up, limits.FOLLOW_UP)
    due = _date(due, field="follow_up_due", label=_("整改期限"), earliest=inspection.inspected_on)
    with transaction.atomic():
        locked = _inspection_locked(inspection, allowed=(InspectionStatus.OPEN,))
        locked.follow_up, locked.follow_up_due = follow_up, due
        locked.status = InspectionStatus.FOLLOW_UP_DUE
        locked.save(update_fields=["follow_up", "follow_up_due", "status"])
        _audit(
            actor,
            AuditAction.UPDATE,
            "inspection",
            locked.pk,
            {"status": locked.status, "follow_up_due": due.isoformat()},
        )
    return locked


def inspection_close(
    *, actor, inspection: Inspection, note: str, today: datetime.date | None = None
) -> Inspection:
    """Close an open inspection or one whose follow-up was checked, with a closing note.
    Audited ``decision``."""
    _check_registers(actor)
    note = _required_text(note, limits.CLOSING_NOTE)
    with transaction.atomic():
        locked = _inspection_locked(
            inspection, allowed=(InspectionStatus.OPEN, InspectionStatus.FOLLOW_UP_DUE)
        )
        locked.status = InspectionStatus.CLOSED
        locked.closing_note = note
        locked.closed_on = today or timezone.localdate()
        locked.save(update_fields=["status", "closing_note", "closed_on"])
        _audit(actor, AuditAction.DECISION, "inspection", locked.pk, {"status": locked.status})
    return locked


# --- violations and the blacklist -----------------------------------------------------------


def violation_record(
    *,
    actor,
    inspection: Inspection,
    severity: str,
    description: str,
    basis: str,
    decided_on: datetime.date | None,
    decision_document: str = "",
    responsible: Iterable[int] = (),
    listing_reason: str = "",
    listing_until: datetime.date | None = None,
    today: datetime.date | None = None,
    request=None,
) -> Violation:
    """Record a violation found by ``inspection`` (not closed).

    A serious violation of an agency also puts the agency on the violation blacklist, in the
    same transaction (``_agency_blacklist``): its listing, the revocation of every token of the
    agency, and the responsible persons' records sent through the submission service. Any
    refusal along the way writes nothing at all.
    """
    _check_decider(actor)
    today = today or timezone.localdate()
    severity = _choice(severity, Severity, field="severity", label=_("严重程度"))
    values = {
        "description": _required_text(description, limits.DESCRIPTION),
        "basis": _required_text(basis, limits.BASIS),
        "decided_on": _date(decided_on, field="decided_on", label=_("认定日期"), latest=today),
        "decision_document": text_checked(decision_document, limits.DOCUMENT),
    }
    listing = severity == Severity.SERIOUS and inspection.agency_id is not None
    if listing:
        listing_reason, listing_until = _listing_terms(
            values, reason=listing_reason, until=listing_until, today=today
        )
    with transaction.atomic():
        locked = _inspection_locked(
            inspection, allowed=(InspectionStatus.OPEN, InspectionStatus.FOLLOW_UP_DUE)
        )
        people = _responsible(locked, responsible)
        violation = Violation.objects.create(
            inspection=locked, severity=severity, created_by=_user_or_none(actor), **values
        )
        violation.responsible.set(people)
        _audit(
            actor,
            AuditAction.CREATE,
            "violation",
            violation.pk,
            {"inspection_id": locked.pk, "severity": severity, "responsible": len(people)},
        )
        if listing:
            _agency_blacklist(
                actor=actor,
                violation=violation,
                people=people,
                reason=listing_reason,
                until=listing_until,
                request=request,
            )
    return violation


def _responsible(inspection: Inspection, ids: Iterable[int]) -> list[Practitioner]:
    wanted = {int(pk) for pk in ids}
    if not wanted:
        return []
    found = list(
        Practitioner.objects.filter(pk__in=wanted, agency_id=inspection.agency_id)
        .exclude(agency_id__isnull=True)
        .select_related("subject")
        .order_by("pk")
    )
    if len(found) != len(wanted) or inspection.agency_id is None:
        raise field_refusal(
            [
                {
                    "field": "responsible",
                    "code": error_codes.SUPERVISION_RESPONSIBLE_INVALID,
                    "message": _("责任人员须为被检查机构登记的从业人员。"),
                    "message_en": "Responsible persons must be practitioners of the agency.",
                }
            ]
        )
    return found


def _inspection_locked(inspection: Inspection, *, allowed) -> Inspection:
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status not in allowed:
        raise DomainError(
            code=error_codes.SUPERVISION_INSPECTION_STATE,
            message=_("该检查当前状态为“%(status)s”，不能进行此操作。")
            % {"status": locked.get_status_display()},
            message_en=f"The inspection is {locked.status}; this step is not allowed.",
            status=409,
        )
    return locked


def _target_detail(inspection: Inspection) -> dict[str, Any]:
    if inspection.agency_id:
        return {"agency_id": inspection.agency_id}
    return {"handler_id": inspection.handler_id}
