"""The demo's work-plan data, made through the services on the shipped reference data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chengxin.accounts.demo import demo_accounts_ensure
from chengxin.workplan.demo import DEMO_REPORTS, DEMO_SCORES, demo_workplan_ensure
from chengxin.workplan.models import AssessmentScore, InspectionNote, ProgressReport

pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_notes_and_scores_once():
    # given
    call_command("seed", verbosity=0, stdout=io.StringIO())
    demo_accounts_ensure(stdout=io.StringIO())
    # when
    demo_workplan_ensure(stdout=io.StringIO())
    demo_workplan_ensure(stdout=io.StringIO())
    # then
    assert ProgressReport.objects.count() == 2 * len(DEMO_REPORTS)
    assert InspectionNote.objects.count() == 3
    assert AssessmentScore.objects.count() == len(DEMO_SCORES)
    assert ProgressReport.objects.filter(submitted_by__username="demo-officer").count() == 4
