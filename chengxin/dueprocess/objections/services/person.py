"""The person's steps: withdraw, attach a statement, ask for a review."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.selectors import confirmed_citizen_account
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.dueprocess.objections import deadlines, error_codes
from chengxin.dueprocess.objections import notices as objection_notices
from chengxin.dueprocess.objections.choices import (
    OPEN_STATUSES,
    ObjectionStatus,
    Transition,
)
from chengxin.dueprocess.objections.limits import (
    REVIEW_REASON,
    STATEMENT,
)
from chengxin.dueprocess.objections.models import Objection, ObjectionStatement
from chengxin.dueprocess.objections.selectors import not_found
from chengxin.dueprocess.objections.services.common import (
    already_open,
    audit,
    check_source,
    event_detail,
    flag,
    locked,
    new_deadline,
    notify_owner,
    record_locked,
    required_text,
    unflag,
)
from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.services import outbox_event_record


def objection_withdraw(
    *, actor, objection_id: int, now: datetime.datetime | None = None, request=None
) -> Objection:
    """The person withdraws their open objection; the record's flag is cleared."""
    now = now or timezone.now()
    with transaction.atomic():
        objection = _locked_for_person(actor, objection_id)
        check_source(objection, Transition.WITHDRAW)
        waiting_for = deadlines.deadline_owner(objection.status)
        objection.status = ObjectionStatus.WITHDRAWN
        objection.withdrawn_at = now
        objection.deadline = None
        objection.save()
        unflag(objection)
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.WITHDRAW,
            action=AuditAction.UPDATE,
            request=request,
        )
        notify_owner(
            objection,
            owner=waiting_for,
            title=_("异议已撤回"),
            body=_("当事人已撤回对%(record)s的异议，无需再作处理。")
            % {"record": objection_notices.record_words(objection)},
        )
    return objection


def objection_statement_attach(
    *, actor, objection_id: int, text: str, now: datetime.datetime | None = None, request=None
) -> ObjectionStatement:
    """The person's statement (异议声明) on a record whose objection was rejected: from now on
    it travels with the record in every check answer, officer query and credit report. One per
    objection (409 ``objection_statement_already_attached``); it replaces an earlier statement
    on the same record."""
    now = now or timezone.now()
    text = required_text(text, STATEMENT, code=error_codes.OBJECTION_TEXT_REQUIRED)
    with transaction.atomic():
        objection = _locked_for_person(actor, objection_id)
        check_source(objection, Transition.ATTACH_STATEMENT)
        if ObjectionStatement.objects.filter(objection=objection).exists():
            raise DomainError(
                code=error_codes.OBJECTION_STATEMENT_ALREADY_ATTACHED,
                message=_("该异议已附加过异议声明。"),
                message_en="A statement was already attached to this objection.",
                status=409,
            )
        ObjectionStatement.objects.filter(
            record_id=objection.record_id, superseded_at__isnull=True
        ).update(superseded_at=now)
        statement = ObjectionStatement.objects.create(
            objection=objection,
            record_id=objection.record_id,
            subject_index=objection.subject_index,
            text=text,
            made_at=now,
        )
        objection.save(update_fields=["updated_at"])
        record = record_locked(objection.record_id)
        outbox_event_record(
            event_type=OutboxEventType.RECORD_STATEMENT,
            record=record,
            detail=event_detail(objection),
        )
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.ATTACH_STATEMENT,
            action=AuditAction.UPDATE,
            detail={"statement_id": statement.pk},
            request=request,
        )
    return statement


def objection_review_request(
    *,
    actor,
    objection_id: int,
    reason: str,
    now: datetime.datetime | None = None,
    request=None,
) -> Objection:
    """The person asks the credit office to review a rejection (复核), within
    ``review_request_until`` (409 ``objection_review_period_over`` after it). The record is
    flagged again while the review is open."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    reason = required_text(reason, REVIEW_REASON, code=error_codes.OBJECTION_REASONS_REQUIRED)
    with transaction.atomic():
        objection = _locked_for_person(actor, objection_id)
        check_source(objection, Transition.REQUEST_REVIEW)
        if objection.review_request_until is None or today > objection.review_request_until:
            raise DomainError(
                code=error_codes.OBJECTION_REVIEW_PERIOD_OVER,
                message=_("申请复核的期限已过。"),
                message_en="The period for asking for a review is over.",
                status=409,
            )
        record = record_locked(objection.record_id)
        if Objection.objects.filter(record=record, status__in=OPEN_STATUSES).exists():
            raise already_open()
        objection.status = ObjectionStatus.REVIEW_REQUESTED
        objection.review_requested_at, objection.review_reason = now, reason
        new_deadline(objection, deadlines.review_deadline(today))
        flag(record, objection=objection, disputed=True)
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.REQUEST_REVIEW,
            action=AuditAction.UPDATE,
            detail={"deadline": objection.deadline.isoformat()},
            request=request,
        )
        objection_notices.notify_credit_office(
            objection,
            title=_("新的复核申请"),
            body=_("当事人请求复核对%(record)s的异议决定，请在%(deadline)s前作出复核决定。")
            % {
                "record": objection_notices.record_words(objection),
                "deadline": objection.deadline.isoformat(),
            },
        )
    return objection


def _locked_for_person(actor, objection_id: int) -> Objection:
    """The objection, locked, if it is about the actor's own person; 404 otherwise."""
    account = confirmed_citizen_account(actor)
    if account is None:
        raise PermissionDeniedError(
            error_codes.OBJECTION_PERSON_REQUIRED,
            _("只有异议当事人可以办理此事项。"),
            "Only the person the objection is about may do this.",
        )
    objection = locked(objection_id)
    if objection.subject_index != account.subject_index:
        raise not_found()
    return objection
