"""The staff navigation: every role sees exactly the pages it may open, grouped by area, with
the current page marked; the menu is driven by the registry (``chengxin.backoffice.navigation``)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import (
    DepartmentFactory,
    credit_office,
    sign_in_verified,
    staff_user,
)
from chengxin.backoffice.navigation import ENTRIES, GROUPS, current_entry, entries_for

pytestmark = pytest.mark.django_db

HOME = reverse("backoffice:home")
LOGIN = reverse("accounts:login")
SHOWN = re.compile(r'data-entry="([a-z_:]+)"')


def _case(case: str):
    """The users of the navigation's cases: every staff role, a department's staff of the tax
    bureau and of the credit office (which sees every department's scoreboards)."""
    if case == "provider":
        return staff_user(Role.PROVIDER, username="nav-provider")
    if case == "officer":
        return staff_user(Role.OFFICER, username="nav-officer")
    if case == "provider_credit_office":
        return staff_user(Role.PROVIDER, department=credit_office(), username="nav-provider-co")
    if case == "officer_credit_office":
        return staff_user(Role.OFFICER, department=credit_office(), username="nav-officer-co")
    if case == "officer_other":
        court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
        return staff_user(Role.OFFICER, department=court, username="nav-officer-court")
    return staff_user(Role(case), username=f"nav-{case}")


CASES = (
    "provider",
    "officer",
    "provider_credit_office",
    "officer_credit_office",
    "officer_other",
    Role.REVIEWER,
    Role.ADMIN,
    Role.SECURITY,
    Role.AUDITOR,
)
EXPECTED_MENUS = {
    "provider": {"catalog:index", "collection:submission_list", "collection:quality", "objections:queue", "repairs:queue", "tipoffs:queue", "myfile_staff:queue", "measures:index", "content:list", "content:unit_activities", "workplan:overview", "dashboards:index"},
    "officer": {"catalog:index", "collection:submission_list", "collection:quality", "checks:form", "checks:batch_form", "checks:feedback_rates", "inquiry:query", "inquiry:paper_consents", "tipoffs:queue", "myfile_staff:queue", "measures:index", "content:unit_activities", "campus:open", "campus:school_list", "workplan:overview", "dashboards:index"},
    Role.AUDITOR: {"catalog:index", "measures:index", "training:course_list", "campus:school_list", "supervision:agency_list", "workplan:overview", "dashboards:index", "audit:event_list", "admin:index"},
    Role.SECURITY: {"catalog:index", "measures:index", "admin:accounts_user_changelist", "admin:accounts_apitoken_changelist", "admin:index"},
}  # fmt: skip


def _signed_in(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


@pytest.mark.parametrize("case", CASES)
def test_every_shown_entry_opens_and_every_hidden_one_is_refused(case):
    # given: a staff member of the case
    user = _case(case)
    client = _signed_in(user)
    # when: they open the workbench and every page of the registry
    menu = SHOWN.findall(client.get(HOME).content.decode())
    answers = {entry.url_name: client.get(reverse(entry.url_name)).status_code for entry in ENTRIES}
    # then: the menu lists exactly the entries the registry allows them, each of which opens,
    # and every other page of the registry refuses them
    allowed = [entry.url_name for entry in entries_for(user)]
    assert menu == allowed
    assert {name: answers[name] for name in allowed} == dict.fromkeys(allowed, 200)
    hidden = {name: status for name, status in answers.items() if name not in allowed}
    assert all(status in (302, 403, 404) for status in hidden.values()), hidden


@pytest.mark.parametrize("case", list(EXPECTED_MENUS))
def test_each_role_sees_the_areas_of_its_work(case):
    # given
    user = _case(case)
    # when
    menu = {entry.url_name for entry in entries_for(user)}
    # then
    assert menu == EXPECTED_MENUS[case]


def test_the_reviewer_sees_the_due_process_queues_and_not_the_officers_tools():
    # given
    reviewer = _case(Role.REVIEWER)
    # when
    menu = {entry.url_name for entry in entries_for(reviewer)}
    # then
    assert {"objections:queue", "tipoffs:queue", "counter:list", "collection:quality"} <= menu
    assert not menu & {"checks:form", "inquiry:query", "audit:event_list", "admin:index"}


def test_the_menu_is_grouped_by_area_and_marks_the_current_page():
    # given: an officer on the check form
    client = _signed_in(_case("officer"))
    # when
    html = client.get(reverse("checks:form")).content.decode()
    # then: the check entry is the current page, inside the group of checks; the breadcrumbs
    # name the area and the page
    assert re.findall(r'data-entry="([a-z_:]+)" aria-current="page"', html) == ["checks:form"]
    assert re.findall(r'data-entry="([a-z_:]+)" aria-current', html) == ["checks:form"]
    assert 'data-group="checks"' in html
    assert 'class="breadcrumbs"' in html
    assert "核查与反馈" in html


def test_a_detail_page_highlights_its_list_entry():
    # given
    entries = list(ENTRIES)
    # when
    found = current_entry(entries, "collection:submission_detail")
    admin_page = current_entry(entries, "admin:accounts_user_change")
    # then
    assert found.url_name == "collection:submission_list"
    assert admin_page.url_name == "admin:accounts_user_changelist"


def test_the_header_names_the_user_department_and_role_and_offers_sign_out():
    # given
    user = _case("provider")
    client = _signed_in(user)
    # when
    html = client.get(HOME).content.decode()
    # then
    assert "国家税务总局齐齐哈尔市税务局" in html
    assert "数据报送员" in html
    assert reverse("accounts:logout") in html
    assert 'class="a11y-controls"' in html
    assert 'id="language-select"' in html


def test_a_session_without_the_second_factor_gets_no_menu(settings):
    # given: a password-only session while the deployment requires the second factor
    settings.CHENGXIN_REQUIRE_TOTP = True
    client = Client()
    client.force_login(_case("provider"))
    # when
    html = client.get(LOGIN).content.decode()
    # then
    assert "staff-nav" not in html


def test_every_entry_names_a_known_group():
    keys = {group.key for group in GROUPS}
    assert [entry.url_name for entry in ENTRIES if entry.group not in keys] == []
