"""The outbox is written in the transaction of a record's change."""

import pytest
from django.db import transaction

from chengxin.collection.models import CreditRecord
from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.models import OutboxEvent
from chengxin.exchange.services import outbox_event_record
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, submit, years_ago

pytestmark = pytest.mark.django_db


def test_an_event_names_the_record_without_personal_data():
    # given
    list_items()
    record = submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1))
    # when
    with transaction.atomic():
        event = outbox_event_record(
            event_type=OutboxEventType.RECORD_REPAIRED, record=record, detail={"repair_id": 7}
        )
    # then
    assert OutboxEvent.objects.order_by("pk").last().message_id == event.message_id
    assert event.payload == {
        "record_id": record.pk,
        "department": "tax",
        "item": TAX_SERIOUS,
        "source_id": "S-1",
        "status": "active",
        "disputed": False,
        "version": 1,
        "decided_on": years_ago(1).isoformat(),
        "repair_id": 7,
    }
    assert event.subject_index == CreditRecord.objects.get().subject_index


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    # given
    list_items()
    record = submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1))
    # when / then
    with pytest.raises(RuntimeError):
        outbox_event_record(event_type=OutboxEventType.RECORD_REPAIRED, record=record)
    assert list(OutboxEvent.objects.values_list("event_type", flat=True)) == [
        OutboxEventType.RECORD_CREATED
    ]
