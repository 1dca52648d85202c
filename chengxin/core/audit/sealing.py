"""Sealing: fixing the chain order of committed events, and signed checkpoints.

An event gets its place in the chain only after its transaction has committed, when a sealer
appends an ``AuditSeal`` for it. Sealers run one at a time (a PostgreSQL advisory lock; on SQLite,
``BEGIN IMMEDIATE`` already serialises writers), take the committed unsealed events in id order and
give them the next seqs. An event whose transaction commits late gets a later seq than events with
higher ids: the chain is never rewritten, so a slow transaction cannot break it.

The sealer runs after the commit of every transaction that recorded events, and again (sweeping
the whole table) in ``audit verify``, which picks up any event whose post-commit sealing failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from chengxin.core.audit import hashing
from chengxin.core.audit.choices import HashAlgorithm
from chengxin.core.audit.models import AuditCheckpoint, AuditEvent, AuditSeal

# An arbitrary constant naming the sealer's advisory lock ("cxaudit" in ASCII).
SEALER_LOCK_ID = 0x63786175646974
DEFAULT_CHECKPOINT_INTERVAL = 1000
DEFAULT_CHECKPOINT_PERIOD = 3600
SEAL_CHUNK_SIZE = 1000


def seal_after_commit(event_id: int) -> None:
    """Post-commit hook of ``events.record``: seal the event and everything pending before it.

    Several events of one transaction each register this hook; the first seals them all and the
    others find their event sealed already.
    """
    if AuditSeal.objects.filter(event_id=event_id).exists():
        return
    audit_seal_pending(event_ids=[event_id])


def audit_seal_pending(*, event_ids: Iterable[int] = (), sweep: bool = False) -> int:
    """Seal committed, unsealed events in id order; return how many were sealed.

    Without ``sweep``, looks at the events above the highest sealed event id plus ``event_ids``
    (the fast path after a commit). With ``sweep``, looks at the whole table, in chunks.
    Appends a checkpoint whenever a seq reaches a multiple of the checkpoint interval.
    """
    event_ids = list(event_ids)
    sealed = 0
    after_id = 0
    while True:
        with transaction.atomic():
            _acquire_sealer_lock()
            batch = _pending_batch(event_ids=event_ids, sweep=sweep, after_id=after_id)
            if batch:
                _append_seals(batch)
        sealed += len(batch)
        if len(batch) < SEAL_CHUNK_SIZE:
            return sealed
        after_id = batch[-1].pk


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


def _pending_batch(*, event_ids: list[int], sweep: bool, after_id: int) -> list[AuditEvent]:
    pending = AuditEvent.objects.filter(seal__isnull=True, id__gt=after_id)
    if not sweep:
        high_water = AuditSeal.objects.aggregate(value=Max("event_id"))["value"] or 0
        pending = pending.filter(Q(id__gt=high_water) | Q(id__in=event_ids))
    return list(pending.order_by("id").only("id", "content_hash")[:SEAL_CHUNK_SIZE])


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
