"""The public website's pages are rate-limited per client address."""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user

pytestmark = pytest.mark.django_db

VISITOR = "198.51.100.23"
NEIGHBOUR = "198.51.100.24"


@pytest.fixture
def page_rate(settings, throttle_clock):
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "public_address": "3/m",
    }


def test_pages_past_the_rate_get_429_with_retry_after(client, page_rate):
    # when
    responses = [client.get("/", REMOTE_ADDR=VISITOR) for _visit in range(3)]
    refused = client.get("/verify/", REMOTE_ADDR=VISITOR)

    # then
    assert [r.status_code for r in responses] == [200, 200, 200]
    page = refused.content.decode()
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert "您访问得太频繁了，请在 30 秒后再试。" in page
    assert "<h1>操作过于频繁</h1>" in page
    assert 'class="site-header portal-header"' in page


def test_another_address_is_served(client, page_rate):
    # given
    for _visit in range(4):
        client.get("/", REMOTE_ADDR=VISITOR)

    # when
    response = client.get("/", REMOTE_ADDR=NEIGHBOUR)

    # then
    assert response.status_code == 200


def test_staff_pages_do_not_count(client, page_rate):
    # given
    sign_in_verified(client, staff_user(Role.REVIEWER, username="reviewer.sun"))
    for _visit in range(5):
        client.get("/staff/", REMOTE_ADDR=VISITOR)

    # when
    response = client.get("/", REMOTE_ADDR=VISITOR)

    # then
    assert response.status_code == 200


def test_behind_one_trusted_proxy_each_client_counts_for_itself(client, page_rate, settings):
    # given
    settings.CHENGXIN_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _visit in range(3):
        client.get("/", HTTP_X_FORWARDED_FOR=VISITOR, **proxy)

    # when
    neighbour = client.get("/", HTTP_X_FORWARDED_FOR=NEIGHBOUR, **proxy)
    visitor = client.get("/", HTTP_X_FORWARDED_FOR=VISITOR, **proxy)

    # then
    assert (neighbour.status_code, visitor.status_code) == (200, 429)


def test_without_trusted_proxies_the_forwarded_header_changes_nothing(client, page_rate):
    # given
    for number in range(3):
        client.get("/", REMOTE_ADDR=VISITOR, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    # when
    response = client.get("/", REMOTE_ADDR=VISITOR, HTTP_X_FORWARDED_FOR="192.0.2.99")

    # then
    assert response.status_code == 429
