"""Checkpoints by time, at the worker's shutdown and on demand, each copied to the external file.

The sealer signs a checkpoint every ``CHENGXIN_AUDIT_CHECKPOINT_INTERVAL`` seals, which on a quiet
platform may take weeks. ``chengxin worker`` therefore also runs a clock beside its task loop (a
thread of the worker process, not another daemon): every minute it calls
:func:`audit_checkpoint_tick`, which signs a checkpoint at the end of the chain once the newest one
is older than ``CHENGXIN_AUDIT_CHECKPOINT_PERIOD_SECONDS``, and copies the newest checkpoint to the
external file when the file does not have it yet. At shutdown (SIGTERM, SIGINT) the worker signs a
last one with :func:`audit_checkpoint_make`, as ``chengxin audit checkpoint`` does.

A checkpoint costs a handful of indexed queries and reading the file's last line, whatever the
size of the log or of the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone

from chengxin.core.audit import error_codes, events, external, hashing
from chengxin.core.audit.choices import AuditAction, ExternalCheckpointKind
from chengxin.core.audit.models import AuditCheckpoint, AuditSeal
from chengxin.core.audit.sealing import audit_checkpoint_create, checkpoint_period
from chengxin.core.audit.verification import VerificationProblem, audit_log_verify
from chengxin.core.periodic import Periodic

CLOCK_WAKE_SECONDS = 60.0
CLOCK_STOP_SECONDS = 30.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckpointOutcome:
    """The newest checkpoint in the database after a step (``None``: the log is empty), the line
    appended to the external file (``None``: none was needed or none is kept) and the file."""

    checkpoint: AuditCheckpoint | None
    external_line: external.ExternalCheckpoint | None
    path: Path | None


class RestoreNotAcknowledged(Exception):
    """``audit checkpoint --after-restore`` found nothing to acknowledge, or another problem."""

    def __init__(self, problem: VerificationProblem | None) -> None:
        super().__init__(problem.message_en if problem else "nothing to acknowledge")
        self.problem = problem


def audit_checkpoint_make(*, now: datetime | None = None) -> CheckpointOutcome:
    """Sign a checkpoint at the end of the chain now and copy it to the external file.

    Used by ``chengxin audit checkpoint`` and by the worker at shutdown. Raises
    ``external.ExternalCheckpointError`` when the file cannot be written (the checkpoint in the
    database is kept).
    """
    return _copied_out(audit_checkpoint_create(now=now))


def audit_checkpoint_tick(*, now: datetime) -> CheckpointOutcome:
    """The worker's periodic step at time ``now``.

    Signs a checkpoint at the end of the chain when the newest one is older than the period (an
    existing one is reused when the chain has not grown), then copies the newest checkpoint to the
    external file unless the file already covers it; a checkpoint the sealer signed every N seals
    is copied out here too.
    """
    newest = AuditCheckpoint.objects.order_by("-seq").first()
    period = checkpoint_period()
    if period is not None and (newest is None or now - newest.created_at >= period):
        newest = audit_checkpoint_create(now=now) or newest
    return _copied_out(newest)


def audit_checkpoint_after_restore(*, now: datetime | None = None) -> CheckpointOutcome:
    """Acknowledge that the database was restored from a backup older than the external file.

    Verifies the log first, and goes on only when its one problem is that external checkpoints
    lie beyond the end of the chain (anything else raises ``RestoreNotAcknowledged``: that is
    tampering, not a restore). Records the acknowledgement as an audit event, signs a checkpoint
    and appends a ``restore`` line: earlier lines beyond the restored end no longer bind.
    """
    path = external.external_checkpoint_path()
    result = audit_log_verify()
    problem = result.problem
    if path is None or problem is None:
        raise RestoreNotAcknowledged(None)
    if problem.code != error_codes.EXTERNAL_CHECKPOINT_BEYOND_CHAIN:
        raise RestoreNotAcknowledged(problem)
    restored_seq = result.events_checked
    events.change_event(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="audit_checkpoint_file",
        object_id="",
        detail={"restored_seq": restored_seq, "superseded_up_to_seq": problem.seq},
    )
    checkpoint = audit_checkpoint_create(now=now)
    line = _line_for(checkpoint, kind=ExternalCheckpointKind.RESTORE, restored_seq=restored_seq)
    if line is None:
        raise RestoreNotAcknowledged(None)
    external.external_checkpoint_append(line, path=path)
    return CheckpointOutcome(checkpoint, line, path)


class CheckpointClock(Periodic):
    """Runs :func:`audit_checkpoint_tick` every minute in a thread of the worker process.

    The first tick runs at once, so a worker that starts copies out what the file lacks. A failed
    tick (database unavailable, file not writable) is logged and tried again at the next one.
    """

    name = "audit-checkpoints"
    stop_seconds = CLOCK_STOP_SECONDS

    def __init__(self, *, wake_seconds: float = CLOCK_WAKE_SECONDS) -> None:
        super().__init__(period=wake_seconds)

    def step(self) -> None:
        audit_checkpoint_tick_logged(now=timezone.now())


def audit_checkpoint_tick_logged(*, now: datetime) -> CheckpointOutcome | None:
    """:func:`audit_checkpoint_tick`, logging instead of raising what a later tick may overcome."""
    try:
        return audit_checkpoint_tick(now=now)
    except external.ExternalCheckpointError as error:
        logger.error("The external audit checkpoint file cannot be written: %s", error)
    except (DatabaseError, ImproperlyConfigured) as error:
        logger.error("The audit checkpoint step failed: %s", type(error).__name__)
    return None


def _copied_out(checkpoint: AuditCheckpoint | None) -> CheckpointOutcome:
    path = external.external_checkpoint_path()
    if checkpoint is None or path is None:
        return CheckpointOutcome(checkpoint, None, path)
    line = _line_for(checkpoint)
    if line is None or not external.external_checkpoint_append(line, path=path):
        return CheckpointOutcome(checkpoint, None, path)
    return CheckpointOutcome(checkpoint, line, path)


def _line_for(
    checkpoint: AuditCheckpoint,
    *,
    kind: str = ExternalCheckpointKind.CHECKPOINT,
    restored_seq: int | None = None,
) -> external.ExternalCheckpoint | None:
    """The external line of a checkpoint, built from its seal; ``None`` (logged) when the row does
    not verify against the chain: it is never copied out, and ``audit verify`` names it."""
    seal = AuditSeal.objects.filter(seq=checkpoint.seq).first()
    if seal is None or not _is_genuine(checkpoint, seal):
        logger.error(
            "The audit checkpoint at seq %s does not verify and was not copied out: "
            "run chengxin audit verify.",
            checkpoint.seq,
        )
        return None
    return external.external_checkpoint_build(
        seq=seal.seq,
        event_id=seal.event_id,
        chain_hash=seal.chain_hash,
        chain_algorithm=seal.algorithm,
        created_at=checkpoint.created_at,
        kind=kind,
        restored_seq=restored_seq,
    )


def _is_genuine(checkpoint: AuditCheckpoint, seal: AuditSeal) -> bool:
    try:
        signature = hashing.checkpoint_signature(
            seq=checkpoint.seq,
            chain_hash_value=checkpoint.chain_hash,
            created_at=checkpoint.created_at,
            algorithm=checkpoint.algorithm,
            key_id=checkpoint.key_id,
        )
    except (hashing.UnknownKeyError, hashing.UnknownAlgorithmError):
        return False
    return hashing.digests_equal(signature, checkpoint.signature) and hashing.digests_equal(
        checkpoint.chain_hash, seal.chain_hash
    )
