"""Working days on the official calendar: package, admin-editable table, Monday–Friday fallback.

The 2026 expectations come from the ``chinese-calendar`` package (the State Council's notice
for 2026): Spring Festival holiday 15–23 February, make-up working days Sunday 4 January and
Saturdays 14 and 28 February. The 2027 entries below are test data, not the 2027 schedule.
"""

from __future__ import annotations

import datetime
import io

import chinese_calendar
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.core import error_codes
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.calendar import (
    add_months,
    add_working_days,
    calendar_known,
    calendar_missing_years,
    calendar_source,
    is_working_day,
    working_days_between,
    working_days_between_each,
)
from chengxin.core.choices import CalendarDayKind, CalendarSource
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.models import CalendarDay
from chengxin.core.selectors import calendar_warnings
from chengxin.core.services import calendar_day_delete, calendar_day_save

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)
TEST_NOTE = "测试数据"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def days_between(first: str, last: str) -> list[datetime.date]:
    start, end = day(first), day(last)
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


# --- The package: Spring Festival 2026 and make-up working days --------------------------------


def test_package_agrees_with_the_2026_spring_festival_schedule_used_below():
    # given
    fortnight = days_between("2026-02-13", "2026-02-28")

    # when
    holidays = [d for d in fortnight if d in chinese_calendar.holidays]
    make_up_days = [d for d in fortnight if d in chinese_calendar.workdays]

    # then
    assert holidays == days_between("2026-02-15", "2026-02-23")
    assert make_up_days == [day("2026-02-14"), day("2026-02-28")]


def test_spring_festival_2026_days_off_and_make_up_saturdays():
    # given
    fortnight = days_between("2026-02-13", "2026-02-28")

    # when
    working = [d for d in fortnight if is_working_day(d)]

    # then
    assert working == [
        day("2026-02-13"),
        day("2026-02-14"),
        day("2026-02-24"),
        day("2026-02-25"),
        day("2026-02-26"),
        day("2026-02-27"),
        day("2026-02-28"),
    ]


def test_make_up_working_sunday_counts_as_a_working_day():
    # given: Sunday 4 January 2026, a make-up working day for New Year's Day
    sunday = day("2026-01-04")

    # when
    answer = (is_working_day(sunday), calendar_source(sunday))

    # then
    assert sunday.weekday() == 6
    assert answer == (True, CalendarSource.PACKAGE)


def test_add_working_days_across_the_spring_festival():
    # given: Friday 13 February 2026, the last working day before the make-up Saturday

    # when
    results = [add_working_days(day("2026-02-13"), n) for n in (1, 2, 5)]

    # then
    assert results == [day("2026-02-14"), day("2026-02-24"), day("2026-02-27")]


def test_working_days_between_across_the_spring_festival():
    # given
    start, end = day("2026-02-13"), day("2026-02-27")

    # when
    count = working_days_between(start, end)

    # then
    assert count == 5


def test_add_and_between_are_inverse():
    # given
    start = day("2026-02-10")

    # when
    counts = [working_days_between(start, add_working_days(start, n)) for n in range(0, 25)]

    # then
    assert counts == list(range(0, 25))


def test_working_days_between_each_answers_every_end_as_the_single_count_does(
    django_assert_num_queries,
):
    # given: deadlines before, on and after the start, across the Spring Festival
    start = day("2026-02-13")
    ends = [day("2026-02-27"), day("2026-02-13"), day("2026-02-10"), day("2026-03-02")]
    expected = {end: working_days_between(start, end) for end in ends}

    # when: inside the test's transaction the table is read from the database, once
    with django_assert_num_queries(1):
        counts = working_days_between_each(start, ends)

    # then
    assert (
        counts
        == expected
        == {
            day("2026-02-27"): 5,
            day("2026-02-13"): 0,
            day("2026-02-10"): -3,
            day("2026-03-02"): 7,
        }
    )


def test_add_working_days_from_a_holiday_starts_counting_the_next_working_day():
    # given: the first day of the Spring Festival holiday
    start = day("2026-02-15")

    # when
    end = add_working_days(start, 1)

    # then
    assert end == day("2026-02-24")


def test_add_zero_working_days_is_the_start_itself():
    # given
    start = day("2026-02-15")

    # when
    end = add_working_days(start, 0)

    # then
    assert end == start


def test_add_working_days_refuses_a_negative_count():
    # given / when / then
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(day("2026-03-02"), -1)


