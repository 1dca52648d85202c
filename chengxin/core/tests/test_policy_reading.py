"""Policy values: reading the current value, the process snapshot, and period ends."""

from __future__ import annotations

import datetime

import pytest

from chengxin.core import error_codes, policies, policy_registry
from chengxin.core.errors import NotFoundError
from chengxin.core.models import PolicyValue
from chengxin.core.policy_registry import ProcessSnapshot
from chengxin.core.selectors import policy_period_end, policy_value

DECISION = policies.OBJECTION_DECISION.name


# --- Reading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_value_is_the_default_when_no_row_exists():
    # given
    assert not PolicyValue.objects.filter(name=DECISION).exists()

    # when
    value = policy_value(DECISION)

    # then
    assert value == 5


@pytest.mark.django_db
def test_policy_value_of_an_unknown_name_raises():
    # given / when / then
    with pytest.raises(NotFoundError) as raised:
        policy_value("objection.no_such_policy")
    assert raised.value.code == error_codes.POLICY_UNKNOWN
    assert raised.value.status == 404


@pytest.mark.django_db
def test_stored_value_that_no_longer_fits_falls_back_to_the_default():
    # given
    PolicyValue.objects.create(name=DECISION, value="seven", follows_default=False)

    # when
    value = policy_value(DECISION)

    # then
    assert value == 5


@pytest.mark.django_db
def test_policy_value_inside_a_transaction_reads_the_database_each_time(
    django_assert_num_queries,
):
    # given
    PolicyValue.objects.create(name=DECISION, value=5)

    first = policy_value(DECISION)
    PolicyValue.objects.filter(name=DECISION).update(value=8)

    # when
    with django_assert_num_queries(1):
        second = policy_value(DECISION)

    # then
    assert (first, second) == (5, 8)


def test_snapshot_keeps_its_copy_until_invalidated(settings):
    # given
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 60
    loads = iter(range(1, 10))
    snapshot = ProcessSnapshot(lambda: next(loads))

    # when
    before = (snapshot.get(), snapshot.get())
    snapshot.invalidate()
    after = snapshot.get()

    # then
    assert before == (1, 1)
    assert after == 2


def test_snapshot_reloads_after_its_lifetime(settings, monkeypatch):
    # given
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 60
    clock = iter([1000.0, 1030.0, 1061.0, 1062.0])
    monkeypatch.setattr(policy_registry.time, "monotonic", lambda: next(clock))
    loads = iter(range(1, 10))
    snapshot = ProcessSnapshot(lambda: next(loads))

    # when
    values = [snapshot.get(), snapshot.get(), snapshot.get(), snapshot.get()]

    # then
    assert values == [1, 1, 2, 2]


def test_snapshot_reads_through_when_caching_is_off(settings):
    # given
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 0
    loads = iter(range(1, 10))
    snapshot = ProcessSnapshot(lambda: next(loads))

    # when
    values = [snapshot.get(), snapshot.get()]

    # then
    assert values == [1, 2]


@pytest.mark.django_db
def test_policy_period_end_adds_months_within_the_target_month():
    # given
    start = datetime.date(2025, 11, 30)

    # when
    end = policy_period_end(policies.REPAIR_EARLIEST_GENERAL.name, start=start)

    # then
    assert end == datetime.date(2026, 2, 28)


@pytest.mark.django_db
def test_policy_period_end_adds_years_from_a_leap_day():
    # given
    start = datetime.date(2024, 2, 29)

    # when
    end = policy_period_end(policies.POSITIVE_VALIDITY.name, start=start)

    # then
    assert end == datetime.date(2027, 2, 28)


@pytest.mark.django_db
def test_policy_period_end_counts_working_days_across_the_spring_festival():
    # given: decided on Thursday 12 February 2026, before the 2026 Spring Festival holiday
    start = datetime.date(2026, 2, 12)

    # when
    end = policy_period_end(DECISION, start=start)

    # then: 13 Feb (Fri), 14 Feb (make-up Saturday), 24, 25, 26 Feb
    assert end == datetime.date(2026, 2, 26)


@pytest.mark.django_db
def test_policy_period_end_adds_calendar_days():
    # given
    start = datetime.date(2026, 1, 1)

    # when
    end = policy_period_end(policies.CORRECTION_FANOUT_WINDOW.name, start=start)

    # then
    assert end == datetime.date(2028, 1, 1)


@pytest.mark.django_db
def test_policy_period_end_refuses_a_policy_that_is_not_a_period():
    # given / when / then
    with pytest.raises(ValueError, match="not a period"):
        policy_period_end(policies.CHECK_BATCH_MAX.name, start=datetime.date(2026, 1, 1))
