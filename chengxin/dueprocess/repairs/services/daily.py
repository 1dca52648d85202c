"""The daily job's steps of credit repair: marking an application overdue and reminding the
department."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind
from chengxin.dueprocess.repairs import deadlines, notices
from chengxin.dueprocess.repairs.choices import (
    Transition,
)
from chengxin.dueprocess.repairs.services.common import _audit, _check_source, _locked


def repair_mark_overdue(*, repair_id: int, today: datetime.date, actor=None) -> bool:
    """Mark an open application whose deadline has passed as overdue (once per deadline), and
    tell the person and the department. ``False`` when there is nothing to mark."""
    with transaction.atomic():
        repair = _locked(repair_id)
        _check_source(repair, Transition.MARK_OVERDUE)
        due = repair.deadline
        if due is None or due >= today or repair.overdue_since is not None:
            return False
        repair.overdue_since = due + datetime.timedelta(days=1)
        repair.save(update_fields=["overdue_since", "updated_at"])
        _audit(
            actor=actor,
            repair=repair,
            transition=Transition.MARK_OVERDUE,
            detail={"deadline": due.isoformat()},
        )
        words = notices.record_words(repair)
        notices.notify_person(
            repair,
            kind=NoticeKind.DEADLINE,
            title=_("信用修复办理已超期"),
            body=_("您对%(record)s的信用修复申请未能在%(deadline)s前作出决定，平台已督促办理。")
            % {"record": words, "deadline": due.isoformat()},
        )
        notices.notify_department(
            repair,
            kind=NoticeKind.DEADLINE,
            title=_("信用修复办理已超期"),
            body=_("对%(record)s的信用修复申请已超过%(deadline)s的决定期限，请尽快作出决定。")
            % {"record": words, "deadline": due.isoformat()},
        )
    return True


def repair_remind(*, repair_id: int, today: datetime.date, actor=None) -> bool:
    """Remind the department that an open application's deadline is near (within
    ``repair.reminder_working_days``; once per deadline). ``False`` when not due."""
    with transaction.atomic():
        repair = _locked(repair_id)
        _check_source(repair, Transition.REMIND)
        due = repair.deadline
        if due is None or repair.reminded_for == due or due < today:
            return False
        left = deadlines.working_days_left([due], today=today)[due]
        if left > deadlines.reminder_working_days():
            return False
        repair.reminded_for = due
        repair.save(update_fields=["reminded_for", "updated_at"])
        _audit(
            actor=actor,
            repair=repair,
            transition=Transition.REMIND,
            detail={"deadline": due.isoformat(), "working_days_left": left},
        )
        notices.notify_department(
            repair,
            kind=NoticeKind.DEADLINE,
            title=_("信用修复决定即将到期"),
            body=_("对%(record)s的信用修复申请将于%(deadline)s到期，请及时作出决定。")
            % {"record": notices.record_words(repair), "deadline": due.isoformat()},
        )
    return True
