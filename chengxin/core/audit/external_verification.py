"""Verifying the audit chain against the external checkpoint file (``external.py``).

``verification.audit_log_verify`` reads the file first (:func:`external_record_read`: every line,
one at a time, each signature checked), then, walking the chain, compares every genuine line with
the seal at its seq (:func:`external_mismatch`), and at the end of the chain finds a newest line
beyond it (:func:`external_beyond_chain`): the tail was cut off together with its seals and the
checkpoints in the database, which nothing in the database can show.

A missing file reads as an empty one: a warning (:func:`external_notes`) unless the deployment
requires an external checkpoint (:func:`external_missing`). A line that cannot be parsed (a write
cut short by a crash) is skipped with a warning: it asserts nothing, and whoever could write such a
line could as well have removed one. A parsed line whose signature does not verify is a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.audit import error_codes, hashing
from chengxin.core.audit.choices import ExternalCheckpointKind
from chengxin.core.audit.external import (
    ExternalCheckpoint,
    external_checkpoint_required,
    external_checkpoints_read,
)
from chengxin.core.audit.findings import VerificationNote, VerificationProblem
from chengxin.core.audit.models import AuditSeal
from chengxin.core.audit.sealing import checkpoint_period

MALFORMED_LINES_SHOWN = 10
STALE_AFTER_PERIODS = 2


@dataclass
class ExternalRecord:
    """The external checkpoint file as one verification read it: its genuine lines by seq (lines
    that a later ``restore`` line superseded left out), and what was wrong with it."""

    path: Path | None
    lines: dict[int, list[ExternalCheckpoint]] = field(default_factory=dict)
    checked: int = 0
    superseded: int = 0
    malformed_lines: list[int] = field(default_factory=list)
    problem: VerificationProblem | None = None

    def at(self, seq: int) -> list[ExternalCheckpoint]:
        return self.lines.get(seq, [])

    def newest(self) -> ExternalCheckpoint | None:
        return self.lines[max(self.lines)][-1] if self.lines else None


def external_record_read(path: Path | None) -> ExternalRecord:
    """Read the file at ``path`` (``None``: no file is kept). A missing file reads as empty; one
    that cannot be read, or a line whose signature does not verify, is the record's problem."""
    record = ExternalRecord(path=path)
    if path is None:
        return record
    try:
        for number, line in external_checkpoints_read(path):
            _take_line(record, number, line)
    except FileNotFoundError:
        return record
    except OSError as error:
        record.problem = _unreadable_problem(path, error)
    return record


def external_mismatch(record: ExternalRecord, seal: AuditSeal) -> VerificationProblem | None:
    """A line at the seal's seq that names another event or chain hash: the chain up to here was
    rewritten (for instance an event deleted and the later seals renumbered and re-hashed)."""
    for line in record.at(seal.seq):
        if (
            line.event_id == seal.event_id
            and line.chain_algorithm == seal.algorithm
            and hashing.digests_equal(line.chain_hash, seal.chain_hash)
        ):
            continue
        values = {**_line_values(line, record.path), "event_id": seal.event_id}
        message = _(
            "事件 %(event_id)s（序号 %(seq)s）的链哈希与 %(time)s 的外部检查点"
            "（%(path)s 第 %(line)s 行）不符：此前的审计链被改写。"
        )
        message_en = (
            "event %(event_id)s (seq %(seq)s): the chain differs from the external checkpoint "
            "of %(time)s (%(path)s line %(line)s): the chain up to here was rewritten"
        )
        code = error_codes.EXTERNAL_CHECKPOINT_MISMATCH
        return VerificationProblem(
            code, seal.seq, seal.event_id, message % values, message_en % values
        )
    return None


