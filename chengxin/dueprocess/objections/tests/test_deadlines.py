"""Deadlines of objections on the official calendar (SPEC §8) and the daily job that marks
overdue cases and sends reminders one working day before a deadline.

The 2026 schedule comes from the ``chinese-calendar`` package: Spring Festival holiday 15–23
February, make-up working days Saturday 14 and Saturday 28 February. 2027 is a year the package
does not know; the table entry below is test data, not the 2027 schedule.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from chengxin.accounts.models import Notice
from chengxin.core.audit.models import AuditEvent
from chengxin.core.choices import CalendarDayKind
from chengxin.core.services import calendar_day_save
from chengxin.dueprocess.objections.choices import (
    OBJECTION_OBJECT_TYPE,
    DecisionOutcome,
    ObjectionStatus,
)
from chengxin.dueprocess.objections.deadlines import deadline_warnings, working_days_left
from chengxin.dueprocess.objections.jobs import objections_daily
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.services import (
    objection_accept,
    objection_decide,
    objection_extend,
)
from chengxin.dueprocess.objections.tests.factories import filed, moment

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def notices(title: str) -> list[str]:
    return sorted(Notice.objects.filter(title=title).values_list("user__username", flat=True))


# --- Deadlines ----------------------------------------------------------------------------------


def test_a_deadline_across_the_spring_festival(cast, penalty):
    # when: filed on Friday 13 February 2026, the last working day before the holiday
    objection = filed(cast.citizen, penalty, now=moment("2026-02-13"))

    # then: Saturday 14 (make-up), then 24, 25, 26 and Friday 27 February
    assert objection.deadline == day("2026-02-27")
    assert working_days_left([objection.deadline], today=day("2026-02-20")) == {
        day("2026-02-27"): 4
    }


def test_a_deadline_across_a_make_up_working_day(cast, penalty):
    # when: filed on Tuesday 24 February 2026
    objection = filed(cast.citizen, penalty, now=moment("2026-02-24"))

    # then: 25, 26, 27, Saturday 28 (a make-up working day) and Monday 2 March
    assert objection.deadline == day("2026-03-02")


def test_an_extension_across_the_spring_festival_reaches_twenty_working_days(cast, penalty):
    # given
    objection = filed(cast.citizen, penalty, now=moment("2026-02-13"))

    # when
    objection = objection_extend(
        actor=cast.provider,
        objection_id=objection.pk,
        working_days=20,
        reason="需向复议机关调取案卷。",
        now=moment("2026-02-24"),
    )

    # then: both make-up Saturdays count, the holiday does not
    assert objection.deadline == day("2026-03-19")


def test_a_deadline_in_a_year_the_calendar_does_not_know_counts_monday_to_friday_and_warns(
    cast, penalty
):
    # when: filed on Monday 28 December 2026; 2027 is not in the package nor the table
    objection = filed(cast.citizen, penalty, now=moment("2026-12-28"))

    # then: 29, 30, 31 December, Friday 1 January 2027 (Monday to Friday) and Monday 4 January
    assert objection.deadline == day("2027-01-04")
    assert deadline_warnings([objection.deadline], today=day("2026-12-28")) == [
        "工作日历缺少2027年的法定节假日和调休安排，这些年份的期限暂按周一至周五计算。"
        "请系统管理员在国务院办公厅发布放假安排通知后，在“工作日历”中录入放假日和调休上班日。"
    ]


def test_the_calendar_table_fills_the_unknown_year_and_the_warning_goes(cast, penalty):
    # given: the system administrator entered 1 January 2027 as a holiday (test data)
    calendar_day_save(day=day("2027-01-01"), kind=CalendarDayKind.HOLIDAY, name="元旦", actor=None)

    # when
    objection = filed(cast.citizen, penalty, now=moment("2026-12-28"))

    # then: 1 January is skipped
    assert objection.deadline == day("2027-01-05")
    assert deadline_warnings([objection.deadline], today=day("2026-12-28")) == []


def test_the_staff_queue_shows_the_calendar_warning_for_a_deadline_in_an_unknown_year(
    client, cast, penalty, settings
):
    # given
    settings.CHENGXIN_REQUIRE_TOTP = False
    filed(cast.citizen, penalty, now=moment("2026-12-28"))
    client.force_login(cast.provider)

    # when
    html = client.get("/staff/objections/").content.decode()

    # then
    assert "工作日历缺少" in html and "2027年" in html


# --- The daily job ------------------------------------------------------------------------------


def test_providers_are_reminded_one_working_day_before_the_deadline_once(cast, penalty):
    # given: deadline Friday 27 February 2026
    objection = filed(cast.citizen, penalty, now=moment("2026-02-13"))

    # when
    on_wednesday = objections_daily(today=day("2026-02-25"))
    on_thursday = objections_daily(today=day("2026-02-26"))
    again = objections_daily(today=day("2026-02-26"))

    # then
    assert (on_wednesday.reminded, on_thursday.reminded, again.reminded) == (0, 1, 0)
    assert notices("异议处理即将到期") == ["provider-tax"]
    assert Objection.objects.get(pk=objection.pk).reminded_for == day("2026-02-27")


def test_the_reminder_falls_on_a_make_up_saturday(cast, penalty):
    # given: deadline Monday 2 March 2026; the working day before it is Saturday 28 February
    filed(cast.citizen, penalty, now=moment("2026-02-24"))

    # when
    on_friday = objections_daily(today=day("2026-02-27"))
    on_saturday = objections_daily(today=day("2026-02-28"))

    # then
    assert (on_friday.reminded, on_saturday.reminded) == (0, 1)


def test_a_missed_reminder_is_still_sent_on_the_deadline_day(cast, penalty):
    # given: the job did not run on Thursday 26 February
    filed(cast.citizen, penalty, now=moment("2026-02-13"))

    # when
    outcome = objections_daily(today=day("2026-02-27"))

    # then
    assert (outcome.reminded, outcome.overdue) == (1, 0)


def test_after_missed_days_the_job_marks_the_case_overdue_once_and_tells_the_person(cast, penalty):
    # given: accepted, then the job did not run until after the deadline of 27 February
    objection = filed(cast.citizen, penalty, now=moment("2026-02-13"))
    objection_accept(actor=cast.provider, objection_id=objection.pk, now=moment("2026-02-24"))

    # when
    first = objections_daily(today=day("2026-03-03"))
    second = objections_daily(today=day("2026-03-04"))

    # then
    objection.refresh_from_db()
    assert (first.overdue, first.reminded, second.overdue) == (1, 0, 0)
    assert objection.overdue_since == day("2026-02-28")
    assert notices("异议处理已超期") == ["citizen-a", "provider-tax"]
    transitions = list(
        AuditEvent.objects.filter(object_type=OBJECTION_OBJECT_TYPE, object_id=str(objection.pk))
        .order_by("pk")
        .values_list("detail__transition", "actor_username")
    )
    assert transitions[-1] == ("mark_overdue", "")
    assert [transition for transition, _actor in transitions].count("mark_overdue") == 1


def test_a_rejection_is_closed_when_its_review_period_is_over(cast, penalty):
    # given: rejected on Monday 2 March 2026; the review may be asked for until 23 March
    objection = filed(cast.citizen, penalty, now=moment("2026-03-02", 9))
    objection_accept(actor=cast.provider, objection_id=objection.pk, now=moment("2026-03-02", 10))
    objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.REJECTED,
        reasons="记录无误。",
        now=moment("2026-03-02", 11),
    )

    # when
    last_day = objections_daily(today=day("2026-03-23"))
    after = objections_daily(today=day("2026-03-24"))

    # then
    assert (last_day.closed, after.closed) == (0, 1)
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.CLOSED


def test_the_command_runs_the_day_and_says_what_it_did(cast, penalty):
    # given
    filed(cast.citizen, penalty, now=moment("2026-02-13"))
    out = io.StringIO()

    # when
    call_command("dueprocess_daily", "--today", "2026-02-26", stdout=out, stderr=io.StringIO())

    # then
    assert out.getvalue().splitlines() == [
        "异议：办结0件，新超期0件，到期提醒1件。",
        "信用修复：新超期0件，到期提醒0件。",
    ]
