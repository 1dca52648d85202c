"""Sealing fixes the chain order after commit, off the request path; a late commit never breaks
the chain."""

import re
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chengxin.core.audit import events, hashing
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditCheckpoint, AuditEvent, AuditPending, AuditSeal
from chengxin.core.audit.sealing import SealerClock, audit_checkpoint_create, audit_seal_pending
from chengxin.core.audit.selectors import audit_seal_backlog
from chengxin.core.audit.verification import audit_log_verify

WAIT_SECONDS = 30


def _record(object_id):
    return events.record(
        actor=None, action=AuditAction.CREATE, object_type="record", object_id=object_id
    )


def _chain():
    return list(AuditSeal.objects.order_by("seq").values_list("seq", "event_id"))


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_waits_in_the_queue_until_the_sealer_runs():
    # given
    with transaction.atomic():
        first = _record("1")
        second = _record("2")
    third = _record("3")
    chain_after_commit = _chain()
    backlog = audit_seal_backlog()

    # when
    sealed = audit_seal_pending()

    # then: the writers returned without a seal; the sealer seals in id order and empties the queue
    assert chain_after_commit == []
    assert backlog == (3, first.created_at)
    assert sealed == 3
    assert _chain() == [(1, first.pk), (2, second.pk), (3, third.pk)]
    assert AuditPending.objects.count() == 0
    assert audit_seal_backlog() == (0, None)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_event_leaves_no_trace_in_the_chain():
    # given
    with pytest.raises(RuntimeError), transaction.atomic():
        _record("lost")
        raise RuntimeError("the change failed")

    # when
    kept = _record("kept")
    audit_seal_pending()

    # then
    assert _chain() == [(1, kept.pk)]
    assert AuditPending.objects.count() == 0
    assert audit_log_verify().is_intact


@pytest.mark.django_db
def test_sealing_a_batch_costs_the_same_queries_on_a_long_log():
    # given: the queries of sealing three events on a young log
    young = _queries_to_seal(3)

    # when: the log has grown by 300 sealed events
    for number in range(300):
        _record(str(number))
    audit_seal_pending()
    long = _queries_to_seal(3)

    # then
    assert long == young


def _queries_to_seal(count: int) -> list[str]:
    for number in range(count):
        _record(f"new-{number}")
    with CaptureQueriesContext(connection) as captured:
        assert audit_seal_pending() == count
    return [_shape(query["sql"]) for query in captured.captured_queries]


def _shape(sql: str) -> str:
    """The statement without its literal values (ids, hashes, times, savepoint names)."""
    return re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", sql)


@pytest.mark.django_db
def test_seals_link_each_event_to_the_previous_seal():
    # given
    first, second = _record("1"), _record("2")

    # when
    sealed = audit_seal_pending()

    # then
    seals = list(AuditSeal.objects.order_by("seq"))
    assert sealed == 2
    assert [seal.event_id for seal in seals] == [first.pk, second.pk]
    assert seals[0].prev_hash == hashing.GENESIS_HASH
    assert seals[1].prev_hash == seals[0].chain_hash
    assert seals[1].chain_hash == hashing.chain_hash(
        prev_hash=seals[0].chain_hash,
        seq=2,
        event_id=second.pk,
        content_hash=second.content_hash,
        sealed_at=seals[1].sealed_at,
        algorithm="sha256",
    )


@pytest.mark.django_db
def test_sealing_twice_seals_each_event_once():
    # given
    _record("1")
    audit_seal_pending()

    # when
    sealed_again = audit_seal_pending(sweep=True)

    # then
    assert sealed_again == 0
    assert AuditSeal.objects.count() == 1


@pytest.mark.django_db
def test_a_checkpoint_is_signed_every_interval_seals(settings):
    # given
    settings.CHENGXIN_AUDIT_CHECKPOINT_INTERVAL = 2
    for number in range(5):
        _record(str(number))

    # when
    audit_seal_pending()

    # then
    checkpoints = list(AuditCheckpoint.objects.order_by("seq"))
    seals = {seal.seq: seal.chain_hash for seal in AuditSeal.objects.all()}
    assert [checkpoint.seq for checkpoint in checkpoints] == [2, 4]
    assert [checkpoint.chain_hash for checkpoint in checkpoints] == [seals[2], seals[4]]
    assert {(checkpoint.key_id, checkpoint.algorithm) for checkpoint in checkpoints} == {
        ("s9", "hmac-sha256")
    }


