"""The worker's delivery thread sends what is due to the provincial platform."""

from __future__ import annotations

import time

import pytest

from chengxin.exchange.choices import OutboxStatus
from chengxin.exchange.fake_upstream import stored_events
from chengxin.exchange.models import OutboxEvent
from chengxin.exchange.tests.receiver import running_receiver
from chengxin.exchange.worker import UpstreamPushClock
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, submit, years_ago

WAIT_SECONDS = 60


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_delivers_the_outbox(tmp_path):
    # given
    list_items()
    for person in (1, 2, 3):
        submit(TAX_SERIOUS, source_id=f"S-{person}", decided_on=years_ago(1), sequence=person)
    with running_receiver(tmp_path / "upstream") as receiver:
        clock = UpstreamPushClock(receiver.config(), interval=0.05)
        # when
        clock.start()
        # The deadline only keeps a broken thread from hanging the test; the checks judge.
        deadline = time.monotonic() + WAIT_SECONDS
        while (
            OutboxEvent.objects.exclude(status=OutboxStatus.DELIVERED).exists()
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        clock.stop()
    # then
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    assert len(stored_events(receiver.store)) == 3