def external_beyond_chain(
    record: ExternalRecord, *, end: int, last_event_id: int | None
) -> VerificationProblem | None:
    """The newest line, when it covers a seq beyond ``end``, the last seq of the chain."""
    newest = record.newest()
    if newest is None or newest.seq <= end:
        return None
    values = {
        **_line_values(newest, record.path),
        "end": end,
        "event_id": last_event_id,
        "covered_event_id": newest.event_id,
    }
    if end == 0:
        message = _(
            "审计链为空，但 %(time)s 的外部检查点（%(path)s 第 %(line)s 行）覆盖到序号 %(seq)s"
            "（事件 %(covered_event_id)s）：事件连同其封存和检查点被删除。"
        )
        message_en = (
            "the chain is empty but the external checkpoint of %(time)s (%(path)s line %(line)s) "
            "covers seq %(seq)s (event %(covered_event_id)s): events were deleted with their "
            "seals and checkpoints"
        )
    else:
        message = _(
            "审计链止于序号 %(end)s（事件 %(event_id)s），但 %(time)s 的外部检查点"
            "（%(path)s 第 %(line)s 行）覆盖到序号 %(seq)s（事件 %(covered_event_id)s）："
            "链尾的事件连同其封存和检查点被删除。"
        )
        message_en = (
            "the chain ends at seq %(end)s (event %(event_id)s) but the external checkpoint of "
            "%(time)s (%(path)s line %(line)s) covers seq %(seq)s (event %(covered_event_id)s): "
            "events were cut off the end with their seals and checkpoints"
        )
    code = error_codes.EXTERNAL_CHECKPOINT_BEYOND_CHAIN
    return VerificationProblem(code, newest.seq, None, message % values, message_en % values)


def external_missing(record: ExternalRecord, *, end: int) -> VerificationProblem | None:
    """When the deployment requires an external checkpoint and none covers a non-empty chain."""
    if end == 0 or record.lines or not external_checkpoint_required():
        return None
    if record.path is None:
        message = _(
            "未配置外部检查点文件（CHENGXIN_AUDIT_CHECKPOINT_FILE），"
            "而本部署要求外部检查点（CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED）。"
        )
        message_en = (
            "no external checkpoint file is configured (CHENGXIN_AUDIT_CHECKPOINT_FILE) but this "
            "deployment requires one (CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED)"
        )
    else:
        message = _(
            "外部检查点文件 %(path)s 不存在或没有检查点，而本部署要求外部检查点"
            "（CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED）：无法确认链尾未被删除。"
        )
        message_en = (
            "the external checkpoint file %(path)s is missing or holds no checkpoint, but this "
            "deployment requires one (CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED): a cut-off tail "
            "cannot be ruled out"
        )
    values = {"path": record.path}
    code = error_codes.EXTERNAL_CHECKPOINT_MISSING
    return VerificationProblem(code, None, None, message % values, message_en % values)


def external_notes(
    record: ExternalRecord, *, end: int, now: datetime
) -> tuple[VerificationNote, ...]:
    """What the record leaves unchecked: no file configured, none yet, lines skipped, and a file
    that the worker seems to have stopped writing (events uncovered for two periods)."""
    required = external_checkpoint_required()
    if record.path is None:
        return () if required else (_not_configured_note(),)
    notes = [_malformed_note(record)] if record.malformed_lines else []
    newest = record.newest()
    if newest is None and end > 0 and not required:
        notes.append(_none_yet_note(record.path))
    elif newest is not None and end > newest.seq and _is_stale(newest, now):
        notes.append(_stale_note(record, newest, end=end))
    return tuple(notes)


def _take_line(record: ExternalRecord, number: int, line: ExternalCheckpoint | None) -> None:
    if line is None:
        record.malformed_lines.append(number)
        return
    problem = _signature_problem(line, record.path)
    if problem is not None:
        record.problem = record.problem or problem
        return
    record.checked += 1
    if line.kind == ExternalCheckpointKind.RESTORE:
        for seq in [seq for seq in record.lines if seq > line.restored_seq]:
            record.superseded += len(record.lines.pop(seq))
    record.lines.setdefault(line.seq, []).append(line)


def _signature_problem(line: ExternalCheckpoint, path: Path | None) -> VerificationProblem | None:
    try:
        expected = line.expected_signature()
    except hashing.UnknownKeyError:
        message = _("外部检查点（%(path)s 第 %(line)s 行）使用的密钥 %(name)s 未配置，无法校验。")
        message_en = (
            "the external checkpoint at %(path)s line %(line)s uses signing key %(name)s, "
            "which is not configured: cannot verify"
        )
        return _line_problem(error_codes.UNKNOWN_KEY, line, path, message, message_en)
    except hashing.UnknownAlgorithmError:
        message = _("外部检查点（%(path)s 第 %(line)s 行）使用了未知的算法 %(name)s。")
        message_en = (
            "the external checkpoint at %(path)s line %(line)s uses unknown algorithm %(name)s"
        )
        return _line_problem(error_codes.UNKNOWN_ALGORITHM, line, path, message, message_en)
    if hashing.digests_equal(expected, line.signature):
        return None
    message = _(
        "外部检查点（%(path)s 第 %(line)s 行，序号 %(seq)s，%(time)s）的签名无效："
        "检查点被伪造或篡改。"
    )
    message_en = (
        "the external checkpoint at %(path)s line %(line)s (seq %(seq)s, %(time)s) has an "
        "invalid signature: it was forged or altered"
    )
    code = error_codes.EXTERNAL_CHECKPOINT_SIGNATURE_INVALID
    return _line_problem(code, line, path, message, message_en)