@pytest.mark.django_db
def test_an_on_demand_checkpoint_covers_the_end_of_the_chain_once():
    # given
    _record("1")
    _record("2")

    # when
    checkpoint = audit_checkpoint_create()
    again = audit_checkpoint_create()

    # then
    assert (checkpoint.seq, again.pk) == (2, checkpoint.pk)
    assert checkpoint.chain_hash == AuditSeal.objects.get(seq=2).chain_hash
    assert AuditCheckpoint.objects.count() == 1


@pytest.mark.django_db
def test_no_checkpoint_for_an_empty_log():
    # when
    checkpoint = audit_checkpoint_create()

    # then
    assert checkpoint is None
    assert AuditCheckpoint.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_late_committing_transaction_does_not_break_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions, so ids are allocated in commit order")
    # given: a transaction takes an event id, then waits before it commits
    recorded, release = threading.Event(), threading.Event()
    late = {}

    def late_transaction():
        try:
            with transaction.atomic():
                late["id"] = _record("late").pk
                recorded.set()
                release.wait(WAIT_SECONDS)
        finally:
            connection.close()

    worker = threading.Thread(target=late_transaction)
    worker.start()
    recorded.wait(WAIT_SECONDS)

    # when: another event with a higher id commits and is sealed first, then the late one commits
    early = _record("early")
    audit_seal_pending()
    chain_before = _chain()
    release.set()
    worker.join(WAIT_SECONDS)
    audit_seal_pending()

    # then
    assert late["id"] < early.pk
    assert chain_before == [(1, early.pk)]
    assert _chain() == [(1, early.pk), (2, late["id"])]
    assert audit_log_verify().is_intact


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_build_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions; concurrent writers cannot occur")
    # given
    writers, per_writer = 4, 10
    start = threading.Barrier(writers)

    def write(number):
        try:
            start.wait(WAIT_SECONDS)
            for index in range(per_writer):
                with transaction.atomic():
                    _record(f"{number}-{index}")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    sealer = SealerClock(period=0.01)

    # when: the sealer runs while they write, and once more when it stops
    sealer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    sealer.stop()

    # then: every event was sealed by the sealer, before any verification sweep
    assert AuditEvent.objects.filter(seal__isnull=True).count() == 0
    assert AuditPending.objects.count() == 0
    assert [seq for seq, _ in _chain()] == list(range(1, writers * per_writer + 1))
    result = audit_log_verify()
    assert (result.is_intact, result.events_checked) == (True, writers * per_writer)


@pytest.mark.django_db
@pytest.mark.parametrize("sweep", [False, True])
def test_a_large_backlog_is_sealed_chunk_by_chunk(sweep):
    # given
    recorded = [_record(str(number)) for number in range(5)]

    # when
    sealed = audit_seal_pending(sweep=sweep, batch_size=2)

    # then
    assert sealed == 5
    assert _chain() == [(seq, event.pk) for seq, event in enumerate(recorded, start=1)]


@pytest.mark.django_db
def test_the_sweep_seals_an_event_that_never_joined_the_queue():
    # given: an event whose queue row is missing (written behind the application's back)
    stray = _record("stray")
    AuditPending.objects.filter(event=stray).delete()
    queued = _record("queued")

    # when
    by_queue = audit_seal_pending()
    by_sweep = audit_seal_pending(sweep=True)

    # then
    assert (by_queue, by_sweep) == (1, 1)
    assert _chain() == [(1, queued.pk), (2, stray.pk)]


@pytest.mark.django_db(transaction=True)
def test_the_sealer_clock_seals_until_it_is_stopped():
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database locks tables across threads")
    # given
    sealer = SealerClock(period=0.01)
    sealer.start()

    # when
    recorded = [_record(str(number)) for number in range(3)]
    sealer.stop()

    # then
    assert sorted(event_id for _, event_id in _chain()) == [event.pk for event in recorded]
