"""Deadlines of credit repair on the official calendar, and the daily job that marks overdue
applications and reminds the department one working day before a deadline.

The 2026 schedule comes from the ``chinese-calendar`` package: Spring Festival holiday 15–23
February, make-up working days Saturday 14 and Saturday 28 February."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from chengxin.accounts.models import Notice
from chengxin.core.audit.models import AuditEvent
from chengxin.dueprocess.repairs.choices import REPAIR_OBJECT_TYPE
from chengxin.dueprocess.repairs.jobs import repairs_daily
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.services import repair_decide
from chengxin.dueprocess.repairs.tests.factories import applied, moment, people, record

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def penalty(cast):
    # decided 1 October 2025: repairable from 1 January 2026, disclosed until 1 October 2026
    return record(cast.provider, decided_on="2025-10-01", today="2026-01-05")


def transitions(repair: Repair) -> list[str]:
    return [
        event.detail["transition"]
        for event in AuditEvent.objects.filter(
            object_type=REPAIR_OBJECT_TYPE, object_id=str(repair.pk)
        ).order_by("pk")
    ]


def test_the_decision_is_due_three_working_days_after_applying(cast, penalty):
    # Tuesday 6 January 2026 → Friday 9 January
    repair = applied(cast.citizen, penalty, now=moment("2026-01-06"))

    assert (repair.allowed_working_days, repair.deadline) == (3, day("2026-01-09"))


def test_a_deadline_across_the_spring_festival(cast, penalty):
    # applied on Friday 13 February 2026: Saturday 14 (make-up), then 24 and 25 February
    repair = applied(cast.citizen, penalty, now=moment("2026-02-13"))

    assert repair.deadline == day("2026-02-25")


def test_a_deadline_across_a_make_up_working_day(cast, penalty):
    # applied on Thursday 26 February 2026: 27, Saturday 28 (make-up) and Monday 2 March
    repair = applied(cast.citizen, penalty, now=moment("2026-02-26"))

    assert repair.deadline == day("2026-03-02")


def test_the_policy_sets_the_period(cast, penalty):
    from chengxin.core.services import policy_value_set

    policy_value_set(name="repair.decision_working_days", value=5, actor=None, reason="本地细则")

    repair = applied(cast.citizen, penalty, now=moment("2026-01-06"))

    assert (repair.allowed_working_days, repair.deadline) == (5, day("2026-01-13"))


def test_the_daily_job_reminds_the_day_before_and_marks_overdue_once(cast, penalty):
    # given: applied Tuesday 6 January, due Friday 9 January
    repair = applied(cast.citizen, penalty, now=moment("2026-01-06"))

    # when: the job runs on Wednesday (2 days left), Thursday (1 left), twice on Monday 12th
    quiet = repairs_daily(today=day("2026-01-07"))
    reminded = repairs_daily(today=day("2026-01-08"))
    overdue = repairs_daily(today=day("2026-01-12"))
    again = repairs_daily(today=day("2026-01-12"))

    # then
    assert (quiet.reminded, quiet.overdue) == (0, 0)
    assert (reminded.reminded, reminded.overdue) == (1, 0)
    assert (overdue.reminded, overdue.overdue) == (0, 1)
    assert (again.reminded, again.overdue) == (0, 0)
    repair.refresh_from_db()
    assert repair.overdue_since == day("2026-01-10")
    assert transitions(repair) == ["apply", "remind", "mark_overdue"]
    assert Notice.objects.filter(title="信用修复决定即将到期", user=cast.provider).count() == 1
    assert Notice.objects.filter(title="信用修复办理已超期", user=cast.citizen).count() == 1


def test_a_decided_application_is_neither_reminded_nor_overdue(cast, penalty):
    repair = applied(cast.citizen, penalty, now=moment("2026-01-06"))
    repair_decide(
        actor=cast.provider,
        repair_id=repair.pk,
        outcome="rejected",
        reasons="材料不全。",
        now=moment("2026-01-07"),
    )

    outcome = repairs_daily(today=day("2026-01-20"))

    assert (outcome.reminded, outcome.overdue) == (0, 0)
    assert transitions(repair) == ["apply", "decide"]


def test_the_command_runs_objections_and_repairs(cast, penalty):
    applied(cast.citizen, penalty, now=moment("2026-01-06"))
    output = io.StringIO()

    call_command("dueprocess_daily", "--today", "2026-01-12", stdout=output, stderr=io.StringIO())

    assert "信用修复：新超期1件" in output.getvalue()