def test_working_days_between_excludes_the_start_and_includes_the_end():
    # given: Friday 6 March 2026 and the following Monday
    friday, monday = day("2026-03-06"), day("2026-03-09")

    # when
    counts = (
        working_days_between(friday, friday),
        working_days_between(friday, monday),
        working_days_between(monday, friday),
    )

    # then
    assert counts == (0, 1, -1)


def test_working_day_functions_refuse_a_datetime():
    # given
    moment = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

    # when / then
    with pytest.raises(TypeError, match="take a date"):
        is_working_day(moment)


# --- Years the package does not know ---------------------------------------------------------


def test_2027_without_table_entries_counts_monday_to_friday():
    # given: Friday 1 January 2027 and Saturday 2 January 2027
    friday, saturday = day("2027-01-01"), day("2027-01-02")

    # when
    answers = [(is_working_day(d), calendar_source(d)) for d in (friday, saturday)]

    # then
    assert answers == [(True, CalendarSource.WEEKDAYS), (False, CalendarSource.WEEKDAYS)]
    assert add_working_days(day("2026-12-31"), 2) == day("2027-01-04")


def test_missing_years_report_2027_and_staff_are_warned():
    # given / when
    missing = calendar_missing_years(today=TODAY)
    warnings = calendar_warnings(today=TODAY)

    # then
    assert (calendar_known(2026), calendar_known(2027)) == (True, False)
    assert missing == [2027]
    assert warnings == [
        "工作日历缺少2027年的法定节假日和调休安排，这些年份的期限暂按周一至周五计算。"
        "请系统管理员在国务院办公厅发布放假安排通知后，在“工作日历”中录入放假日和调休上班日。"
    ]


def test_missing_years_list_every_unknown_year_ahead():
    # given / when
    missing = calendar_missing_years(today=TODAY, ahead=3)

    # then
    assert missing == [2027, 2028, 2029]


def test_table_entries_for_2027_change_the_answer_and_clear_the_warning(system_admin):
    # given
    assert is_working_day(day("2027-01-01")) is True

    # when
    calendar_day_save(
        day=day("2027-01-01"),
        kind=CalendarDayKind.HOLIDAY,
        name="元旦",
        source_note=TEST_NOTE,
        actor=system_admin,
    )
    calendar_day_save(
        day=day("2027-01-09"),
        kind=CalendarDayKind.WORKING_DAY,
        name="元旦",
        source_note=TEST_NOTE,
        actor=system_admin,
    )

    # then
    assert (is_working_day(day("2027-01-01")), calendar_source(day("2027-01-01"))) == (
        False,
        CalendarSource.TABLE,
    )
    assert is_working_day(day("2027-01-09")) is True
    assert add_working_days(day("2026-12-31"), 1) == day("2027-01-04")
    assert calendar_known(2027) is True
    assert calendar_missing_years(today=TODAY) == []
    assert calendar_warnings(today=TODAY) == []


def test_calendar_day_save_writes_an_audit_event(system_admin):
    # given / when
    entry = calendar_day_save(
        day=day("2027-01-01"),
        kind=CalendarDayKind.HOLIDAY,
        name=" 元旦 ",
        source_note=TEST_NOTE,
        actor=system_admin,
    )

    # then
    assert (entry.name, entry.source_note, entry.updated_by) == ("元旦", TEST_NOTE, system_admin)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        AuditAction.CREATE,
        "core.calendarday",
        "2027-01-01",
        system_admin.pk,
    )
    assert event.detail == {"old_kind": None, "new_kind": "holiday", "name": "元旦"}


def test_calendar_day_save_replaces_the_entry_of_the_same_date(system_admin):
    # given
    calendar_day_save(
        day=day("2027-01-02"), kind=CalendarDayKind.HOLIDAY, name="元旦", actor=system_admin
    )

    # when
    calendar_day_save(
        day=day("2027-01-02"), kind=CalendarDayKind.WORKING_DAY, name="元旦", actor=system_admin
    )

    # then
    assert list(CalendarDay.objects.values_list("date", "kind")) == [
        (day("2027-01-02"), CalendarDayKind.WORKING_DAY)
    ]
    assert is_working_day(day("2027-01-02")) is True
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
    ]


def test_calendar_day_save_requires_a_name(system_admin):
    # given / when
    with pytest.raises(DomainError) as raised:
        calendar_day_save(
            day=day("2027-01-01"), kind=CalendarDayKind.HOLIDAY, name=" ", actor=system_admin
        )

    # then
    assert raised.value.code == error_codes.CALENDAR_DAY_NAME_REQUIRED
    assert CalendarDay.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# --- The table overrides the package -----------------------------------------------------------


