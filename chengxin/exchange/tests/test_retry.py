"""Dead letters retried from the staff page and by command; the page's summary and paging."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.core.services import policy_value_set
from chengxin.exchange.choices import OutboxStatus
from chengxin.exchange.delivery import upstream_push_round
from chengxin.exchange.fake_upstream import FAIL, OK, stored_events
from chengxin.exchange.models import OutboxEvent
from chengxin.exchange.tests.receiver import running_receiver
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, submit, years_ago

pytestmark = pytest.mark.django_db
PAGE = reverse("exchange:overview")


@pytest.fixture
def receiver(tmp_path):
    with running_receiver(tmp_path / "upstream") as running:
        yield running


@pytest.fixture
def dead_letters(receiver):
    """Two events of two people that failed their only attempt."""
    policy_value_set(name="exchange.upstream_max_attempts", value=1, actor=None, reason="测试")
    list_items()
    for person in (1, 2):
        submit(TAX_SERIOUS, source_id=f"S-{person}", decided_on=years_ago(1), sequence=person)
    receiver.control(mode=FAIL)
    upstream_push_round(config=receiver.config())
    receiver.control(mode=OK)
    return list(OutboxEvent.objects.order_by("pk"))


@pytest.fixture
def admin_client(client):
    sign_in_verified(client, staff_user(Role.ADMIN, username="sysadmin"))
    return client


def retry_audits() -> list[dict]:
    return [event.detail for event in AuditEvent.objects.filter(object_type="outbox_event")]


def test_the_page_shows_the_lag_and_the_dead_letters(admin_client, dead_letters):
    # when
    response = admin_client.get(PAGE)
    # then
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.pending, summary.dead, summary.delivered) == (0, 2, 0)
    assert summary.oldest_undelivered_at == dead_letters[0].created_at
    assert [event.pk for event in response.context["page"]] == [e.pk for e in dead_letters]
    assert reverse("exchange:retry_event", args=[dead_letters[0].pk]) in response.text


def test_the_lists_are_paged_on_the_server_in_a_bounded_number_of_queries(
    admin_client, dead_letters, django_assert_max_num_queries
):
    # when
    with django_assert_max_num_queries(12):
        response = admin_client.get(PAGE, {"view": "deliveries", "page": "1"})
    # then
    assert response.context["page"].paginator.count == 1
    assert response.context["page"].paginator.per_page == 50


def test_retrying_one_dead_letter_from_the_page_sends_it_again(
    admin_client, dead_letters, receiver
):
    # given
    first, second = dead_letters
    # when
    response = admin_client.post(reverse("exchange:retry_event", args=[first.pk]))
    result = upstream_push_round(config=receiver.config())
    # then
    assert response.status_code == 302
    assert retry_audits() == [
        {"retried": 1, "dead_letters": True, "first": first.pk, "last": first.pk}
    ]
    assert result.delivered == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OutboxStatus.DELIVERED, OutboxStatus.DEAD)
    assert [line["message_id"] for line in stored_events(receiver.store)] == [str(first.message_id)]


def test_retrying_an_event_that_is_not_dead_changes_nothing(admin_client, dead_letters):
    # given
    first = dead_letters[0]
    admin_client.post(reverse("exchange:retry_event", args=[first.pk]))
    # when
    response = admin_client.post(reverse("exchange:retry_event", args=[first.pk]), follow=True)
    # then
    assert "该事件不在投递失败队列中" in response.text
    assert len(retry_audits()) == 1


def test_retrying_all_dead_letters_is_one_audit_event(admin_client, dead_letters):
    # when
    admin_client.post(reverse("exchange:retry_dead_letters"))
    # then
    assert set(OutboxEvent.objects.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 0)}
    assert retry_audits() == [
        {
            "retried": 2,
            "dead_letters": True,
            "first": dead_letters[0].pk,
            "last": dead_letters[1].pk,
        }
    ]


def test_the_command_retries_dead_letters_and_pushes(dead_letters, receiver, settings):
    # given
    settings.CHENGXIN_UPSTREAM_URL = receiver.url
    settings.CHENGXIN_UPSTREAM_KEY = receiver.config().key.secret
    settings.CHENGXIN_UPSTREAM_KEY_ID = "u1"
    output = io.StringIO()
    # when
    call_command("exchange", "retry", "--dead", stdout=output)
    call_command("exchange", "push", stdout=output)
    # then
    assert "Retrying 2 dead letters now." in output.getvalue()
    assert "delivered: 2" in output.getvalue()
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    assert len(retry_audits()) == 1
    assert len(stored_events(receiver.store)) == 2


def test_push_without_a_configured_platform_is_refused(settings):
    # given
    settings.CHENGXIN_UPSTREAM_URL = ""
    # when / then
    with pytest.raises(CommandError, match="CHENGXIN_UPSTREAM_URL"):
        call_command("exchange", "push")
