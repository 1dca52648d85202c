"""Verifying the audit log: every content hash, the whole chain and every checkpoint signature.

Walks the seals in seq order in chunks (bounded memory however large the log grows) and stops at
the first problem, naming the event and seq where it is. What each check catches:

- a seq missing from the chain: an event was deleted together with its seal;
- a seal whose event is gone: an event was deleted;
- an event whose keyed content hash does not match: it was altered, or inserted behind the
  application's back (without the key no valid hash can be made, and the sweep before the walk
  has sealed any such row into the chain);
- a seal whose prev_hash or chain_hash does not follow: a seal was altered or inserted;
- a checkpoint whose signature fails, whose chain hash differs from the chain, or whose seq lies
  beyond the end of the chain: the chain was rewritten or cut short;
- the same for the checkpoints of the external file (``external.py``), which catch a tail cut off
  together with its seals and every checkpoint in the database after it.

What it cannot check (no external file, none yet, lines it cannot parse, a file the worker has
stopped writing) it reports as notes beside the result, not as failures; a deployment that sets
``CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED`` fails when no external checkpoint covers the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.audit import error_codes, hashing
from chengxin.core.audit.external import external_checkpoint_path
from chengxin.core.audit.external_verification import (
    ExternalRecord,
    external_beyond_chain,
    external_mismatch,
    external_missing,
    external_notes,
    external_record_read,
)
from chengxin.core.audit.findings import VerificationNote, VerificationProblem
from chengxin.core.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from chengxin.core.audit.sealing import audit_seal_pending

__all__ = [
    "VERIFY_CHUNK_SIZE",
    "VerificationNote",
    "VerificationProblem",
    "VerificationResult",
    "audit_log_verify",
]

VERIFY_CHUNK_SIZE = 2000


@dataclass(frozen=True)
class VerificationResult:
    """What a verification run checked, its first problem if any, and its notes."""

    events_checked: int
    checkpoints_checked: int
    problem: VerificationProblem | None = None
    external_checked: int = 0
    external_superseded: int = 0
    external_path: Path | None = None
    notes: tuple[VerificationNote, ...] = ()

    @property
    def is_intact(self) -> bool:
        return self.problem is None


@dataclass
class _Walk:
    """Where the walk along the chain stands."""

    external: ExternalRecord
    now: datetime
    expected_seq: int = 1
    prev_hash: str = hashing.GENESIS_HASH
    last_event_id: int | None = None
    events_checked: int = 0
    checkpoints_checked: int = 0

    @property
    def end(self) -> int:
        """The last seq walked so far (0 before the first)."""
        return self.expected_seq - 1

    def result(self, problem: VerificationProblem | None = None) -> VerificationResult:
        return VerificationResult(
            events_checked=self.events_checked,
            checkpoints_checked=self.checkpoints_checked,
            problem=problem,
            external_checked=self.external.checked,
            external_superseded=self.external.superseded,
            external_path=self.external.path,
            notes=external_notes(self.external, end=self.end, now=self.now),
        )


def audit_log_verify(
    *,
    chunk_size: int = VERIFY_CHUNK_SIZE,
    checkpoint_file: Path | None = None,
    now: datetime | None = None,
    since_checkpoint: bool = False,
) -> VerificationResult:
    """Seal any pending events (sweeping the whole table), then verify the whole log against its
    checkpoints and those of the external file (``checkpoint_file``, default: the configured one).

    With ``since_checkpoint``, seals only the queue and verifies from the newest checkpoint on:
    the checkpoint's signature vouches for the chain up to its seq, so the walk starts at that
    seal (whose recomputed chain hash must equal the signed one) and checks every later seal and
    event. Memory stays bounded either way: seals and events are read ``chunk_size`` at a time.

    Side effect: appends seals for committed events that were not sealed yet.
    """
    audit_seal_pending(sweep=not since_checkpoint)
    external = external_record_read(checkpoint_file or external_checkpoint_path())
    walk = _Walk(external=external, now=now or timezone.now())
    first_seq = 1
    if since_checkpoint:
        start = _incremental_start()
        if start is not None:
            first_seq = walk.expected_seq = start.seq
            walk.prev_hash = start.prev_hash
    for seals, events in _seal_chunks(chunk_size, first_seq=first_seq):
        checkpoints = _checkpoints_between(seals[0].seq, seals[-1].seq)
        for seal in seals:
            problem = (
                _check_seal(seal, events.get(seal.event_id), walk)
                or _check_checkpoint(checkpoints.get(seal.seq), seal, walk)
                or external_mismatch(external, seal)
            )
            if problem is not None:
                return walk.result(problem)
            walk.expected_seq, walk.prev_hash = seal.seq + 1, seal.chain_hash
            walk.last_event_id = seal.event_id
            walk.events_checked += 1
    return walk.result(
        _checkpoint_beyond_chain(walk)
        or external_beyond_chain(external, end=walk.end, last_event_id=walk.last_event_id)
        or external.problem
        or external_missing(external, end=walk.end)
    )


def _incremental_start() -> AuditSeal | None:
    """The seal of the newest checkpoint, where an incremental verification starts."""
    newest = AuditCheckpoint.objects.order_by("-seq").values_list("seq", flat=True).first()
    if newest is None:
        return None
    return AuditSeal.objects.filter(seq=newest).first()


def _seal_chunks(chunk_size: int, *, first_seq: int = 1):
    last_seq = first_seq - 1
    while True:
        seals = list(AuditSeal.objects.filter(seq__gt=last_seq).order_by("seq")[:chunk_size])
        if not seals:
            return
        events = AuditEvent.objects.in_bulk([seal.event_id for seal in seals])
        yield seals, events
        last_seq = seals[-1].seq


def _checkpoints_between(first_seq: int, last_seq: int) -> dict[int, AuditCheckpoint]:
    checkpoints = AuditCheckpoint.objects.filter(seq__gte=first_seq, seq__lte=last_seq)
    return {checkpoint.seq: checkpoint for checkpoint in checkpoints}


def _check_seal(seal: AuditSeal, event: AuditEvent | None, walk: _Walk):
    if seal.seq != walk.expected_seq:
        return _problem(
            error_codes.SEAL_SEQUENCE_GAP,
            seal,
            seq=walk.expected_seq,
            message=_(
                "审计链缺少序号 %(seq)s（其后一条为序号 %(next_seq)s、事件 %(event_id)s）："
                "有事件连同其封存被删除。"
            ),
            message_en=(
                "seq %(seq)s is missing from the chain (the next seal is seq %(next_seq)s, "
                "event %(event_id)s): an event was deleted with its seal"
            ),
        )
    if not hashing.digests_equal(seal.prev_hash, walk.prev_hash):
        return _problem(
            error_codes.SEAL_LINK_BROKEN,
            seal,
            message=_("事件 %(event_id)s（序号 %(seq)s）的封存未接续前一条：封存被篡改或插入。"),
            message_en=(
                "event %(event_id)s (seq %(seq)s): its seal does not follow the previous one "
                "(a seal was altered or inserted)"
            ),
        )
    if event is None:
        return _problem(
            error_codes.EVENT_MISSING,
            seal,
            message=_("事件 %(event_id)s（序号 %(seq)s）已不存在：事件被删除。"),
            message_en="event %(event_id)s (seq %(seq)s) no longer exists: it was deleted",
        )
    return _check_event_hash(seal, event) or _check_chain_hash(seal, event)


def _check_event_hash(seal: AuditSeal, event: AuditEvent):
    try:
        expected = hashing.event_content_hash(
            event, algorithm=event.hash_algorithm, key_id=event.hash_key_id
        )
    except hashing.UnknownKeyError:
        return _unknown_key_problem(seal, event.hash_key_id)
    except hashing.UnknownAlgorithmError:
        return _unknown_algorithm_problem(seal, event.hash_algorithm)
    if hashing.digests_equal(expected, event.content_hash):
        return None
    return _problem(
        error_codes.EVENT_HASH_MISMATCH,
        seal,
        message=_(
            "事件 %(event_id)s（序号 %(seq)s）的内容哈希不符：事件被篡改，或在应用之外被插入。"
        ),
        message_en=(
            "event %(event_id)s (seq %(seq)s): content hash mismatch (the event was altered, "
            "or inserted behind the application's back)"
        ),
    )


def _check_chain_hash(seal: AuditSeal, event: AuditEvent):
    try:
        expected = hashing.chain_hash(
            prev_hash=seal.prev_hash,
            seq=seal.seq,
            event_id=seal.event_id,
            content_hash=event.content_hash,
            sealed_at=seal.sealed_at,
            algorithm=seal.algorithm,
        )
    except hashing.UnknownAlgorithmError:
        return _unknown_algorithm_problem(seal, seal.algorithm)
    if hashing.digests_equal(expected, seal.chain_hash):
        return None
    return _problem(
        error_codes.SEAL_HASH_MISMATCH,
        seal,
        message=_("事件 %(event_id)s（序号 %(seq)s）的链哈希不符：封存被篡改。"),
        message_en="event %(event_id)s (seq %(seq)s): chain hash mismatch (the seal was altered)",
    )


def _check_checkpoint(checkpoint: AuditCheckpoint | None, seal: AuditSeal, walk: _Walk):
    if checkpoint is None:
        return None
    walk.checkpoints_checked += 1
    try:
        signature = hashing.checkpoint_signature(
            seq=checkpoint.seq,
            chain_hash_value=checkpoint.chain_hash,
            created_at=checkpoint.created_at,
            algorithm=checkpoint.algorithm,
            key_id=checkpoint.key_id,
        )
    except hashing.UnknownKeyError:
        return _unknown_key_problem(seal, checkpoint.key_id)
    except hashing.UnknownAlgorithmError:
        return _unknown_algorithm_problem(seal, checkpoint.algorithm)
    if not hashing.digests_equal(signature, checkpoint.signature):
        return _problem(
            error_codes.CHECKPOINT_SIGNATURE_INVALID,
            seal,
            message=_("序号 %(seq)s 处检查点的签名无效（事件 %(event_id)s）：检查点被伪造或篡改。"),
            message_en=(
                "event %(event_id)s (seq %(seq)s): the checkpoint's signature is invalid "
                "(the checkpoint was forged or altered)"
            ),
        )
    if not hashing.digests_equal(checkpoint.chain_hash, seal.chain_hash):
        return _problem(
            error_codes.CHECKPOINT_MISMATCH,
            seal,
            message=_(
                "事件 %(event_id)s（序号 %(seq)s）的链哈希与已签名的检查点不符："
                "此前的审计链被改写。"
            ),
            message_en=(
                "event %(event_id)s (seq %(seq)s): the chain differs from the signed checkpoint "
                "(the chain up to here was rewritten)"
            ),
        )
    return None


def _checkpoint_beyond_chain(walk: _Walk) -> VerificationProblem | None:
    end = walk.end
    checkpoint = AuditCheckpoint.objects.filter(seq__gt=end).order_by("seq").first()
    if checkpoint is None:
        return None
    values = {"seq": checkpoint.seq, "end": end}
    message = _("序号 %(seq)s 处有检查点，但审计链止于序号 %(end)s：链尾的事件被删除。")
    message_en = (
        "a checkpoint exists at seq %(seq)s but the chain ends at seq %(end)s: "
        "events were cut off the end"
    )
    return VerificationProblem(
        code=error_codes.CHECKPOINT_BEYOND_CHAIN,
        seq=checkpoint.seq,
        event_id=None,
        message=message % values,
        message_en=message_en % values,
    )


def _unknown_key_problem(seal: AuditSeal, key_id: str) -> VerificationProblem:
    return _problem(
        error_codes.UNKNOWN_KEY,
        seal,
        name=key_id,
        message=_("事件 %(event_id)s（序号 %(seq)s）使用的密钥 %(name)s 未配置，无法校验。"),
        message_en=(
            "event %(event_id)s (seq %(seq)s): signing key %(name)s is not configured, "
            "cannot verify"
        ),
    )


def _unknown_algorithm_problem(seal: AuditSeal, algorithm: str) -> VerificationProblem:
    return _problem(
        error_codes.UNKNOWN_ALGORITHM,
        seal,
        name=algorithm,
        message=_("事件 %(event_id)s（序号 %(seq)s）使用了未知的算法 %(name)s。"),
        message_en="event %(event_id)s (seq %(seq)s): unknown algorithm %(name)s",
    )


def _problem(
    code: str,
    seal: AuditSeal,
    *,
    message: str,
    message_en: str,
    seq: int | None = None,
    name: str = "",
) -> VerificationProblem:
    seq = seal.seq if seq is None else seq
    event_id = None if code == error_codes.SEAL_SEQUENCE_GAP else seal.event_id
    values = {"seq": seq, "next_seq": seal.seq, "event_id": seal.event_id, "name": name}
    return VerificationProblem(
        code=code,
        seq=seq,
        event_id=event_id,
        message=message % values,
        message_en=message_en % values,
    )
