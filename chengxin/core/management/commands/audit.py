"""``chengxin audit verify`` and ``chengxin audit checkpoint``: the audit log's operator commands.

``verify`` seals pending events, then checks every content hash, the whole chain and every
checkpoint; it prints one line and exits 0 when the log is intact, or names the first bad event
and exits non-zero. ``checkpoint`` signs a checkpoint at the current end of the chain.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chengxin.core.audit.sealing import audit_checkpoint_create
from chengxin.core.audit.verification import VERIFY_CHUNK_SIZE, audit_log_verify


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
        subcommands.add_parser("checkpoint", help="签署检查点。Sign a checkpoint now.")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            self._verify(chunk_size=options["chunk_size"])
        else:
            self._checkpoint()

    def _verify(self, *, chunk_size: int) -> None:
        result = audit_log_verify(chunk_size=chunk_size)
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

    def _checkpoint(self) -> None:
        checkpoint = audit_checkpoint_create()
        if checkpoint is None:
            self.stdout.write("审计日志为空，无需检查点。The audit log is empty: no checkpoint.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已在序号 {checkpoint.seq} 处签署检查点（密钥 {checkpoint.key_id}）。"
                f"\nCheckpoint at seq {checkpoint.seq} (key {checkpoint.key_id})."
            )
        )
