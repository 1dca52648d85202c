"""The demo's training and campus data, made through the services on the shipped reference data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from chengxin.accounts.demo import demo_accounts_ensure
from chengxin.accounts.models import CitizenAccount
from chengxin.collection.demo_citizen import DEMO_CITIZEN_USERNAME, demo_citizen_ensure
from chengxin.dueprocess.myfile.choices import AccessKind
from chengxin.dueprocess.myfile.lookup_selectors import lookups_of
from chengxin.education.choices import Attendance
from chengxin.education.demo import demo_education_ensure
from chengxin.education.models import CampusFileAccess, Certificate, Enrolment, School
from chengxin.outreach.choices import ActivityStatus
from chengxin.outreach.demo import demo_content_ensure
from chengxin.outreach.models import CampaignActivity
from chengxin.supervision.demo import demo_supervision_ensure

pytestmark = pytest.mark.django_db


def test_the_demo_has_training_certificates_schools_and_a_campus_look_at_the_demo_citizen():
    # given
    call_command("seed", verbosity=0, stdout=io.StringIO())
    demo_accounts_ensure(stdout=io.StringIO())
    demo_citizen_ensure(stdout=io.StringIO())
    demo_supervision_ensure(stdout=io.StringIO())
    # when
    demo_education_ensure(stdout=io.StringIO())
    demo_education_ensure(stdout=io.StringIO())
    demo_content_ensure(stdout=io.StringIO())
    # then
    assert Certificate.objects.count() == 2
    assert Enrolment.objects.filter(attendance=Attendance.ABSENT).count() == 1
    assert Enrolment.objects.filter(practitioner__isnull=False).count() == 1
    assert School.objects.count() == 2
    assert CampusFileAccess.objects.count() == 1
    account = CitizenAccount.objects.get(user__username=DEMO_CITIZEN_USERNAME)
    kinds = [row.kind for row in lookups_of(account=account).rows]
    assert kinds.count(AccessKind.CAMPUS) == 1
    reported = CampaignActivity.objects.filter(
        year=timezone.localdate().year, status=ActivityStatus.REPORTED, department__code="tax"
    )
    assert reported.count() == 1
