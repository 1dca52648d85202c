"""The process-local copy of the rules (``measures.snapshot``) and the one-query facts of a check
(``selectors.subject_check_facts``): same answers as the uncached, per-question selectors."""

from __future__ import annotations

import datetime

import pytest

from chengxin.catalog.services import catalog_item_update
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core.services import policy_value_set
from chengxin.measures.selectors import (
    applicable_measures,
    green_channel,
    rules_version,
    subject_check_facts,
    subject_lists,
)
from chengxin.measures.services import measure_retire, measure_update
from chengxin.measures.snapshot import rules_snapshot, rules_snapshot_forget, rules_stamp
from chengxin.measures.tests.factories import (
    MORAL_MODEL,
    TAX_GENERAL,
    TAX_SERIOUS,
    list_items,
    submit,
    tax_measure,
    today,
    years_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    rules_snapshot_forget()
    list_items()


def test_the_snapshot_is_kept_while_nothing_changes(items):
    # given
    tax_measure()
    first = rules_snapshot()
    # when
    second = rules_snapshot()
    # then
    assert second is first
    assert second.stamp == rules_stamp()
    assert [snapshot["code"] for snapshot, _number in second.measures] == ["tax-procurement-limit"]


def test_a_changed_measure_is_applied_and_named_in_the_rules_version_at_once(items):
    # given
    measure = tax_measure()
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    lists = subject_lists(subject_index=record.subject_index)
    before = rules_version()
    assert [
        m.version
        for m in applicable_measures(memberships=lists, matter="public_procurement", on=today())
    ] == [2]
    # when
    measure_update(measure=measure, changes={"effect": "依法限制。"}, actor=None)
    after = rules_version()
    found = applicable_measures(memberships=lists, matter="public_procurement", on=today())
    # then
    assert [(m.effect, m.version) for m in found] == [("依法限制。", 3)]
    assert after["measure_count"] == 1
    assert after["measures"] != before["measures"]
    assert after == _rules_version_uncached()


def test_a_retired_measure_no_longer_applies(items):
    # given
    measure = tax_measure()
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    lists = subject_lists(subject_index=record.subject_index)
    rules_snapshot()
    # when
    measure_retire(measure=measure, actor=None)
    # then
    assert applicable_measures(memberships=lists, matter="public_procurement", on=today()) == []
    assert rules_version()["measure_count"] == 0


def test_an_item_taken_off_the_lists_puts_nobody_on_them(items):
    # given
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    assert len(subject_lists(subject_index=record.subject_index)) == 2
    item = record.item
    # when
    catalog_item_update(item=item, changes={"lists": []}, actor=None)
    # then
    assert subject_lists(subject_index=record.subject_index) == []


def _rules_version_uncached() -> dict:
    rules_snapshot_forget()
    return rules_version()


def _facts_by_selectors(subject_index: str, on: datetime.date):
    past = on < today()
    return (
        subject_lists(subject_index=subject_index, on=on if past else None),
        green_channel(subject_index=subject_index, on=on),
    )


@pytest.mark.parametrize(
    "records",
    [
        pytest.param([], id="unknown"),
        pytest.param([(TAX_SERIOUS, 30)], id="serious"),
        pytest.param([(MORAL_MODEL, 100)], id="red-list-only"),
        pytest.param([(MORAL_MODEL, 100), (TAX_GENERAL, 5 * 365)], id="red-list-and-old"),
        pytest.param([(TAX_GENERAL, 200), (TAX_GENERAL, 5 * 365)], id="recent-negative"),
        pytest.param([(TAX_GENERAL, 5 * 365)], id="clean-for-years"),
        pytest.param([(TAX_SERIOUS, 4 * 365), (MORAL_MODEL, 10)], id="expired-serious"),
    ],
)
@pytest.mark.parametrize("on_offset", [0, 7])
def test_check_facts_are_those_of_the_lists_and_green_channel_selectors(items, records, on_offset):
    # given
    subject_index = "0" * 64
    for position, (code, days) in enumerate(records, 1):
        record = submit(
            code,
            source_id=f"S-{position}",
            decided_on=today() - datetime.timedelta(days),
        )
        subject_index = record.subject_index
    on = today() + datetime.timedelta(on_offset)
    # when
    facts = subject_check_facts(subject_index=subject_index, on=on)
    # then
    memberships, green = _facts_by_selectors(subject_index, on)
    assert facts.memberships == memberships
    assert facts.green_channel == green


def test_check_facts_leave_out_revoked_records_and_count_repaired_ones_by_policy(items):
    # given
    submit(TAX_GENERAL, source_id="G-1", decided_on=years_ago(5))
    record = submit(TAX_GENERAL, source_id="G-2", decided_on=today() - datetime.timedelta(100))
    submit(TAX_SERIOUS, source_id="S-1", decided_on=today() - datetime.timedelta(50))
    submit(TAX_SERIOUS, source_id="S-1", decided_on=today(), operation="revoke")
    CreditRecord.objects.filter(pk=record.pk).update(status=RecordStatus.REPAIRED)
    # when
    counted = subject_check_facts(subject_index=record.subject_index, on=today())
    policy_value_set(name="green_channel.counts_repaired", value=False, actor=None, reason="测试")
    not_counted = subject_check_facts(subject_index=record.subject_index, on=today())
    # then
    assert counted.green_channel.eligible is False
    assert counted.green_channel.facts["negative_record_ids"] == [record.pk]
    assert not_counted.green_channel.eligible is True
    assert not_counted.green_channel == green_channel(
        subject_index=record.subject_index, on=today()
    )


def test_check_facts_of_a_past_day_are_those_of_that_day(items):
    # given
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=years_ago(1))
    on = today() - datetime.timedelta(3)
    # when
    facts = subject_check_facts(subject_index=record.subject_index, on=on)
    # then
    assert (facts.memberships, facts.green_channel) == _facts_by_selectors(record.subject_index, on)
