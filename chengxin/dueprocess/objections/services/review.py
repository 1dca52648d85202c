"""The credit office's review (复核) of a rejection."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import PermissionDeniedError
from chengxin.dueprocess.objections import deadlines, error_codes
from chengxin.dueprocess.objections import notices as objection_notices
from chengxin.dueprocess.objections.choices import (
    ObjectionStatus,
    ReviewOutcome,
    Transition,
)
from chengxin.dueprocess.objections.limits import REASONS
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.selectors import can_screen
from chengxin.dueprocess.objections.services.common import (
    audit,
    check_source,
    field_refusal,
    locked,
    new_deadline,
    required_text,
    unflag,
)


def objection_review_decide(
    *,
    actor,
    objection_id: int,
    outcome: str,
    reasons: str,
    now: datetime.datetime | None = None,
    request=None,
) -> Objection:
    """The credit office's review decision: ``confirmed`` (the rejection stands; closed, the
    flag cleared) or ``overturned`` (the department must correct or revoke the record within
    the decision period; the flag stays)."""
    now = now or timezone.now()
    if not can_screen(actor):
        raise PermissionDeniedError(
            error_codes.OBJECTION_REVIEW_ROLE_REQUIRED,
            _("只有信用办审核员可以作出复核决定。"),
            "Only a reviewer of the credit office decides reviews.",
        )
    if outcome not in ReviewOutcome.values:
        raise field_refusal(
            "outcome",
            error_codes.OBJECTION_OUTCOME_INVALID,
            _("请选择复核结果：维持原决定或撤销原决定。"),
            "Choose the outcome: confirmed or overturned.",
        )
    reasons = required_text(reasons, REASONS, code=error_codes.OBJECTION_REASONS_REQUIRED)
    with transaction.atomic():
        objection = locked(objection_id)
        check_source(objection, Transition.DECIDE_REVIEW)
        objection.review_outcome, objection.review_reasons = outcome, reasons
        objection.review_decided_at, objection.review_decided_by = now, actor
        if outcome == ReviewOutcome.CONFIRMED:
            objection.status = ObjectionStatus.CLOSED
            objection.closed_at, objection.deadline = now, None
            objection.save()
            unflag(objection)
        else:
            objection.status = ObjectionStatus.OVERTURNED
            new_deadline(objection, deadlines.correction_deadline(timezone.localdate(now)))
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.DECIDE_REVIEW,
            action=AuditAction.DECISION,
            detail={"outcome": outcome},
            request=request,
        )
        _notify_reviewed(objection)
    return objection


def _notify_reviewed(objection: Objection) -> None:
    words = objection_notices.record_words(objection)
    objection_notices.notify_person(
        objection,
        title=_("复核结果"),
        body=_("您对%(record)s的异议复核已有结果：%(outcome)s。请登录查看理由。")
        % {"record": words, "outcome": ReviewOutcome(objection.review_outcome).label},
    )
    if objection.status == ObjectionStatus.OVERTURNED:
        objection_notices.notify_department(
            objection,
            title=_("复核撤销了异议不成立决定"),
            body=_(
                "信用办复核撤销了对%(record)s的异议不成立决定，请在%(deadline)s前更正或撤销该记录。"
            )
            % {"record": words, "deadline": objection.deadline.isoformat()},
        )
