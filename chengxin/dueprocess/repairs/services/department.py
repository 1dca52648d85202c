"""The department's decision on a repair application; approval marks the record repaired through
``collection.services.record_repair``."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.collection.models import CreditRecord
from chengxin.collection.services import record_repair
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.text import text_checked
from chengxin.dueprocess.cases import field_refusal as _field_refusal
from chengxin.dueprocess.cases import required_text as _required_text
from chengxin.dueprocess.objections.selectors import objection_open_for_record
from chengxin.dueprocess.repairs import error_codes, notices
from chengxin.dueprocess.repairs.choices import (
    RepairOutcome,
    RepairStatus,
    Transition,
)
from chengxin.dueprocess.repairs.limits import REASONS
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.services.common import (
    _audit,
    _check_answerer,
    _check_department,
    _check_source,
    _locked,
)


def repair_decide(
    *,
    actor,
    repair_id: int,
    outcome: str,
    reasons: str,
    now: datetime.datetime | None = None,
    request=None,
) -> Repair:
    """The deciding department's decision (applied → approved or rejected), with reasons
    (required when rejected). Approved: the record becomes ``repaired`` at once (a new version,
    its audit event and outbox event, through ``collection.services.record_repair``).

    Refusals, nothing written: not a provider (403 ``repair_decision_role_required``), another
    department's record (403 ``repair_wrong_department``), an outcome not among the choices or
    a rejection without reasons (422), a second decision (409 ``repair_already_decided``), a
    record under objection since the application (409 ``repair_record_disputed``) or no longer
    active (409 ``record_not_active``).
    """
    now = now or timezone.now()
    _check_answerer(actor)
    if outcome not in RepairOutcome.values:
        raise _field_refusal(
            "outcome",
            error_codes.REPAIR_OUTCOME_INVALID,
            _("请选择决定结果：准予修复或不予修复。"),
            "Choose the outcome: approved or rejected.",
        )
    if outcome == RepairOutcome.REJECTED:
        reasons = _required_text(reasons, REASONS, code=error_codes.REPAIR_REASONS_REQUIRED)
    else:
        reasons = text_checked(reasons or "", REASONS)
    with transaction.atomic():
        repair = _locked(repair_id)
        _check_department(actor, repair)
        _check_source(repair, Transition.DECIDE)
        if outcome == RepairOutcome.APPROVED:
            _approve(repair, actor=actor, now=now)
        else:
            repair.status = RepairStatus.REJECTED
        repair.reasons = reasons
        repair.decided_at, repair.decided_on = now, timezone.localdate(now)
        repair.decided_by = actor
        repair.deadline = None
        repair.save()
        _audit(
            actor=actor,
            repair=repair,
            transition=Transition.DECIDE,
            action=AuditAction.DECISION,
            detail={"outcome": repair.status, "repaired_version": repair.repaired_version},
            request=request,
        )
        _notify_decided(repair)
    return repair


def _approve(repair: Repair, *, actor, now: datetime.datetime) -> None:
    record = (
        CreditRecord.objects.select_for_update()
        .select_related("department", "item")
        .get(pk=repair.record_id)
    )
    if record.disputed or objection_open_for_record(record.pk):
        raise DomainError(
            code=error_codes.REPAIR_RECORD_DISPUTED,
            message=_("该记录有正在处理的异议，请先对异议作出处理决定，再决定信用修复。"),
            message_en="The record is under objection; decide the objection first.",
            status=409,
        )
    record_repair(actor=actor, record=record, now=now, detail={"repair_id": repair.pk})
    repair.status = RepairStatus.APPROVED
    repair.repaired_version = record.current_version


def _notify_decided(repair: Repair) -> None:
    words = notices.record_words(repair)
    if repair.status == RepairStatus.APPROVED:
        title = _("信用修复申请已准予")
        body = _(
            "您对%(record)s的信用修复申请已准予：该记录已修复，不再公示，不再用于核查和名单；"
            "您本人的信用档案中仍可查看该记录及其日期。"
        ) % {"record": words}
    else:
        title = _("信用修复申请未予准许")
        body = _("您对%(record)s的信用修复申请不予修复。请登录查看决定理由。") % {"record": words}
    notices.notify_person(repair, title=title, body=body)