def _line_problem(
    code: str, line: ExternalCheckpoint, path: Path | None, message: str, message_en: str
) -> VerificationProblem:
    name = line.algorithm if code == error_codes.UNKNOWN_ALGORITHM else line.key_id
    values = {**_line_values(line, path), "name": name}
    return VerificationProblem(code, line.seq, None, message % values, message_en % values)


def _unreadable_problem(path: Path, error: OSError) -> VerificationProblem:
    values = {"path": path, "reason": error.strerror or type(error).__name__}
    message = _("无法读取外部检查点文件 %(path)s：%(reason)s。")
    message_en = "cannot read the external checkpoint file %(path)s: %(reason)s"
    code = error_codes.EXTERNAL_CHECKPOINT_UNREADABLE
    return VerificationProblem(code, None, None, message % values, message_en % values)


def _not_configured_note() -> VerificationNote:
    return VerificationNote(
        error_codes.EXTERNAL_CHECKPOINT_NOT_CONFIGURED,
        _(
            "未配置外部检查点文件（CHENGXIN_AUDIT_CHECKPOINT_FILE）："
            "链尾的事件若连同其封存和检查点被删除，将无法发现。"
        ),
        "no external checkpoint file is configured (CHENGXIN_AUDIT_CHECKPOINT_FILE): "
        "events cut off the end with their seals and checkpoints would go unnoticed",
    )


def _malformed_note(record: ExternalRecord) -> VerificationNote:
    numbers = record.malformed_lines[:MALFORMED_LINES_SHOWN]
    more = "…" if len(record.malformed_lines) > MALFORMED_LINES_SHOWN else ""
    values = {"path": record.path, "lines": ", ".join(map(str, numbers)) + more}
    message = _("外部检查点文件 %(path)s 的第 %(lines)s 行无法解析，已跳过（写入时中断？）。")
    message_en = (
        "lines %(lines)s of %(path)s cannot be parsed and were skipped (an interrupted write?)"
    )
    code = error_codes.EXTERNAL_CHECKPOINT_LINE_MALFORMED
    return VerificationNote(code, message % values, message_en % values)


def _none_yet_note(path: Path) -> VerificationNote:
    message = _(
        "外部检查点文件 %(path)s 中尚无检查点（首次运行？）："
        "启动 chengxin worker 或运行 chengxin audit checkpoint。"
    )
    message_en = (
        "no external checkpoint in %(path)s yet (first run?): start chengxin worker or run "
        "chengxin audit checkpoint"
    )
    code = error_codes.EXTERNAL_CHECKPOINT_NONE_YET
    return VerificationNote(code, message % {"path": path}, message_en % {"path": path})


def _is_stale(newest: ExternalCheckpoint, now: datetime) -> bool:
    period = checkpoint_period()
    return period is not None and now - newest.created_at > STALE_AFTER_PERIODS * period


def _stale_note(
    record: ExternalRecord, newest: ExternalCheckpoint, *, end: int
) -> VerificationNote:
    values = {**_line_values(newest, record.path), "count": end - newest.seq}
    message = _(
        "序号 %(seq)s 之后的 %(count)s 条事件尚无外部检查点（最新一个为 %(time)s）："
        "请确认 chengxin worker 正在运行且能写入 %(path)s。"
    )
    message_en = (
        "%(count)s events after seq %(seq)s have no external checkpoint yet (the newest is of "
        "%(time)s): check that chengxin worker runs and can write %(path)s"
    )
    code = error_codes.EXTERNAL_CHECKPOINT_STALE
    return VerificationNote(code, message % values, message_en % values)


def _line_values(line: ExternalCheckpoint, path: Path | None) -> dict[str, object]:
    shown = timezone.localtime(line.created_at).isoformat(sep=" ", timespec="seconds")
    return {"path": path, "line": line.line_number, "seq": line.seq, "time": shown}