def test_table_entry_overrides_the_package_and_deleting_it_restores_the_package(system_admin):
    # given: Tuesday 24 February 2026 is a working day in the package
    tuesday = day("2026-02-24")
    calendar_day_save(
        day=tuesday,
        kind=CalendarDayKind.HOLIDAY,
        name="春节",
        source_note=TEST_NOTE,
        actor=system_admin,
    )
    overridden = (is_working_day(tuesday), calendar_source(tuesday))

    # when
    calendar_day_delete(day=tuesday, actor=system_admin)

    # then
    assert overridden == (False, CalendarSource.TABLE)
    assert (is_working_day(tuesday), calendar_source(tuesday)) == (True, CalendarSource.PACKAGE)
    delete_event = AuditEvent.objects.order_by("id").last()
    assert (delete_event.action, delete_event.object_id, delete_event.detail) == (
        AuditAction.DELETE,
        "2026-02-24",
        {"old_kind": "holiday", "new_kind": None, "name": "春节"},
    )


def test_calendar_day_delete_of_a_missing_entry_is_refused(system_admin):
    # given / when
    with pytest.raises(NotFoundError) as raised:
        calendar_day_delete(day=day("2027-05-01"), actor=system_admin)

    # then
    assert raised.value.code == error_codes.CALENDAR_DAY_NOT_FOUND
    assert AuditEvent.objects.count() == 0


def test_package_years_outside_its_range_are_unknown():
    # given / when
    known = [calendar_known(year) for year in (2003, 2004, 2026, 2027)]

    # then
    assert known == [False, True, True, False]


# --- Month arithmetic used by period policies ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2027-01-31", 1, "2027-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-03-15", -3, "2025-12-15"),
        ("2026-03-15", 0, "2026-03-15"),
    ],
)
def test_add_months_stays_inside_the_target_month(start, months, expected):
    # given / when
    result = add_months(day(start), months)

    # then
    assert result == day(expected)


# --- Command line ------------------------------------------------------------------------------


def test_calendar_import_reads_a_notice_from_csv(tmp_path, system_admin):
    # given
    notice = tmp_path / "notice.csv"
    notice.write_text(
        "date,kind,name,source_note\n"
        f"2027-01-01,holiday,元旦,{TEST_NOTE}\n"
        f"2027-01-09,working_day,元旦,{TEST_NOTE}\n",
        encoding="utf-8-sig",
    )
    output = io.StringIO()

    # when
    call_command("calendar", "import", str(notice), "--actor", "sysadmin", stdout=output)

    # then
    assert output.getvalue() == "已录入 2 天。\n"
    assert list(CalendarDay.objects.values_list("date", "kind", "updated_by")) == [
        (day("2027-01-01"), CalendarDayKind.HOLIDAY, system_admin.pk),
        (day("2027-01-09"), CalendarDayKind.WORKING_DAY, system_admin.pk),
    ]


def test_calendar_import_refuses_a_bad_line_and_saves_nothing(tmp_path):
    # given
    notice = tmp_path / "notice.csv"
    notice.write_text(
        "date,kind,name,source_note\n"
        f"2027-01-01,holiday,元旦,{TEST_NOTE}\n"
        f"2027-01-09,weekend,元旦,{TEST_NOTE}\n",
        encoding="utf-8",
    )

    # when
    with pytest.raises(CommandError) as raised:
        call_command("calendar", "import", str(notice))

    # then
    assert str(raised.value) == "第 3 行的日期或类别无效。"
    assert CalendarDay.objects.count() == 0


def test_calendar_deadline_command_names_its_source():
    # given
    output = io.StringIO()

    # when
    call_command("calendar", "deadline", "2026-02-13", "2", stdout=output)

    # then
    assert output.getvalue() == "2026-02-24（官方放假安排（chinese-calendar））\n"


def test_system_admin_adds_a_calendar_day_in_the_admin(client, system_admin):
    # given
    sign_in_verified(client, system_admin)

    # when
    response = client.post(
        "/staff/admin/core/calendarday/add/",
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "source_note": TEST_NOTE},
    )

    # then
    assert response.status_code == 302
    assert is_working_day(day("2027-01-01")) is False
    assert AuditEvent.objects.get(object_type="core.calendarday").actor_id == system_admin.pk
