"""The units' campaign activities: planned and reported by a unit, seen by the credit office,
shown with their report and photos on the public calendar date page."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import DepartmentFactory, sign_in_verified, staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.models import Attachment
from chengxin.outreach import activities
from chengxin.outreach.choices import ActivityStatus
from chengxin.outreach.reference import load_reference_data
from chengxin.outreach.tests.factories import provider, reviewer

pytestmark = pytest.mark.django_db

CAMPAIGN = "credit-record-day"


@pytest.fixture(autouse=True)
def _reference():
    cache.clear()
    load_reference_data(stdout=io.StringIO())


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (16, 12), (20, 120, 60)).save(output, format="PNG")
    return output.getvalue()


def _plan(actor, title: str = "税法宣传进社区"):
    return activities.activity_plan(
        actor=actor,
        campaign_code=CAMPAIGN,
        year=timezone.localdate().year,
        title=title,
        description="设咨询台，发放信用知识读本。",
    )


def _report(actor, activity, **extra):
    values = {"report": "接待群众咨询两百余人次。", "participants": 200, "files": []}
    values.update(extra)
    return activities.activity_report_by_unit(actor=actor, activity_id=activity.pk, **values)


def test_a_unit_plans_an_activity_as_its_department_and_it_is_audited():
    # given
    clerk = provider()
    # when
    activity = _plan(clerk)
    # then
    assert (activity.department, activity.organiser) == (clerk.department, clerk.department.name)
    assert activity.status == ActivityStatus.PLANNED
    event = AuditEvent.objects.get(object_type="outreach.activity", object_id=str(activity.pk))
    assert event.action == "create"


def test_the_unit_reports_with_participants_and_a_photo():
    # given
    clerk = provider()
    activity = _plan(clerk)
    # when
    reported = _report(clerk, activity, files=[IncomingFile(name="现场.png", data=_png())])
    # then
    assert (reported.status, reported.participants) == (ActivityStatus.REPORTED, 200)
    assert reported.reported_by == clerk
    (photo,) = activities.activity_files([activity.pk])[activity.pk]
    assert photo.kind == "image/png"
    event = AuditEvent.objects.filter(
        object_type="outreach.activity", object_id=str(activity.pk), action="update"
    ).get()
    assert event.detail["files"] == [photo.sha256]


def test_another_unit_does_not_find_the_activity_and_nothing_is_written():
    # given
    activity = _plan(provider())
    stranger = staff_user(
        Role.OFFICER, department=DepartmentFactory(code="court"), username="court-officer"
    )
    events = AuditEvent.objects.count()
    # when
    with pytest.raises(NotFoundError):
        _report(stranger, activity)
    # then
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED
    assert AuditEvent.objects.count() == events


def test_a_refused_file_keeps_the_activity_planned():
    clerk = provider()
    activity = _plan(clerk)
    with pytest.raises(DomainError):
        _report(clerk, activity, files=[IncomingFile(name="a.exe", data=b"MZ-not-allowed")])
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED
    assert Attachment.objects.count() == 0


def test_a_citizen_and_the_admin_may_not_plan():
    admin = staff_user(Role.ADMIN, username="admin")
    with pytest.raises(PermissionDeniedError):
        _plan(admin)


def test_the_credit_office_sees_every_units_activities_and_a_unit_its_own():
    # given
    tax = provider()
    court = staff_user(
        Role.PROVIDER, department=DepartmentFactory(code="court"), username="court-clerk"
    )
    _plan(tax, "税务活动")
    _plan(court, "法院活动")
    year = timezone.localdate().year
    # when
    own = [a.title for a in activities.activities_for(viewer=tax, year=year)]
    every = {a.title for a in activities.activities_for(viewer=reviewer(), year=year)}
    # then
    assert own == ["税务活动"]
    assert every == {"税务活动", "法院活动"}


def test_the_public_date_page_shows_the_report_and_photo_only_once_reported(client):
    # given
    clerk = provider()
    activity = _plan(clerk)
    url = f"/campaigns/{CAMPAIGN}/"
    before = client.get(url).content.decode()
    _report(clerk, activity, files=[IncomingFile(name="现场.png", data=_png())])
    (photo,) = activities.activity_files([activity.pk])[activity.pk]
    # when
    after = client.get(url).content.decode()
    picture = client.get(f"/campaigns/activities/{activity.pk}/files/{photo.pk}/")
    # then
    assert "税法宣传进社区" in before and "接待群众咨询" not in before
    assert "接待群众咨询两百余人次。" in after and "200" in after
    assert f"/campaigns/activities/{activity.pk}/files/{photo.pk}/" in after
    assert (picture.status_code, picture["Content-Type"]) == (200, "image/png")


def test_a_planned_activitys_file_is_not_public(client):
    clerk = provider()
    activity = _plan(clerk)
    _report(clerk, activity, files=[IncomingFile(name="现场.png", data=_png())])
    (photo,) = activities.activity_files([activity.pk])[activity.pk]
    activity.status = ActivityStatus.PLANNED
    activity.save(update_fields=["status"])
    answer = client.get(f"/campaigns/activities/{activity.pk}/files/{photo.pk}/")
    assert answer.status_code == 404


def test_the_unit_page_costs_the_same_queries_for_one_and_many_activities(client):
    # given
    clerk = provider()
    sign_in_verified(client, clerk)
    _plan(clerk, "活动0")
    with CaptureQueriesContext(connection) as one:
        client.get("/staff/content/campaigns/unit/")
    for number in range(1, 8):
        _report(clerk, _plan(clerk, f"活动{number}"))
    # when
    with CaptureQueriesContext(connection) as many:
        answer = client.get("/staff/content/campaigns/unit/")
    # then
    assert answer.status_code == 200
    assert len(many) == len(one)


def test_the_report_page_uploads_a_photo(client):
    clerk = provider()
    sign_in_verified(client, clerk)
    activity = _plan(clerk)
    photo = io.BytesIO(_png())
    photo.name = "现场.png"
    answer = client.post(
        f"/staff/content/campaigns/unit/{activity.pk}/report/",
        {"report": "讲座一场。", "participants": "80", "attachments": [photo]},
    )
    assert answer.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.participants) == (ActivityStatus.REPORTED, 80)
    assert Attachment.objects.filter(case_type="outreach.activity").count() == 1
