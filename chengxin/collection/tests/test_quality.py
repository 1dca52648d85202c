"""The data-quality scoreboard: counts, rejected rows by code, lateness, and who sees what."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.permissions import can_view_all_data_quality, can_view_data_quality
from chengxin.accounts.tests.factories import (
    MATRIX_CASES,
    credit_office,
    matrix_user,
    sign_in_verified,
    staff_user,
)
from chengxin.catalog.choices import UpdateFrequency
from chengxin.catalog.tests.factories import make_item
from chengxin.collection.choices import (
    Operation,
    SubmissionChannel,
    SubmissionStatus,
)
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.models import QuarantineEntry, Submission
from chengxin.collection.quality import (
    QUALITY_ROLE_REQUIRED,
    ErrorCodeCount,
    due_date,
    quality_department_for,
    quality_scoreboard,
)
from chengxin.collection.tests.factories import (
    ITEM_CODE,
    bearer,
    other_department,
    penalty_item,
    provider,
    row,
    tax_department,
)
from chengxin.core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db

QUALITY = "/api/v1/quality"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Friday in a month without public holidays.
FRIDAY = datetime.date(2026, 3, 6)


def _post(client, headers, records, *, key):
    body = {"catalog_item": ITEM_CODE, "operation": "upsert", "records": records}
    response = client.post(
        "/api/v1/submissions",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def _submission(department, item, *, on, status=SubmissionStatus.COMPLETED, counts=(1, 1, 0)):
    """A submission row made on day ``on`` (10:00 local time) with (received, accepted, rejected)."""
    received, accepted, rejected = counts
    submission = Submission.objects.create(
        department=department,
        item=item,
        channel=SubmissionChannel.FILE,
        operation=Operation.UPSERT,
        status=status,
        received=received,
        accepted=accepted,
        rejected=rejected,
        created_by=staff_user(Role.PROVIDER, department=department),
    )
    moment = datetime.datetime.combine(on, datetime.time(10), tzinfo=SHANGHAI)
    Submission.objects.filter(pk=submission.pk).update(created_at=moment, finished_at=moment)
    return submission


def _row_of(rows, department_code, item_code):
    return next(r for r in rows if (r.department_code, r.item_code) == (department_code, item_code))


# Counts


def test_counts_per_department_and_item_with_rejected_rows_by_code(client):
    # given: two submissions through the API, one with two bad rows, then a fix of one of them
    penalty_item()
    headers = bearer(provider())
    _post(
        client,
        headers,
        [row("S-1"), row("S-2", sequence=2, authority=""), row("S-3", sequence=3, name="")],
        key="k1",
    )
    _post(client, headers, [row("S-2", sequence=2)], key="k2")

    # when
    rows = quality_scoreboard()

    # then
    assert len(rows) == 1
    tax = rows[0]
    assert (tax.department_code, tax.item_code) == ("tax", ITEM_CODE)
    assert (tax.submissions, tax.received, tax.accepted, tax.rejected) == (2, 4, 2, 2)
    assert tax.rejected_by_code == [
        ErrorCodeCount(code=row_error_codes.FIELD_REQUIRED, rows=2, open=1)
    ]
    assert tax.last_submission_at == Submission.objects.get(idempotency_key="k2").created_at


def test_a_row_with_several_codes_counts_once_under_each_and_once_per_code():
    # given
    item = penalty_item()
    tax = tax_department()
    submission = _submission(tax, item, on=FRIDAY, counts=(3, 0, 3))
    errors_of_rows = [
        ["field_required", "field_required", "id_checksum"],
        ["id_checksum"],
        ["date_invalid"],
    ]
    for number, codes in enumerate(errors_of_rows, start=1):
        QuarantineEntry.objects.create(
            submission=submission,
            department=tax,
            item=item,
            row_number=number,
            source_id=f"S-{number}",
            values_ciphertext=b"x",
            values_key_id="k",
            values_algorithm="a",
            errors=[{"row": number, "field": "f", "code": code} for code in codes],
        )

    # when
    row_of_tax = quality_scoreboard(today=FRIDAY)[0]

    # then: most frequent code first, then by code
    assert row_of_tax.rejected_by_code == [
        ErrorCodeCount(code="id_checksum", rows=2, open=2),
        ErrorCodeCount(code="date_invalid", rows=1, open=1),
        ErrorCodeCount(code="field_required", rows=1, open=1),
    ]


def test_only_completed_submissions_count():
    # given
    item = penalty_item()
    tax = tax_department()
    _submission(tax, item, on=FRIDAY, counts=(5, 4, 1))
    _submission(tax, item, on=FRIDAY, status=SubmissionStatus.FAILED, counts=(7, 0, 0))
    _submission(tax, item, on=FRIDAY, status=SubmissionStatus.RUNNING, counts=(9, 3, 0))
    later = _submission(
        tax, item, on=FRIDAY + datetime.timedelta(days=3), status=SubmissionStatus.RECEIVED
    )

    # when
    tax_row = quality_scoreboard(today=FRIDAY)[0]

    # then
    assert (tax_row.submissions, tax_row.received, tax_row.accepted, tax_row.rejected) == (
        1,
        5,
        4,
        1,
    )
    assert tax_row.last_submission_at.date() != later.created_at.date()


def test_departments_and_items_are_kept_apart():
    # given
    tax = tax_department()
    health = other_department()
    penalty = penalty_item()
    licence = make_item(code="health-licence", name="医师执业注册", departments=[health, tax])
    _submission(tax, penalty, on=FRIDAY, counts=(10, 9, 1))
    _submission(tax, licence, on=FRIDAY, counts=(4, 4, 0))
    _submission(health, licence, on=FRIDAY, counts=(2, 1, 1))

    # when
    rows = quality_scoreboard(today=FRIDAY)
    only_health = quality_scoreboard(department=health, today=FRIDAY)

    # then
    assert [(r.department_code, r.item_code, r.received, r.accepted, r.rejected) for r in rows] == [
        ("health", "health-licence", 2, 1, 1),
        ("tax", "health-licence", 4, 4, 0),
        ("tax", ITEM_CODE, 10, 9, 1),
    ]
    assert [(r.department_code, r.item_code) for r in only_health] == [("health", "health-licence")]


def test_the_number_of_queries_does_not_grow_with_submissions():
    # given
    item = penalty_item()
    tax = tax_department()
    _submission(tax, item, on=FRIDAY)
    quality_scoreboard(today=FRIDAY)
    with CaptureQueriesContext(connection) as few:
        quality_scoreboard(today=FRIDAY)
    for day in range(1, 6):
        _submission(tax, item, on=FRIDAY + datetime.timedelta(days=day))
    make_item(code="other-item", departments=[tax, other_department()])

    # when
    with CaptureQueriesContext(connection) as many:
        rows = quality_scoreboard(today=FRIDAY)

    # then
    assert len(rows) == 3
    assert len(many) == len(few)


# Lateness


@pytest.mark.parametrize(
    ("frequency", "today", "late"),
    [
        (UpdateFrequency.DAILY, FRIDAY + datetime.timedelta(days=3), False),  # Monday
        (UpdateFrequency.DAILY, FRIDAY + datetime.timedelta(days=4), True),  # Tuesday
        (UpdateFrequency.REALTIME, FRIDAY + datetime.timedelta(days=3), False),
        (UpdateFrequency.REALTIME, FRIDAY + datetime.timedelta(days=4), True),
        (UpdateFrequency.WEEKLY, FRIDAY + datetime.timedelta(days=7), False),
        (UpdateFrequency.WEEKLY, FRIDAY + datetime.timedelta(days=8), True),
        (UpdateFrequency.MONTHLY, FRIDAY + datetime.timedelta(days=31), False),
        (UpdateFrequency.MONTHLY, FRIDAY + datetime.timedelta(days=32), True),
        (UpdateFrequency.QUARTERLY, FRIDAY + datetime.timedelta(days=92), False),
        (UpdateFrequency.QUARTERLY, FRIDAY + datetime.timedelta(days=93), True),
        (UpdateFrequency.YEARLY, FRIDAY + datetime.timedelta(days=366), False),
        (UpdateFrequency.YEARLY, FRIDAY + datetime.timedelta(days=367), True),
    ],
)
def test_lateness_follows_the_update_frequency(frequency, today, late):
    # given
    item = penalty_item(update_frequency=frequency)
    _submission(tax_department(), item, on=FRIDAY)

    # when
    tax_row = quality_scoreboard(today=today)[0]

    # then
    assert tax_row.late is late
    assert (tax_row.due_on < today) is late
    assert tax_row.overdue_days == (1 if late else None)


def test_a_daily_item_sent_before_the_spring_festival_is_due_after_the_holiday():
    # given: 14 February 2026 is a make-up working Saturday, then the holiday runs to the 23rd
    saturday = datetime.datetime(2026, 2, 14, 18, tzinfo=SHANGHAI)

    # when
    due = due_date(frequency=UpdateFrequency.DAILY, last_submission_at=saturday)

    # then
    assert due == datetime.date(2026, 2, 24)


def test_the_local_date_of_a_late_evening_submission_counts():
    # given: 23:30 in Shanghai on Friday is 15:30 UTC the same day; 00:30 Saturday is Friday UTC
    saturday_early = datetime.datetime(2026, 3, 7, 0, 30, tzinfo=SHANGHAI)

    # when
    due = due_date(frequency=UpdateFrequency.WEEKLY, last_submission_at=saturday_early)

    # then
    assert due == datetime.date(2026, 3, 14)


def test_a_provided_item_never_submitted_is_listed_as_late():
    # given
    penalty_item(update_frequency=UpdateFrequency.YEARLY)

    # when
    rows = quality_scoreboard(today=FRIDAY)

    # then
    assert [
        (r.department_code, r.submissions, r.last_submission_at, r.due_on, r.late) for r in rows
    ] == [("tax", 0, None, None, True)]


def test_an_item_no_longer_provided_keeps_its_history_but_is_never_late():
    # given
    item = penalty_item(update_frequency=UpdateFrequency.DAILY)
    _submission(tax_department(), item, on=FRIDAY)
    item.departments.clear()
    disabled = make_item(code="disabled-item", is_active=False)

    # when
    rows = quality_scoreboard(today=FRIDAY + datetime.timedelta(days=30))

    # then
    assert [(r.item_code, r.expected, r.late) for r in rows] == [(ITEM_CODE, False, False)]
    assert disabled.code not in {r.item_code for r in rows}


# Who sees what: API

SEES_TAX = {"provider_same_department", "reviewer", "admin"}
SEES_ALL = {"reviewer", "admin"}


@pytest.mark.parametrize("case", MATRIX_CASES)
def test_permission_matrix_of_data_quality(case):
    # given
    user = matrix_user(case) or AnonymousUser()
    tax = tax_department()

    # when
    sees = (can_view_data_quality(user, tax), can_view_all_data_quality(user))

    # then
    assert sees == (case in SEES_TAX, case in SEES_ALL)


def test_department_roles_of_the_credit_office_see_every_department():
    # given
    office = credit_office()
    users = [staff_user(role, department=office) for role in (Role.PROVIDER, Role.OFFICER)]

    # when
    sees = [can_view_all_data_quality(user) for user in users]

    # then
    assert sees == [True, True]


def _scoreboard_with_two_departments():
    tax = tax_department()
    health = other_department()
    penalty = penalty_item()
    licence = make_item(code="health-licence", name="医师执业注册", departments=[health])
    _submission(tax, penalty, on=FRIDAY, counts=(3, 2, 1))
    _submission(health, licence, on=FRIDAY, counts=(5, 5, 0))
    return tax, health


def test_api_gives_a_provider_its_own_department_only(client):
    # given
    _scoreboard_with_two_departments()
    headers = bearer(provider())

    # when
    response = client.get(QUALITY, **headers)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["department"] == "tax"
    assert [(r["department"], r["catalog_item"]) for r in body["rows"]] == [("tax", ITEM_CODE)]
    tax_row = body["rows"][0]
    assert (tax_row["received"], tax_row["accepted"], tax_row["rejected"]) == (3, 2, 1)
    assert set(tax_row) >= {"rejected_by_code", "last_submission_at", "due_on", "late"}


def test_api_refuses_a_provider_asking_for_another_department(client):
    # given
    _scoreboard_with_two_departments()
    headers = bearer(provider())

    # when
    response = client.get(QUALITY, {"department": "health"}, **headers)

    # then
    assert response.status_code == 403
    assert response.json()["code"] == QUALITY_ROLE_REQUIRED


@pytest.mark.parametrize("kind", ["reviewer", "admin", "office_officer"])
def test_api_gives_the_credit_office_every_department_or_the_one_asked_for(client, kind):
    # given
    _scoreboard_with_two_departments()
    if kind == "office_officer":
        user = staff_user(Role.OFFICER, department=credit_office())
    else:
        user = staff_user(Role(kind))
    headers = bearer(user)

    # when
    everything = client.get(QUALITY, **headers).json()
    health_only = client.get(QUALITY, {"department": "health"}, **headers).json()

    # then
    assert [r["department"] for r in everything["rows"]] == ["health", "tax"]
    assert everything["department"] is None
    assert [r["department"] for r in health_only["rows"]] == ["health"]


def test_api_answers_404_for_an_unknown_department(client):
    # given
    headers = bearer(staff_user(Role.REVIEWER))

    # when
    response = client.get(QUALITY, {"department": "nowhere"}, **headers)

    # then
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("anonymous", 401),
        ("unknown_token", 401),
        (Role.AUDITOR, 403),
        (Role.SECURITY, 403),
    ],
)
def test_api_refuses_anonymous_callers_and_other_roles(client, kind, status):
    # given
    _scoreboard_with_two_departments()
    headers = {}
    if kind == "unknown_token":
        headers = {"HTTP_AUTHORIZATION": "Bearer cx_not-a-real-token"}
    elif kind != "anonymous":
        headers = bearer(staff_user(kind))

    # when
    response = client.get(QUALITY, **headers)

    # then
    assert response.status_code == status
    assert "rows" not in response.json()


# Who sees what: the staff page


def test_page_shows_a_provider_its_own_department_with_the_late_marker(client):
    # given
    tax, _health = _scoreboard_with_two_departments()
    make_item(code="never-sent", name="从未报送的目录项", departments=[tax])
    sign_in_verified(client, provider())

    # when
    response = client.get(reverse("collection:quality"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    rows = response.context["rows"]
    assert {r.department_code for r in rows} == {"tax"}
    assert "医师执业注册" not in page
    assert "税务行政处罚" in page
    assert "逾期" in page
    assert "从未报送" in page
    assert 'name="department"' not in page


def test_page_shows_the_credit_office_every_department_and_filters_by_one(client):
    # given
    _scoreboard_with_two_departments()
    sign_in_verified(client, staff_user(Role.REVIEWER))

    # when
    everything = client.get(reverse("collection:quality"))
    health_only = client.get(reverse("collection:quality"), {"department": "health"})

    # then
    assert {r.department_code for r in everything.context["rows"]} == {"tax", "health"}
    assert 'name="department"' in everything.content.decode()
    assert {r.department_code for r in health_only.context["rows"]} == {"health"}
    assert client.get(reverse("collection:quality"), {"department": "nowhere"}).status_code == 404


def test_page_refuses_a_provider_asking_for_another_department(client):
    # given
    _scoreboard_with_two_departments()
    sign_in_verified(client, provider())

    # when
    response = client.get(reverse("collection:quality"), {"department": "health"})

    # then
    assert response.status_code == 403


def test_page_sends_anonymous_visitors_to_sign_in(client):
    # when
    response = client.get(reverse("collection:quality"))

    # then
    assert response.status_code == 302
    assert reverse("collection:quality") in response["Location"]


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SECURITY, Role.CITIZEN])
def test_page_refuses_other_roles(client, role):
    # given
    _scoreboard_with_two_departments()
    sign_in_verified(client, staff_user(role))

    # when
    response = client.get(reverse("collection:quality"))

    # then
    assert response.status_code == 403


def test_an_officer_of_a_providing_department_sees_its_own_department_only():
    # given
    tax, _health = _scoreboard_with_two_departments()
    officer = staff_user(Role.OFFICER, department=tax)

    # when
    department = quality_department_for(user=officer)

    # then
    assert department == tax
    with pytest.raises(PermissionDeniedError):
        quality_department_for(user=officer, code="health")
