"""Every change of a record of an item pushed upstream writes its outbox event, in its
transaction: imports (created, corrected), revocations, expiry; items not pushed write none."""

import datetime
import json

import pytest

from chengxin.catalog.models import CatalogItem
from chengxin.collection.lifecycle import records_expire
from chengxin.core.json import canonical
from chengxin.exchange.choices import OutboxEventType, OutboxStatus
from chengxin.exchange.models import OutboxEvent
from chengxin.exchange.services import RecordFacts
from chengxin.measures.tests.factories import (
    TAX_GENERAL,
    TAX_SERIOUS,
    list_items,
    submit,
    today,
    years_ago,
)

pytestmark = pytest.mark.django_db


def events(record) -> list[tuple[str, str, int, str]]:
    return list(
        OutboxEvent.objects.filter(record_id=record.pk)
        .order_by("pk")
        .values_list("event_type", "payload__status", "payload__version", "status")
    )


def test_an_import_a_change_and_a_revocation_of_a_serious_record_each_write_one_event():
    # given
    list_items()
    # when
    record = submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1))
    submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1, days=3))
    submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1), operation="revoke")
    # then
    assert events(record) == [
        (OutboxEventType.RECORD_CREATED, "active", 1, OutboxStatus.PENDING),
        (OutboxEventType.RECORD_CORRECTED, "active", 2, OutboxStatus.PENDING),
        (OutboxEventType.RECORD_REVOKED, "revoked", 3, OutboxStatus.PENDING),
    ]
    payload = OutboxEvent.objects.order_by("pk").first().payload
    assert payload == {
        "record_id": record.pk,
        "department": "tax",
        "item": TAX_SERIOUS,
        "source_id": "S-1",
        "status": "active",
        "disputed": False,
        "version": 1,
        "decided_on": years_ago(1).isoformat(),
    }


def test_an_unchanged_resubmission_writes_nothing():
    # given
    list_items()
    record = submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1))
    # when
    submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1))
    # then
    assert [event[0] for event in events(record)] == [OutboxEventType.RECORD_CREATED]


def test_expiry_writes_one_event_per_ended_serious_record():
    # given
    list_items()
    record = submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(2))
    end = record.disclosure_ends_on
    # when
    ended = records_expire(today=end)
    again = records_expire(today=end + datetime.timedelta(days=1))
    # then
    assert (ended, again) == (1, 0)
    assert events(record)[-1] == (
        OutboxEventType.RECORD_EXPIRED,
        "expired",
        1,
        OutboxStatus.PENDING,
    )
    assert len(events(record)) == 2


def test_records_of_items_not_pushed_upstream_write_no_events():
    # given
    list_items()
    assert CatalogItem.objects.get(code=TAX_GENERAL).push_upstream is False
    # when
    record = submit(TAX_GENERAL, source_id="G-1", decided_on=today())
    submit(TAX_GENERAL, source_id="G-1", decided_on=today(), operation="revoke")
    # then
    assert events(record) == []


@pytest.mark.parametrize("source_id", ['S-"1"\\2', "税务-一号\n", "plain"])
def test_the_payload_text_of_an_imported_event_is_the_json_of_its_payload(source_id):
    # given
    facts = RecordFacts(
        record_id=7,
        subject_index="a" * 64,
        department="tax",
        item="major-tax-violation",
        source_id=source_id,
        status="active",
        disputed=True,
        version=2,
        decided_on=datetime.date(2024, 2, 29),
        push_upstream=True,
    )
    # when
    text = facts.payload_text()
    # then
    assert json.loads(text) == facts.payload()
    assert canonical(json.loads(text)) == canonical(facts.payload())


def test_events_written_in_bulk_have_their_own_message_ids_and_a_readable_payload():
    # given
    list_items()
    # when
    first = submit(TAX_SERIOUS, source_id='S-"q"', decided_on=years_ago(1))
    second = submit(TAX_SERIOUS, source_id="S-2", decided_on=years_ago(1))
    # then
    written = OutboxEvent.objects.filter(record_id__in=[first.pk, second.pk]).order_by("pk")
    assert len({event.message_id for event in written}) == 2
    assert [event.payload["source_id"] for event in written] == ['S-"q"', "S-2"]
    assert all(event.last_error == "" and event.attempts == 0 for event in written)
