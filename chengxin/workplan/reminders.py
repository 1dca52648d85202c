"""Reminders to the responsible units (docs/workplan.md, "Reminders").

``workplan_remind(today=…)`` sends, through the platform's notices (``accounts.notices``: the
inbox of each active provider and officer of the unit):

- a deadline reminder to each unit that has not completed a task whose deadline is at most
  ``workplan.deadline_reminder_days`` away (and not passed);
- a missing-report reminder to each unit that has not reported on a task for the last quarter
  that ended, once ``workplan.missing_report_reminder_days`` have passed since its end.

Each reminder is a ``Reminder`` row unique per task, unit, kind and key (the deadline's day,
or the quarter), written with its notices and its audit event in one transaction: a second
run, or two runs at once, send nothing twice. Missed days are caught up while the reminder
still applies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from chengxin.accounts.choices import DEPARTMENT_ROLES, NoticeKind
from chengxin.accounts.models import Department, User
from chengxin.accounts.notices import NoticeDraft, notices_send_many
from chengxin.core.audit.choices import AuditAction
from chengxin.core.selectors import policy_value
from chengxin.workplan.choices import ReminderKind
from chengxin.workplan.models import Plan, Reminder, Task
from chengxin.workplan.periods import Quarter
from chengxin.workplan.policies import DEADLINE_REMINDER_DAYS, MISSING_REPORT_REMINDER_DAYS
from chengxin.workplan.selectors import progress_of_plan
from chengxin.workplan.services import _audit


@dataclass(frozen=True)
class RemindOutcome:
    deadline: int
    missing: int
    notices: int


def workplan_remind(*, today: datetime.date) -> RemindOutcome:
    """Send the day's reminders for every plan (see the module docstring)."""
    ahead = datetime.timedelta(days=int(policy_value(DEADLINE_REMINDER_DAYS.name)))
    after = datetime.timedelta(days=int(policy_value(MISSING_REPORT_REMINDER_DAYS.name)))
    ended = Quarter.of(today).previous()
    deadline = missing = notices = 0
    for plan in Plan.objects.order_by("pk"):
        for sent in _deadline_reminders(plan, today=today, ahead=ahead):
            deadline, notices = deadline + (sent > 0), notices + sent
        if today < ended.last_day + after or not _plan_covers(plan, ended):
            continue
        for sent in _missing_reminders(plan, ended):
            missing, notices = missing + (sent > 0), notices + sent
    return RemindOutcome(deadline=deadline, missing=missing, notices=notices)


def _deadline_reminders(plan: Plan, *, today: datetime.date, ahead: datetime.timedelta):
    """The notices sent per deadline reminder due today (0 for one sent before)."""
    for task in progress_of_plan(plan=plan, period=Quarter.of(today)):
        due = task.task.deadline
        if due is None or not today <= due <= today + ahead:
            continue
        for unit in task.units:
            if not unit.completed:
                day = due.isoformat()
                yield _remind(task.task, unit.department, ReminderKind.DEADLINE, day, day)


def _missing_reminders(plan: Plan, ended: Quarter):
    """The notices sent per missing-report reminder of the quarter that ended."""
    for task in progress_of_plan(plan=plan, period=ended):
        for unit in task.missing_units:
            yield _remind(
                task.task, unit.department, ReminderKind.MISSING_REPORT, ended.key, ended.label
            )


def _plan_covers(plan: Plan, quarter: Quarter) -> bool:
    return plan.issued_on is None or plan.issued_on <= quarter.last_day


def _remind(task: Task, department: Department, kind: str, key: str, label: str) -> int:
    """One reminder, once: the number of notices sent (0 when it was sent before). A unit
    without staff accounts still gets its row, so that it is not tried again every day."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(task=task, department=department, kind=kind, key=key)
            recipients = list(
                User.objects.filter(
                    department=department, role__in=DEPARTMENT_ROLES, is_active=True
                ).order_by("pk")
            )
            drafts = [_draft(user, task, kind, label) for user in recipients]
            notices_send_many(kind=NoticeKind.DEADLINE, drafts=drafts)
            reminder.recipients = len(drafts)
            reminder.save(update_fields=["recipients"])
            _audit(
                None,
                AuditAction.CREATE,
                "workplan_reminder",
                reminder.pk,
                {"task": task.pk, "department": department.code, "kind": kind, "key": key},
            )
    except IntegrityError:
        return 0
    return len(drafts)


def _draft(user, task: Task, kind: str, when: str) -> NoticeDraft:
    link = reverse("workplan:task_detail", kwargs={"task_id": task.pk})
    if kind == ReminderKind.DEADLINE:
        title = _("工作任务完成时限临近")
        body = _("“%(task)s”的完成时限为%(day)s，请抓紧推进并报送进展。") % {
            "task": f"{task.reference} {task.title}",
            "day": when,
        }
    else:
        title = _("工作任务进展报告未报送")
        body = _("本单位尚未报送“%(task)s”%(period)s的进展报告，请尽快报送。") % {
            "task": f"{task.reference} {task.title}",
            "period": when,
        }
    return NoticeDraft(user=user, title=title, body=body, link=link)
