"""The issue's scenarios, each asserting the exact answer (real database, records submitted)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chengxin.catalog.choices import Domain, KeyField, ListKind
from chengxin.collection.lifecycle import records_expire
from chengxin.collection.models import RecordVersion
from chengxin.core.services import policy_value_set
from chengxin.measures.models import MeasureVersion
from chengxin.measures.selectors import (
    applicable_measures,
    green_channel,
    key_supervision_list,
    red_list,
    serious_dishonesty_list,
    subject_lists,
)
from chengxin.measures.services import measure_retire
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
    list_items()


def test_active_serious_tax_record_puts_the_person_on_the_lists_with_the_tax_measures(items):
    # given
    measure = tax_measure()
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    # when
    lists = subject_lists(subject_index=record.subject_index)
    measures = applicable_measures(memberships=lists, matter="public_procurement", on=today())
    # then
    assert [(m.kind, m.domain, m.key_field) for m in lists] == [
        (ListKind.SERIOUS_DISHONESTY, Domain.TAX, ""),
        (ListKind.KEY_SUPERVISION, "", KeyField.TAX_DISHONESTY),
    ]
    assert [r.record_id for r in lists[1].records] == [record.pk]
    assert lists[1].records[0].item_code == TAX_SERIOUS
    assert lists[1].records[0].department_code == "tax"
    assert key_supervision_list() == [record.subject_index]
    assert serious_dishonesty_list(domain=Domain.TAX) == [record.subject_index]
    assert serious_dishonesty_list(domain=Domain.FOOD_DRUG) == []
    assert [(m.code, m.legal_basis, m.departments, m.version) for m in measures] == [
        (measure.code, "《中华人民共和国政府采购法》第二十二条", ("tax",), 2)
    ]
    assert measures[0].triggered_by == (lists[1],)
    assert applicable_measures(memberships=lists, matter="honour", on=today()) == []


@pytest.mark.parametrize("ending", ["revoke", "expire"])
def test_after_revocation_or_expiry_the_person_is_on_no_list_and_gets_no_measure(items, ending):
    # given
    tax_measure()
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=years_ago(3, days=-20))
    # when
    if ending == "revoke":
        submit(TAX_SERIOUS, source_id="T-1", decided_on=today(), operation="revoke")
    else:
        assert records_expire(today=today() + datetime.timedelta(days=30)) == 1
    lists = subject_lists(subject_index=record.subject_index)
    # then
    assert lists == []
    assert applicable_measures(memberships=lists, matter="public_procurement", on=today()) == []
    assert key_supervision_list() == []


def test_as_of_a_past_day_answers_the_file_as_it_stood(items):
    # given a record recorded ten days ago and revoked now
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(60))
    RecordVersion.objects.filter(record=record).update(
        recorded_at=timezone.now() - datetime.timedelta(days=10)
    )
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today(), operation="revoke")
    five_days_ago = today() - datetime.timedelta(days=5)
    # when
    past = subject_lists(subject_index=record.subject_index, on=five_days_ago)
    before_recorded = subject_lists(
        subject_index=record.subject_index, on=today() - datetime.timedelta(days=20)
    )
    # then
    assert [m.kind for m in past] == [ListKind.SERIOUS_DISHONESTY, ListKind.KEY_SUPERVISION]
    assert key_supervision_list(on=five_days_ago) == [record.subject_index]
    assert before_recorded == []
    assert subject_lists(subject_index=record.subject_index) == []


def test_only_negative_record_four_years_ago_and_known_five_years_is_eligible(items):
    # given
    submit(TAX_GENERAL, source_id="G-1", decided_on=years_ago(5))
    record = submit(TAX_GENERAL, source_id="G-2", decided_on=years_ago(4))
    # when
    answer = green_channel(subject_index=record.subject_index, on=today())
    # then
    assert (answer.eligible, answer.known) == (True, True)
    assert answer.facts["negative_record_ids"] == []
    assert answer.facts["earliest_decided_on"] == years_ago(5).isoformat()
    assert answer.facts["window_start"] == years_ago(3).isoformat()
    assert years_ago(5).isoformat() in answer.reason
    assert "可享受" in answer.reason


def test_negative_record_two_years_ago_is_not_eligible_even_when_expired_or_repaired(items):
    # given
    submit(TAX_GENERAL, source_id="G-1", decided_on=years_ago(5))
    record = submit(TAX_GENERAL, source_id="G-2", decided_on=years_ago(2))
    records_expire(today=today())
    record.refresh_from_db()
    # when
    answer = green_channel(subject_index=record.subject_index, on=today())
    # then
    assert record.status == "expired"
    assert (answer.eligible, answer.known) == (False, True)
    assert answer.facts["negative_record_ids"] == [record.pk]
    assert "1条失信记录" in answer.reason
    assert years_ago(2).isoformat() in answer.reason


def test_revoked_records_never_count(items):
    # given
    submit(TAX_GENERAL, source_id="G-1", decided_on=years_ago(5))
    record = submit(TAX_GENERAL, source_id="G-2", decided_on=years_ago(1))
    submit(TAX_GENERAL, source_id="G-2", decided_on=today(), operation="revoke")
    # when
    answer = green_channel(subject_index=record.subject_index, on=today())
    # then
    assert answer.eligible is True
    assert answer.facts["negative_record_ids"] == []


def test_known_for_less_than_the_lookback_is_not_eligible(items):
    # given
    record = submit(MORAL_MODEL, source_id="M-1", decided_on=years_ago(4))
    # when three years are policy: 4 years known, no negative → eligible; then 5 years policy
    eligible = green_channel(subject_index=record.subject_index, on=today())
    policy_value_set(
        name="green_channel.lookback_years", value=5, actor=None, reason="地方规定五年"
    )
    longer = green_channel(subject_index=record.subject_index, on=today())
    # then
    assert eligible.eligible is True
    assert (longer.eligible, longer.facts["lookback_years"]) == (False, 5)
    assert "不满5年" in longer.reason


def test_active_moral_model_record_makes_the_person_eligible(items):
    # given
    record = submit(MORAL_MODEL, source_id="M-1", decided_on=today() - datetime.timedelta(30))
    # when
    answer = green_channel(subject_index=record.subject_index, on=today())
    # then
    assert answer.eligible is True
    assert answer.facts["red_list_record_ids"] == [record.pk]
    assert red_list() == [record.subject_index]
    assert "红名单" in answer.reason


def test_an_active_serious_record_always_excludes(items):
    # given
    record = submit(MORAL_MODEL, source_id="M-1", decided_on=today() - datetime.timedelta(30))
    serious = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(10))
    # when
    answer = green_channel(subject_index=record.subject_index, on=today())
    # then
    assert serious.subject_index == record.subject_index
    assert answer.eligible is False
    assert answer.facts["serious_record_ids"] == [serious.pk]


def test_an_unknown_person_is_told_so_not_refused(items):
    # when
    answer = green_channel(subject_index="0" * 64, on=today())
    # then
    assert (answer.eligible, answer.known) == (False, False)
    assert "没有该人的任何信用记录" in answer.reason
    assert answer.facts["earliest_decided_on"] is None


def test_disputed_flag_is_carried_on_the_list_record(items):
    # given
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    record.disputed = True
    record.save(update_fields=["disputed"])
    # when
    lists = subject_lists(subject_index=record.subject_index)
    # then
    assert all(m.records[0].disputed for m in lists)


def test_repaired_records_count_unless_the_policy_says_otherwise(items):
    # given
    submit(TAX_GENERAL, source_id="G-1", decided_on=years_ago(5))
    record = submit(TAX_GENERAL, source_id="G-2", decided_on=years_ago(2))
    type(record).objects.filter(pk=record.pk).update(status="repaired")
    # when
    counted = green_channel(subject_index=record.subject_index, on=today())
    policy_value_set(
        name="green_channel.counts_repaired", value=False, actor=None, reason="地方规定"
    )
    not_counted = green_channel(subject_index=record.subject_index, on=today())
    # then
    assert counted.eligible is False
    assert (not_counted.eligible, not_counted.facts["counts_repaired"]) == (True, False)


def test_measures_as_of_a_past_day_use_the_versions_then_in_force(items):
    # given a measure active ten days ago and retired now
    measure = tax_measure()
    MeasureVersion.objects.filter(measure=measure).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    measure_retire(measure=measure, actor=None)
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    lists = subject_lists(subject_index=record.subject_index)
    # when
    past = applicable_measures(
        memberships=lists, matter="public_procurement", on=today() - datetime.timedelta(5)
    )
    now = applicable_measures(memberships=lists, matter="public_procurement", on=today())
    # then
    assert [(m.code, m.version) for m in past] == [(measure.code, 2)]
    assert now == []
