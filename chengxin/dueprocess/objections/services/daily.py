"""The daily job's steps: close lapsed rejections, mark overdue cases, remind."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind
from chengxin.dueprocess.objections import deadlines
from chengxin.dueprocess.objections import notices as objection_notices
from chengxin.dueprocess.objections.choices import (
    ObjectionStatus,
    Transition,
)
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.services.common import (
    audit,
    check_source,
    conflict,
    locked,
    notify_owner,
)


def objection_close(*, objection_id: int, today: datetime.date, actor=None) -> Objection:
    """A rejection whose review period is over without a review request is closed (rejected →
    closed). Refused (409) while the period runs."""
    with transaction.atomic():
        objection = locked(objection_id)
        check_source(objection, Transition.CLOSE)
        if objection.review_request_until is not None and today <= objection.review_request_until:
            raise conflict(
                _("申请复核的期限尚未届满，异议不能办结。"),
                "The review period is still running.",
            )
        objection.status = ObjectionStatus.CLOSED
        objection.closed_at = timezone.now()
        objection.save()
        audit(actor=actor, objection=objection, transition=Transition.CLOSE)
    return objection


def objection_mark_overdue(*, objection_id: int, today: datetime.date, actor=None) -> bool:
    """Mark an open objection whose deadline has passed as overdue (once per deadline), and
    tell the person and whoever owes the step. ``False`` when there is nothing to mark."""
    with transaction.atomic():
        objection = locked(objection_id)
        check_source(objection, Transition.MARK_OVERDUE)
        due = objection.deadline
        if due is None or due >= today or objection.overdue_since is not None:
            return False
        objection.overdue_since = due + datetime.timedelta(days=1)
        objection.save(update_fields=["overdue_since", "updated_at"])
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.MARK_OVERDUE,
            detail={"deadline": due.isoformat()},
        )
        _notify_overdue(objection)
    return True


def _notify_overdue(objection: Objection) -> None:
    words = objection_notices.record_words(objection)
    due = objection.deadline.isoformat()
    objection_notices.notify_person(
        objection,
        kind=NoticeKind.DEADLINE,
        title=_("异议处理已超期"),
        body=_("您对%(record)s提出的异议未能在%(deadline)s前办结，平台已督促办理，并列入超期督办。")
        % {"record": words, "deadline": due},
    )
    notify_owner(
        objection,
        owner=deadlines.deadline_owner(objection.status),
        kind=NoticeKind.DEADLINE,
        title=_("异议处理已超期"),
        body=_("对%(record)s的异议已超过%(deadline)s的办理期限，请尽快作出决定。")
        % {"record": words, "deadline": due},
    )


def objection_remind(*, objection_id: int, today: datetime.date, actor=None) -> bool:
    """Remind whoever owes the step of an open objection that its deadline is near (within
    ``objection.reminder_working_days``; once per deadline). ``False`` when not due."""
    with transaction.atomic():
        objection = locked(objection_id)
        check_source(objection, Transition.REMIND)
        due = objection.deadline
        if due is None or objection.reminded_for == due or due < today:
            return False
        left = deadlines.working_days_left([due], today=today)[due]
        if left > deadlines.reminder_working_days():
            return False
        objection.reminded_for = due
        objection.save(update_fields=["reminded_for", "updated_at"])
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.REMIND,
            detail={"deadline": due.isoformat(), "working_days_left": left},
        )
        notify_owner(
            objection,
            owner=deadlines.deadline_owner(objection.status),
            kind=NoticeKind.DEADLINE,
            title=_("异议处理即将到期"),
            body=_("对%(record)s的异议将于%(deadline)s到期，请及时作出决定。")
            % {"record": objection_notices.record_words(objection), "deadline": due.isoformat()},
        )
    return True
