"""The set-based reads of batch checks give, person by person, the answers of the per-person
selectors (lists, green channel, known)."""

from __future__ import annotations

import datetime

import pytest

from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core.services import policy_value_set
from chengxin.measures.checks.bulk import people_facts
from chengxin.measures.selectors import green_channel, subject_lists
from chengxin.measures.tests.factories import (
    MORAL_MODEL,
    TAX_GENERAL,
    TAX_SERIOUS,
    submit,
    today,
    years_ago,
)

pytestmark = pytest.mark.django_db

# (item, days before today) of each person's records, person by person.
PEOPLE = [
    [(TAX_SERIOUS, 30)],
    [(MORAL_MODEL, 100)],
    [(MORAL_MODEL, 100), (TAX_SERIOUS, 10)],
    [(MORAL_MODEL, 100), (TAX_GENERAL, 5 * 365)],
    [(TAX_GENERAL, 200), (TAX_GENERAL, 5 * 365)],
    [(TAX_GENERAL, 5 * 365)],
    [(TAX_GENERAL, 100)],
    [(TAX_SERIOUS, 4 * 365), (MORAL_MODEL, 10), (TAX_SERIOUS, 20)],
]


def _people() -> list[str]:
    indexes = []
    for person, records in enumerate(PEOPLE, 1):
        for position, (code, days) in enumerate(records, 1):
            record = submit(
                code,
                source_id=f"P{person}-{position}",
                decided_on=today() - datetime.timedelta(days),
                sequence=person,
            )
        indexes.append(record.subject_index)
    assert len(set(indexes)) == len(PEOPLE)
    return indexes


def _assert_same_as_selectors(indexes: list[str]) -> None:
    facts = people_facts([*indexes, "f" * 64], on=today())
    for index in indexes:
        green = green_channel(subject_index=index, on=today())
        assert facts[index].memberships == tuple(subject_lists(subject_index=index))
        assert (facts[index].known, facts[index].green_channel) == (green.known, green.eligible)
    assert (facts["f" * 64].known, facts["f" * 64].memberships) == (False, ())


def test_people_facts_are_those_of_the_per_person_selectors(items):
    # given
    indexes = _people()
    # when / then
    _assert_same_as_selectors(indexes)
    assert [facts.green_channel for facts in people_facts(indexes, on=today()).values()] == [
        green_channel(subject_index=index, on=today()).eligible for index in sorted(indexes)
    ]


def test_people_facts_leave_out_revoked_records_and_count_repaired_ones_by_policy(items):
    # given
    indexes = _people()
    submit(TAX_SERIOUS, source_id="P1-1", decided_on=today(), operation="revoke", sequence=1)
    repaired = CreditRecord.objects.get(source_id="P7-1")
    CreditRecord.objects.filter(pk=repaired.pk).update(status=RecordStatus.REPAIRED)
    submit(TAX_GENERAL, source_id="P7-2", decided_on=years_ago(5), sequence=7)
    # when
    counted = people_facts([repaired.subject_index], on=today())[repaired.subject_index]
    policy_value_set(name="green_channel.counts_repaired", value=False, actor=None, reason="测试")
    # then
    assert counted.green_channel is False
    assert people_facts([repaired.subject_index], on=today())[repaired.subject_index].green_channel
    _assert_same_as_selectors(indexes)
