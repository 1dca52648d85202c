"""The staff home page: who may open it, and the tasks it offers each role."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from chengxin.accounts.tests.factories import matrix_user, sign_in_verified
from chengxin.backoffice.cards import CARD_DEFINITIONS

pytestmark = pytest.mark.django_db

HOME = reverse("backoffice:home")
LOGIN = reverse("accounts:login")
STAFF_CARDS = {
    "provider_same_department": [
        "submit_records",
        "answer_objections",
        "draft_content",
        "view_catalog",
    ],
    "provider_other_department": [
        "submit_records",
        "answer_objections",
        "draft_content",
        "view_catalog",
    ],
    "reviewer": [
        "screen_due_process",
        "manage_lists",
        "manage_content",
        "draft_content",
        "manage_work_plan",
        "view_catalog",
    ],
    "auditor": ["view_catalog", "read_audit_log", "use_admin_site"],
    "admin": [
        "view_catalog",
        "manage_catalog",
        "manage_departments",
        "manage_policies",
        "use_admin_site",
    ],
    "security": [
        "view_catalog",
        "manage_users",
        "unlock_accounts",
        "manage_tokens",
        "use_admin_site",
    ],
}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    # when
    response = client.get(HOME)

    # then
    assert (response.status_code, response.url) == (302, f"{LOGIN}?next={HOME}")


def test_citizens_may_not_open_the_staff_home(client):
    # given
    sign_in_verified(client, matrix_user("citizen"))

    # when
    response = client.get(HOME)

    # then
    assert response.status_code == 403


@pytest.mark.parametrize("case", sorted(STAFF_CARDS))
def test_each_staff_role_sees_its_own_tasks(client, case):
    # given
    sign_in_verified(client, matrix_user(case))

    # when
    response = client.get(HOME)

    # then
    assert response.status_code == 200
    cards = response.context["cards"]
    assert [card.capability for card in cards] == STAFF_CARDS[case]
    content = response.content.decode()
    assert content.count('class="card" data-capability=') == len(STAFF_CARDS[case])


@pytest.mark.parametrize(
    ("case", "department_text"),
    [
        ("provider_same_department", "所属部门：国家税务总局齐齐哈尔市税务局。"),
        ("provider_other_department", "所属部门：齐齐哈尔市中级人民法院。"),
        ("reviewer", "所属部门：齐齐哈尔市市场监督管理局。"),
    ],
)
def test_the_home_page_names_the_users_department(client, case, department_text):
    # given
    sign_in_verified(client, matrix_user(case))

    # when
    response = client.get(HOME)

    # then
    assert department_text in response.content.decode()


def test_cards_link_only_to_pages_that_exist_and_describe_the_rest(client):
    # given
    sign_in_verified(client, matrix_user("admin"))

    # when
    response = client.get(HOME)

    # then
    cards = {card.capability: card for card in response.context["cards"]}
    assert cards["view_catalog"].url == reverse("catalog:index")
    assert cards["manage_departments"].url == reverse("admin:accounts_department_changelist")
    assert [d.capability for d in CARD_DEFINITIONS if not d.url_name] == [
        "manage_work_plan",
        "manage_catalog",
    ]


@pytest.mark.parametrize("case", sorted(STAFF_CARDS))
def test_every_linked_card_opens_for_its_role(client, case):
    # given
    sign_in_verified(client, matrix_user(case))
    cards = client.get(HOME).context["cards"]

    # when
    statuses = {card.capability: client.get(card.url).status_code for card in cards if card.url}

    # then
    assert set(statuses.values()) == {200}


def test_the_warning_area_shows_the_calendar_warning(client, monkeypatch):
    # given
    monkeypatch.setattr(
        "chengxin.backoffice.views.calendar_warnings",
        lambda *, today: [f"工作日历缺少{today.year + 1}年的安排。"],
    )
    monkeypatch.setattr(
        "chengxin.backoffice.views.timezone.localdate", lambda: datetime.date(2026, 11, 28)
    )
    sign_in_verified(client, matrix_user("reviewer"))

    # when
    response = client.get(HOME)

    # then
    assert '<li class="message message-warning">工作日历缺少2027年的安排。</li>' in (
        response.content.decode()
    )


def test_the_home_page_query_count_is_fixed(client, django_assert_max_num_queries):
    # given
    sign_in_verified(client, matrix_user("security"))

    # when / then
    with django_assert_max_num_queries(12):
        client.get(HOME)
