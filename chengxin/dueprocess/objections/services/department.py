"""The providing department's steps: accept, refuse (不予受理), extend, decide."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.dueprocess.objections import deadlines, error_codes
from chengxin.dueprocess.objections import notices as objection_notices
from chengxin.dueprocess.objections.choices import (
    DecisionOutcome,
    ObjectionStatus,
    RefusalReason,
    Resolution,
    Transition,
)
from chengxin.dueprocess.objections.corrections import correction_apply, revocation_apply
from chengxin.dueprocess.objections.limits import (
    EXTENSION_REASON,
    REASONS,
)
from chengxin.dueprocess.objections.models import Objection, ObjectionStatement
from chengxin.dueprocess.objections.selectors import REFUSED_RECORD_STATUSES
from chengxin.dueprocess.objections.services.common import (
    audit,
    check_answerer,
    check_department,
    check_source,
    conflict,
    event_detail,
    field_refusal,
    locked,
    record_locked,
    required_text,
    unflag,
)
from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.services import outbox_event_record


def objection_accept(
    *, actor, objection_id: int, now: datetime.datetime | None = None, request=None
) -> Objection:
    """The department accepts the objection for examination (filed → accepted); the deadline
    still counts from the filing day."""
    now = now or timezone.now()
    check_answerer(actor)
    with transaction.atomic():
        objection = locked(objection_id)
        check_department(actor, objection)
        check_source(objection, Transition.ACCEPT)
        objection.status = ObjectionStatus.ACCEPTED
        objection.accepted_at, objection.accepted_by = now, actor
        objection.save()
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.ACCEPT,
            action=AuditAction.UPDATE,
            request=request,
        )
        objection_notices.notify_person(
            objection,
            title=_("异议已受理"),
            body=_("您对%(record)s提出的异议已受理，信息提供单位将在%(deadline)s前作出处理决定。")
            % {
                "record": objection_notices.record_words(objection),
                "deadline": objection.deadline.isoformat(),
            },
        )
    return objection


def objection_refuse(
    *,
    actor,
    objection_id: int,
    reason: str,
    reasons: str,
    now: datetime.datetime | None = None,
    request=None,
) -> Objection:
    """Not admissible (不予受理, filed → not admissible): ``reason`` one of ``RefusalReason``
    (the same grounds already decided, unrelated, other), ``reasons`` its explanation. The
    record's flag is cleared."""
    now = now or timezone.now()
    check_answerer(actor)
    if reason not in RefusalReason.values:
        raise field_refusal(
            "reason",
            error_codes.OBJECTION_OUTCOME_INVALID,
            _("请选择不予受理的理由。"),
            "Choose why the objection is not admissible.",
        )
    reasons = required_text(reasons, REASONS, code=error_codes.OBJECTION_REASONS_REQUIRED)
    with transaction.atomic():
        objection = locked(objection_id)
        check_department(actor, objection)
        check_source(objection, Transition.REFUSE)
        objection.status = ObjectionStatus.NOT_ADMISSIBLE
        objection.refusal_reason, objection.reasons = reason, reasons
        _decided(objection, actor=actor, now=now)
        unflag(objection)
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.REFUSE,
            action=AuditAction.DECISION,
            detail={"reason": reason},
            request=request,
        )
        _notify_decided(objection, title=_("异议不予受理"))
    return objection


def objection_extend(
    *,
    actor,
    objection_id: int,
    working_days: int,
    reason: str,
    now: datetime.datetime | None = None,
    request=None,
) -> Objection:
    """Extend the department's deadline once, with a reason: to ``working_days`` after the
    filing day in all, more than now and at most ``objection.extension_max_working_days``
    (422 ``objection_extension_invalid`` otherwise; a second extension is 409
    ``objection_extension_used``)."""
    now = now or timezone.now()
    check_answerer(actor)
    reason = required_text(reason, EXTENSION_REASON, code=error_codes.OBJECTION_REASONS_REQUIRED)
    with transaction.atomic():
        objection = locked(objection_id)
        check_department(actor, objection)
        check_source(objection, Transition.EXTEND)
        _check_extension(objection, working_days)
        before = objection.deadline
        objection.allowed_working_days = working_days
        objection.deadline = deadlines.decision_deadline(objection.filed_on, working_days)
        objection.extended_at, objection.extended_by = now, actor
        objection.extension_reason = reason
        if objection.deadline >= timezone.localdate(now):
            objection.overdue_since = None
        objection.save()
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.EXTEND,
            action=AuditAction.UPDATE,
            detail={
                "working_days": working_days,
                "deadline_before": before.isoformat(),
                "deadline": objection.deadline.isoformat(),
            },
            request=request,
        )
        objection_notices.notify_person(
            objection,
            kind=NoticeKind.DEADLINE,
            title=_("异议处理期限延长"),
            body=_("您对%(record)s提出的异议情况较复杂，处理期限延长至%(deadline)s。")
            % {
                "record": objection_notices.record_words(objection),
                "deadline": objection.deadline.isoformat(),
            },
        )
    return objection


