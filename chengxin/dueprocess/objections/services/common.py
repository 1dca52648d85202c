"""Steps every objection service shares: the row locks, the state check, the flag with its
outbox event, the audit event, the refusals."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from chengxin.collection.models import CreditRecord
from chengxin.collection.services import record_disputed_set
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.dueprocess.cases import (  # noqa: F401 - the objection services take them from here
    case_locked,
    field_refusal,
    record_case_audit,
    required_text,
    transition_audit,
)
from chengxin.dueprocess.objections import deadlines, error_codes
from chengxin.dueprocess.objections import notices as objection_notices
from chengxin.dueprocess.objections.choices import (
    OBJECTION_OBJECT_TYPE,
    TRANSITIONS,
    ObjectionStatus,
    Transition,
)
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.selectors import (
    can_answer,
    not_found,
)
from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.services import outbox_event_record

ATTACHMENT_OBJECT_TYPE = "objections.attachment"
# The purpose recorded in the audit log (kept in the platform's language, as purposes are).
CASE_READ_PURPOSE = "异议办理"
POWER_OF_ATTORNEY_FIELD = "power_of_attorney"


def locked(objection_id: int) -> Objection:
    return case_locked(
        Objection.objects.select_for_update().select_related("record__item", "department"),
        objection_id,
        not_found=not_found,
    )


def record_locked(record_id: int) -> CreditRecord:
    return (
        CreditRecord.objects.select_for_update()
        .select_related("department", "item", "subject")
        .get(pk=record_id)
    )


def check_answerer(actor) -> None:
    if not can_answer(actor):
        raise PermissionDeniedError(
            error_codes.OBJECTION_DECISION_ROLE_REQUIRED,
            _("只有信息提供单位的数据报送员可以受理和处理异议。"),
            "Only a data provider of the providing department may answer objections.",
        )


def check_department(actor, objection: Objection) -> None:
    if actor.department_id != objection.department_id:
        raise PermissionDeniedError(
            error_codes.OBJECTION_WRONG_DEPARTMENT,
            _("该记录由其他部门提供，只有提供单位可以处理对它的异议（谁提供、谁负责）。"),
            "The record is another department's; only the providing department answers.",
        )


def check_source(objection: Objection, transition: str) -> None:
    if objection.status in TRANSITIONS[transition]:
        return
    if transition == Transition.DECIDE and objection.decided_at is not None:
        raise DomainError(
            code=error_codes.OBJECTION_ALREADY_DECIDED,
            message=_("该异议已于%(day)s作出决定，不能再次决定。")
            % {"day": objection.decided_on.isoformat()},
            message_en="The objection has already been decided.",
            status=409,
        )
    raise conflict(
        _("该异议当前状态为“%(status)s”，不能%(step)s。")
        % {
            "status": ObjectionStatus(objection.status).label,
            "step": Transition(transition).label,
        },
        f"The objection is {objection.status}; it cannot be {transition}.",
    )


def conflict(message: str, message_en: str) -> DomainError:
    return DomainError(
        code=error_codes.OBJECTION_STATE_CONFLICT,
        message=message,
        message_en=message_en,
        status=409,
    )


def new_deadline(objection: Objection, deadline: datetime.date) -> None:
    objection.deadline = deadline
    objection.overdue_since = None
    objection.reminded_for = None
    objection.save()


def flag(record: CreditRecord, *, objection: Objection, disputed: bool) -> None:
    record_disputed_set(record=record, disputed=disputed)
    event = OutboxEventType.RECORD_DISPUTED if disputed else OutboxEventType.RECORD_DISPUTE_CLOSED
    outbox_event_record(event_type=event, record=record, detail=event_detail(objection))


def unflag(objection: Objection) -> None:
    flag(record_locked(objection.record_id), objection=objection, disputed=False)


def event_detail(objection: Objection) -> dict[str, Any]:
    return {"objection_id": objection.pk, "objection_status": objection.status}


def audit(
    *,
    actor,
    objection: Objection,
    transition: str,
    action: str = AuditAction.UPDATE,
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> None:
    record_case_audit(
        actor=actor,
        object_type=OBJECTION_OBJECT_TYPE,
        case=objection,
        transition=transition,
        action=action,
        detail=detail,
        request=request,
    )


def already_open() -> DomainError:
    return DomainError(
        code=error_codes.OBJECTION_ALREADY_OPEN,
        message=_("该记录已有正在处理的异议，请等待处理结果，或在“我的异议”中查看。"),
        message_en="The record already has an open objection.",
        status=409,
    )


def notify_owner(objection: Objection, *, owner: str, title: str, body: str, kind=None) -> None:
    extra = {"kind": kind} if kind else {}
    if owner == deadlines.DeadlineOwner.CREDIT_OFFICE:
        objection_notices.notify_credit_office(objection, title=title, body=body, **extra)
    elif owner == deadlines.DeadlineOwner.DEPARTMENT:
        objection_notices.notify_department(objection, title=title, body=body, **extra)
