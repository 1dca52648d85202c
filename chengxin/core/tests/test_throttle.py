"""Rate limits in fixed windows, the client's address, and the database cache's counters."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings

from chengxin.core import error_codes
from chengxin.core.checks import throttle_rates_check
from chengxin.core.network import client_address, client_limit_key
from chengxin.core.throttle import Rate, Throttle, ThrottledError

SCOPE = "test_scope"
THROTTLE = Throttle(scope=SCOPE, message="请在 %(wait)s后再试。", message_en="Wait %(wait)s.")
DATABASE_CACHE = {
    "default": {
        "BACKEND": "chengxin.core.cache.CounterDatabaseCache",
        "LOCATION": "chengxin_cache_test",
    }
}


@pytest.fixture
def rate(settings, throttle_clock):
    settings.CHENGXIN_THROTTLE_RATES = {SCOPE: "3/15m"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30/15m", Rate(limit=30, period=900)),
        ("5/m", Rate(limit=5, period=60)),
        ("100/2h", Rate(limit=100, period=7200)),
        (" 7 / d ", Rate(limit=7, period=86400)),
        ("", None),
        ("off", None),
    ],
)
def test_rates_are_count_per_period(text, expected):
    # when
    parsed = Rate.parse(text)

    # then
    assert parsed == expected


@pytest.mark.parametrize("text", ["30", "30/15", "thirty/m", "30/15w"])
def test_a_mistyped_rate_is_a_configuration_error_not_no_limit(text):
    # when
    with pytest.raises(ImproperlyConfigured) as raised:
        Rate.parse(text)

    # then
    assert str(raised.value) == f"A rate is COUNT/PERIOD such as 30/15m, not {text!r}."


def test_a_mistyped_rate_in_the_settings_fails_the_system_check(settings):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {"sign_in_address": "30 per minute", "public_address": "off"}

    # when
    errors = throttle_rates_check(None)

    # then
    assert [(error.id, error.msg) for error in errors] == [
        (
            "chengxin.E001",
            "sign_in_address: A rate is COUNT/PERIOD such as 30/15m, not '30 per minute'.",
        )
    ]


def test_failures_are_refused_once_the_rate_is_spent(rate):
    # given
    for _failure in range(2):
        THROTTLE.count("198.51.100.1")
    before = THROTTLE.refusal("198.51.100.1")
    THROTTLE.count("198.51.100.1")

    # when
    refusal = THROTTLE.refusal("198.51.100.1")

    # then
    assert before is None
    assert isinstance(refusal, ThrottledError)
    assert (refusal.code, refusal.status, refusal.retry_after) == (
        error_codes.RATE_LIMITED,
        429,
        870,
    )
    assert refusal.headers == {"Retry-After": "870"}
    assert (refusal.message, refusal.message_en) == ("请在 15 分钟后再试。", "Wait 15 min.")


def test_only_the_first_refusal_of_a_window_says_so(rate):
    # given
    for _failure in range(3):
        THROTTLE.count("198.51.100.1")

    # when
    refusals = [THROTTLE.refusal("198.51.100.1") for _attempt in range(3)]

    # then
    assert [r.first_in_window for r in refusals] == [True, False, False]


def test_requests_are_refused_past_the_rate(rate):
    # when
    answers = [THROTTLE.hit("198.51.100.1") for _request in range(4)]

    # then
    assert answers[:3] == [None, None, None]
    assert answers[3].retry_after == 870


def test_the_next_window_starts_from_nothing(rate, monkeypatch, throttle_clock):
    # given
    for _failure in range(3):
        THROTTLE.count("198.51.100.1")

    # when
    monkeypatch.setattr("chengxin.core.throttle._now", lambda: throttle_clock + 870)
    usage = THROTTLE.usage("198.51.100.1")

    # then
    assert (usage.count, usage.retry_after) == (0, 900)


def test_an_empty_rate_switches_the_throttle_off(settings):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {SCOPE: ""}

    # when
    answers = [THROTTLE.hit("198.51.100.1") for _request in range(10)]

    # then
    assert answers == [None] * 10
    assert THROTTLE.usage("198.51.100.1") is None


def test_keys_reach_the_cache_hashed(rate):
    # when
    THROTTLE.count("security.zhao")

    # then
    stored = list(cache._cache)
    assert len(stored) == 1
    assert "security.zhao" not in stored[0]


def _request(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "", "198.51.100.7"),
        (0, "198.51.100.7", "203.0.113.1", "198.51.100.7"),
        (1, "10.0.0.2", "203.0.113.1", "203.0.113.1"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.1", "203.0.113.1"),
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (2, "10.0.0.3", "203.0.113.1", "203.0.113.1"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", ""),
        (0, "2001:DB8:0:0::1", "", "2001:db8::1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    # given
    settings.CHENGXIN_TRUSTED_PROXY_COUNT = proxies

    # when
    address = client_address(_request(remote, forwarded))

    # then
    assert address == expected


def test_ipv6_clients_are_counted_by_their_64_network():
    # when
    keys = {client_limit_key(_request(f"2001:db8:1:2::{n}")) for n in range(1, 4)}

    # then
    assert keys == {"2001:db8:1:2::/64"}


@pytest.mark.django_db
@override_settings(CACHES=DATABASE_CACHE)
def test_the_database_cache_counts_and_keeps_the_expiry():
    # given
    call_command("createcachetable", verbosity=0)
    counters = caches["default"]
    counters.add("failures", 1, timeout=600)
    expires_before = _expires("failures")

    # when
    counts = [counters.incr("failures") for _failure in range(3)]

    # then
    assert counts == [2, 3, 4]
    assert counters.get("failures") == 4
    assert _expires("failures") == expires_before


@pytest.mark.django_db
@override_settings(CACHES=DATABASE_CACHE)
def test_the_database_cache_does_not_count_a_missing_or_expired_key():
    # given
    call_command("createcachetable", verbosity=0)
    counters = caches["default"]
    counters.set("old", 5, timeout=-1)

    # when
    with pytest.raises(ValueError) as missing:
        counters.incr("never-set")
    with pytest.raises(ValueError) as expired:
        counters.incr("old")

    # then
    assert (str(missing.value), str(expired.value)) == (
        "Key 'never-set' not found.",
        "Key 'old' not found.",
    )


def _expires(key: str):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM chengxin_cache_test WHERE cache_key = %s", [f":1:{key}"]
        )
        return cursor.fetchone()[0]