def _check_extension(objection: Objection, working_days: int) -> None:
    if objection.extended_at is not None:
        raise DomainError(
            code=error_codes.OBJECTION_EXTENSION_USED,
            message=_("该异议的处理期限已经延长过一次，不能再次延长。"),
            message_en="The deadline of this objection was already extended once.",
            status=409,
        )
    most = deadlines.extension_max_working_days()
    if not (
        isinstance(working_days, int) and objection.allowed_working_days < working_days <= most
    ):
        raise field_refusal(
            "working_days",
            error_codes.OBJECTION_EXTENSION_INVALID,
            _(
                "延长后的处理时限应多于现有的%(now)d个工作日，且不超过%(most)d个工作日（自提交之日起计算）。"
            )
            % {"now": objection.allowed_working_days, "most": most},
            f"The extended period must be more than {objection.allowed_working_days} and at "
            f"most {most} working days from the filing day.",
        )


def objection_decide(
    *,
    actor,
    objection_id: int,
    outcome: str,
    reasons: str,
    resolution: str = "",
    corrections: Mapping[str, Any] | None = None,
    now: datetime.datetime | None = None,
    request=None,
) -> Objection:
    """The department's decision (accepted, or overturned on review → upheld or rejected).

    Upheld: ``resolution`` ``corrected`` (the record's next version with ``corrections``, through
    the collection service) or ``revoked``; the statements on the record lapse. Rejected: the
    person may attach a statement and ask for a review until ``review_request_until``. Either way
    the record's flag is cleared. A second decision is 409 ``objection_already_decided``; after a
    review overturned a rejection only ``upheld`` is possible.
    """
    now = now or timezone.now()
    check_answerer(actor)
    outcome, resolution = _checked_outcome(outcome, resolution, corrections)
    reasons = required_text(reasons, REASONS, code=error_codes.OBJECTION_REASONS_REQUIRED)
    with transaction.atomic():
        objection = locked(objection_id)
        check_department(actor, objection)
        check_source(objection, Transition.DECIDE)
        if objection.status == ObjectionStatus.OVERTURNED and outcome != DecisionOutcome.UPHELD:
            raise conflict(
                _("复核已撤销原不成立决定，须更正或撤销该记录。"),
                "The review overturned the rejection; the record must be corrected or revoked.",
            )
        objection.reasons = reasons
        if outcome == DecisionOutcome.UPHELD:
            _uphold(objection, actor=actor, resolution=resolution, corrections=corrections, now=now)
        else:
            objection.status = ObjectionStatus.REJECTED
            objection.review_request_until = deadlines.review_request_until(timezone.localdate(now))
        _decided(objection, actor=actor, now=now)
        unflag(objection)
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.DECIDE,
            action=AuditAction.DECISION,
            detail=_decision_detail(objection),
            request=request,
        )
        _notify_decided(objection, title=_("异议处理结果"))
    return objection


def _checked_outcome(outcome: str, resolution: str, corrections) -> tuple[str, str]:
    if outcome not in DecisionOutcome.values:
        raise field_refusal(
            "outcome",
            error_codes.OBJECTION_OUTCOME_INVALID,
            _("请选择处理结果：异议成立或异议不成立。"),
            "Choose the outcome: upheld or rejected.",
        )
    if outcome == DecisionOutcome.REJECTED:
        return outcome, ""
    if resolution not in Resolution.values:
        raise field_refusal(
            "resolution",
            error_codes.OBJECTION_RESOLUTION_REQUIRED,
            _("异议成立的，请选择更正记录或撤销记录。"),
            "An upheld objection corrects or revokes the record: choose one.",
        )
    return outcome, resolution


def _uphold(objection: Objection, *, actor, resolution: str, corrections, now) -> None:
    record = record_locked(objection.record_id)
    apply_args = {
        "actor": actor,
        "objection_id": objection.pk,
        "record": record,
        "today": timezone.localdate(now),
    }
    if resolution == Resolution.CORRECTED and record.status in REFUSED_RECORD_STATUSES:
        raise conflict(
            _("该记录已撤销或退出，不能更正；异议成立时请选择撤销记录。"),
            "The record is revoked or withdrawn and cannot be corrected; revoke it instead.",
        )
    if resolution == Resolution.CORRECTED:
        applied = correction_apply(**apply_args, corrections=dict(corrections or {}))
        event = OutboxEventType.RECORD_CORRECTED
    else:
        applied = revocation_apply(**apply_args)
        event = OutboxEventType.RECORD_REVOKED
    objection.status = ObjectionStatus.UPHELD
    objection.resolution = resolution
    objection.corrected_version = applied.version
    objection.correction_submission_id = applied.submission_id
    ObjectionStatement.objects.filter(record_id=record.pk, superseded_at__isnull=True).update(
        superseded_at=now
    )
    record.refresh_from_db()
    outbox_event_record(event_type=event, record=record, detail=event_detail(objection))


def _decision_detail(objection: Objection) -> dict[str, Any]:
    detail: dict[str, Any] = {"outcome": objection.status}
    if objection.resolution:
        detail.update(
            resolution=objection.resolution,
            version=objection.corrected_version,
            submission=objection.correction_submission_id,
        )
    if objection.review_request_until:
        detail["review_request_until"] = objection.review_request_until.isoformat()
    return detail


def _decided(objection: Objection, *, actor, now: datetime.datetime) -> None:
    objection.decided_at, objection.decided_on = now, timezone.localdate(now)
    objection.decided_by = actor
    objection.deadline = None
    objection.save()


def _notify_decided(objection: Objection, *, title: str) -> None:
    objection_notices.notify_person(
        objection,
        title=title,
        body=_("您对%(record)s提出的异议已有结果：%(status)s。请登录查看决定和理由。")
        % {
            "record": objection_notices.record_words(objection),
            "status": ObjectionStatus(objection.status).label,
        },
    )
