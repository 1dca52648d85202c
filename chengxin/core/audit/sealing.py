"""Sealing: fixing the chain order of committed events, and signed checkpoints.

An event gets its place in the chain only after its transaction has committed, when the sealer
appends an ``AuditSeal`` for it. ``events.record`` puts every event on the sealer's queue
(``AuditPending``) in the caller's transaction; nothing on the request path waits for a seal. The
sealer (a thread of ``chengxin worker``, or ``chengxin audit seal --loop``) wakes every second,
takes the queued events in id order, a batch at a time, and in one transaction per batch appends
their seals and removes them from the queue. Sealers run one at a time (a PostgreSQL advisory
lock; on SQLite, ``BEGIN IMMEDIATE`` already serialises writers). An event whose transaction
commits late gets a later seq than events with higher ids: the chain is never rewritten, so a slow
transaction cannot break it.

A batch costs the same whatever the size of the log: the queue's primary key gives the next
events, the chain's last seal is the highest seq. ``audit verify`` also sweeps the whole table
for events that are neither sealed nor queued (rows inserted behind the application's back), so
that their content hash is checked too.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from chengxin.core.audit import hashing
from chengxin.core.audit.choices import HashAlgorithm
from chengxin.core.audit.models import AuditCheckpoint, AuditEvent, AuditPending, AuditSeal
from chengxin.core.periodic import Periodic

logger = logging.getLogger(__name__)

# An arbitrary constant naming the sealer's advisory lock ("cxaudit" in ASCII).
SEALER_LOCK_ID = 0x63786175646974
DEFAULT_CHECKPOINT_INTERVAL = 1000
DEFAULT_CHECKPOINT_PERIOD = 3600
DEFAULT_SEAL_PERIOD = 1.0
SEAL_CHUNK_SIZE = 1000


def audit_seal_pending(*, sweep: bool = False, batch_size: int = SEAL_CHUNK_SIZE) -> int:
    """Seal the queued events in id order, one transaction per batch; return how many.

    With ``sweep``, then also seals, in id order, every event that is neither sealed nor queued
    (walking the whole table in chunks: ``audit verify`` does this). Appends a checkpoint whenever
    a seq reaches a multiple of the checkpoint interval.
    """
    sealed = 0
    while True:
        count = _seal_batch(_queued_batch, batch_size)
        sealed += count
        if count < batch_size:
            break
    if sweep:
        after_id = 0
        while True:
            with transaction.atomic():
                _acquire_sealer_lock()
                batch = _unsealed_batch(after_id=after_id, batch_size=batch_size)
                if batch:
                    _append_seals(batch)
            sealed += len(batch)
            if len(batch) < batch_size:
                break
            after_id = batch[-1].pk
    return sealed


def seal_period() -> float:
    """Seconds between two runs of the sealer (setting, default 1)."""
    return float(getattr(settings, "CHENGXIN_AUDIT_SEAL_PERIOD_SECONDS", DEFAULT_SEAL_PERIOD))


class SealerClock(Periodic):
    """Runs :func:`audit_seal_pending` every ``seal_period()`` seconds in a thread, and once more
    when stopped. A failed run (database unavailable) is logged and tried again at the next one;
    the queue keeps every event until it is sealed, so nothing is lost."""

    name = "audit-sealer"
    stop_seconds = 30.0

    def __init__(self, *, period: float | None = None) -> None:
        super().__init__(period=seal_period() if period is None else period)

    def step(self) -> None:
        audit_seal_pending()

    final_step = step


def audit_seal_pending_logged() -> int:
    """:func:`audit_seal_pending`, logging instead of raising what a later run may overcome."""
    try:
        return audit_seal_pending()
    except DatabaseError as error:
        logger.error("The audit sealer failed: %s", type(error).__name__)
        return 0


def audit_checkpoint_create(*, now: datetime | None = None) -> AuditCheckpoint | None:
    """Seal what is pending, then sign a checkpoint at the end of the chain (on demand).

    Returns the checkpoint (an existing one if the chain has not grown since), or ``None`` when
    nothing has been sealed yet. ``now`` is the checkpoint's time (default: the present). Costs a
    few indexed queries whatever the size of the log: the pending events above the highest sealed
    one, and the last seal.
    """
    audit_seal_pending()
    with transaction.atomic():
        _acquire_sealer_lock()
        last = AuditSeal.objects.order_by("-seq").first()
        if last is None:
            return None
        existing = AuditCheckpoint.objects.filter(seq=last.seq).first()
        if existing is not None:
            return existing
        return AuditCheckpoint.objects.create(**_checkpoint_values(last, created_at=now))


def checkpoint_interval() -> int:
    """How many seals lie between two automatic checkpoints (setting, default 1000)."""
    return int(getattr(settings, "CHENGXIN_AUDIT_CHECKPOINT_INTERVAL", DEFAULT_CHECKPOINT_INTERVAL))


def checkpoint_period() -> timedelta | None:
    """How old the newest checkpoint may grow before the worker signs another (setting, default an
    hour; ``None`` when the setting is 0: no checkpoints by time)."""
    seconds = int(
        getattr(settings, "CHENGXIN_AUDIT_CHECKPOINT_PERIOD_SECONDS", DEFAULT_CHECKPOINT_PERIOD)
    )
    return timedelta(seconds=seconds) if seconds > 0 else None


def _acquire_sealer_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK_ID])


def _seal_batch(select, batch_size: int) -> int:
    with transaction.atomic():
        _acquire_sealer_lock()
        batch = select(batch_size)
        if batch:
            _append_seals(batch)
    return len(batch)


def _queued_batch(batch_size: int) -> list[AuditEvent]:
    event_ids = list(
        AuditPending.objects.order_by("event_id").values_list("event_id", flat=True)[:batch_size]
    )
    events = AuditEvent.objects.filter(pk__in=event_ids).only("id", "content_hash")
    return sorted(events, key=lambda event: event.pk)


def _unsealed_batch(*, after_id: int, batch_size: int) -> list[AuditEvent]:
    pending = AuditEvent.objects.filter(seal__isnull=True, id__gt=after_id)
    return list(pending.order_by("id").only("id", "content_hash")[:batch_size])


def _append_seals(batch: list[AuditEvent]) -> None:
    last = AuditSeal.objects.order_by("-seq").only("seq", "chain_hash").first()
    seq, prev_hash = (last.seq, last.chain_hash) if last else (0, hashing.GENESIS_HASH)
    sealed_at = timezone.now()
    seals = []
    for event in batch:
        seq += 1
        seal = _next_seal(event=event, seq=seq, prev_hash=prev_hash, sealed_at=sealed_at)
        seals.append(seal)
        prev_hash = seal.chain_hash
    AuditSeal.objects.bulk_create(seals)
    AuditPending.objects.filter(event_id__in=[event.pk for event in batch]).delete()
    interval = checkpoint_interval()
    due = [_checkpoint_values(seal) for seal in seals if seal.seq % interval == 0]
    AuditCheckpoint.objects.bulk_create(AuditCheckpoint(**values) for values in due)


def _next_seal(*, event: AuditEvent, seq: int, prev_hash: str, sealed_at) -> AuditSeal:
    algorithm = HashAlgorithm.SHA256
    chain_hash = hashing.chain_hash(
        prev_hash=prev_hash,
        seq=seq,
        event_id=event.pk,
        content_hash=event.content_hash,
        sealed_at=sealed_at,
        algorithm=algorithm,
    )
    return AuditSeal(
        seq=seq,
        event_id=event.pk,
        prev_hash=prev_hash,
        chain_hash=chain_hash,
        algorithm=algorithm,
        sealed_at=sealed_at,
    )


def _checkpoint_values(seal: AuditSeal, *, created_at: datetime | None = None) -> dict[str, object]:
    created_at = created_at or timezone.now()
    algorithm = HashAlgorithm.HMAC_SHA256
    key_id = hashing.active_signing_key_id()
    signature = hashing.checkpoint_signature(
        seq=seal.seq,
        chain_hash_value=seal.chain_hash,
        created_at=created_at,
        algorithm=algorithm,
        key_id=key_id,
    )
    return {
        "seq": seal.seq,
        "chain_hash": seal.chain_hash,
        "created_at": created_at,
        "signature": signature,
        "algorithm": algorithm,
        "key_id": key_id,
    }
