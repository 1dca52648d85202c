"""``chengxin audit verify`` and ``chengxin audit checkpoint``: the audit log's operator commands.

``seal`` seals the queued events (``--loop``: every second, as the worker's sealer does).
``verify`` seals pending events, then checks every content hash, the whole chain, every
checkpoint and the external checkpoint file; it prints what it checked and exits 0 when the log is
intact, or names the first bad event and exits non-zero; ``--since-checkpoint`` verifies from the
newest checkpoint on. What it could not check is printed as a
warning on stderr. ``checkpoint`` signs a checkpoint at the current end of the chain and appends
it to the external file; ``checkpoint --after-restore`` acknowledges a restore from a backup older
than that file (docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chengxin.core.audit.checkpoints import (
    CheckpointOutcome,
    RestoreNotAcknowledged,
    audit_checkpoint_after_restore,
    audit_checkpoint_make,
)
from chengxin.core.audit.external import ExternalCheckpointError
from chengxin.core.audit.sealing import SealerClock, audit_seal_pending
from chengxin.core.audit.verification import (
    VERIFY_CHUNK_SIZE,
    VerificationResult,
    audit_log_verify,
)


class Command(BaseCommand):
    help = (
        "审计日志：校验哈希链（verify）或签署检查点（checkpoint）。Audit log: verify or checkpoint."
    )

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser("verify", help="校验整个审计日志。Verify the whole log.")
        verify.add_argument(
            "--chunk-size",
            type=int,
            default=VERIFY_CHUNK_SIZE,
            help="每批读取的封存条数。Seals read per batch.",
        )
        verify.add_argument(
            "--checkpoint-file",
            type=Path,
            default=None,
            help=(
                "用此外部检查点文件（如从日志收集服务器取回的副本）校验。"
                "Verify against this external checkpoint file (a copy from a log collector, say)."
            ),
        )
        verify.add_argument(
            "--since-checkpoint",
            action="store_true",
            help=(
                "只校验最新检查点之后的部分（增量校验）。"
                "Verify from the newest checkpoint on (incremental)."
            ),
        )
        seal = subcommands.add_parser("seal", help="封存待封存的事件。Seal the queued events.")
        seal.add_argument(
            "--loop",
            action="store_true",
            help="每秒封存一次，直到中断。Seal every second until interrupted.",
        )
        checkpoint = subcommands.add_parser("checkpoint", help="签署检查点。Sign a checkpoint now.")
        checkpoint.add_argument(
            "--after-restore",
            action="store_true",
            help=(
                "确认数据库已从早于外部检查点文件的备份恢复。"
                "Acknowledge a restore from a backup older than the external checkpoint file."
            ),
        )

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            self._verify(
                chunk_size=options["chunk_size"],
                path=options["checkpoint_file"],
                since_checkpoint=options["since_checkpoint"],
            )
        elif options["subcommand"] == "seal":
            self._seal(loop=options["loop"])
        elif options["after_restore"]:
            self._acknowledge_restore()
        else:
            self._checkpoint()

    def _seal(self, *, loop: bool) -> None:
        if loop:
            self.stdout.write("审计封存进程已启动。Audit sealer running (Ctrl-C stops it).")
            try:
                SealerClock().run_forever()
            except KeyboardInterrupt:
                audit_seal_pending()
            return
        count = audit_seal_pending()
        self.stdout.write(f"已封存 {count} 条事件。Sealed {count} events.")

    def _verify(self, *, chunk_size: int, path: Path | None, since_checkpoint: bool) -> None:
        result = audit_log_verify(
            chunk_size=chunk_size, checkpoint_file=path, since_checkpoint=since_checkpoint
        )
        for note in result.notes:
            self.stderr.write(
                self.style.WARNING(
                    f"警告：{note.message}\nWARNING: {note.message_en} [{note.code}]"
                )
            )
        if result.problem is not None:
            problem = result.problem
            raise CommandError(
                f"审计日志校验失败：{problem.message}\nFAILED: {problem.message_en} [{problem.code}]"
            )
        count = result.events_checked
        self.stdout.write(
            self.style.SUCCESS(
                f"审计日志完整：共 {count} 条事件，{result.checkpoints_checked} 个检查点，"
                f"哈希链未被篡改。\nOK: {count} events, chain intact"
            )
        )
        if result.external_checked:
            self.stdout.write(_external_summary(result))

    def _checkpoint(self) -> None:
        try:
            outcome = audit_checkpoint_make()
        except ExternalCheckpointError as error:
            raise CommandError(_write_failure(error)) from error
        if outcome.checkpoint is None:
            self.stdout.write("审计日志为空，无需检查点。The audit log is empty: no checkpoint.")
            return
        checkpoint = outcome.checkpoint
        self.stdout.write(
            self.style.SUCCESS(
                f"已在序号 {checkpoint.seq} 处签署检查点（密钥 {checkpoint.key_id}）。"
                f"\nCheckpoint at seq {checkpoint.seq} (key {checkpoint.key_id})."
            )
        )
        self._report_external(outcome)

    def _acknowledge_restore(self) -> None:
        try:
            outcome = audit_checkpoint_after_restore()
        except RestoreNotAcknowledged as refusal:
            raise CommandError(_refusal(refusal)) from refusal
        except ExternalCheckpointError as error:
            raise CommandError(_write_failure(error)) from error
        line = outcome.external_line
        self.stdout.write(
            self.style.SUCCESS(
                f"已确认从备份恢复：审计链止于序号 {line.restored_seq}，此前外部检查点中更后的部分"
                f"作废；已在序号 {line.seq} 处写入恢复记录（{outcome.path}）。"
                f"\nRestore acknowledged: the chain ends at seq {line.restored_seq}; later external "
                f"checkpoints no longer bind. Restore line at seq {line.seq} in {outcome.path}."
            )
        )

    def _report_external(self, outcome: CheckpointOutcome) -> None:
        if outcome.path is None:
            self.stderr.write(
                self.style.WARNING(
                    "警告：未配置外部检查点文件（CHENGXIN_AUDIT_CHECKPOINT_FILE），检查点只在数据库中。"
                    "\nWARNING: no external checkpoint file is configured; the checkpoint is kept "
                    "in the database only."
                )
            )
        elif outcome.external_line is not None:
            self.stdout.write(
                f"已写入外部检查点文件 {outcome.path}。\nWritten to the external checkpoint file "
                f"{outcome.path}."
            )
        else:
            self.stdout.write(
                f"外部检查点文件 {outcome.path} 已包含此检查点。\nThe external checkpoint file "
                f"{outcome.path} already covers it."
            )


def _external_summary(result: VerificationResult) -> str:
    superseded, path = result.external_superseded, result.external_path
    matching = result.external_checked - superseded
    summary = (
        f"外部检查点：{matching} 个，与审计链相符（{path}）。"
        f"\nExternal checkpoints: {matching}, matching the chain ({path})."
    )
    if superseded:
        summary += (
            f"\n另有 {superseded} 个外部检查点已因从备份恢复而作废。"
            f"\n{superseded} more were superseded by a restore from a backup."
        )
    return summary


def _write_failure(error: ExternalCheckpointError) -> str:
    return (
        f"无法写入外部检查点文件 {error.path}：{error.reason}。检查点已保存在数据库中。"
        f"\nFAILED: cannot write the external checkpoint file {error.path}: {error.reason}. "
        "The checkpoint is kept in the database."
    )


def _refusal(refusal: RestoreNotAcknowledged) -> str:
    problem = refusal.problem
    if problem is None:
        return (
            "无需确认恢复：审计链覆盖所有外部检查点（或未配置外部检查点文件）。"
            "\nNothing to acknowledge: the chain covers every external checkpoint (or no "
            "external checkpoint file is configured)."
        )
    return (
        f"审计日志另有问题，不能作为恢复备份确认：{problem.message}"
        f"\nREFUSED: not a restore to acknowledge: {problem.message_en} [{problem.code}]"
    )
