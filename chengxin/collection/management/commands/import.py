"""``chengxin import FILE --item CODE --department CODE [--strict]``: import a department's file.

The file goes through the same pipeline as an upload, in chunks; a progress bar shows the rows
done, and a summary follows. Killed or interrupted, the same command goes on where it stopped.

Exit status: 0 when the file was processed (also when it was a duplicate of an earlier import),
1 with ``--strict`` when a row was rejected, 2 when the file could not be imported at all (its
errors are printed), 3 when another process is importing it, 4 for a refused request (unknown
item or department, an item the department does not provide), 5 when the helper process that
reads the file died, 6 when the import stopped on an unexpected error (the database went away, a
fault of the platform). For 5 and 6 the rows committed so far are kept and the same command goes
on from there; the message names the kind of error only, since an error's text or trace may quote
the file's values (``--traceback`` shows the trace to whoever needs it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chengxin.accounts.models import Department, User
from chengxin.accounts.services import service_account_get_or_create
from chengxin.collection.choices import Operation, SubmissionStatus
from chengxin.collection.ingest.imports import DEFAULT_CHUNK_ROWS, ImportBusy, file_import_run
from chengxin.collection.ingest.preparation import PreparationFailed
from chengxin.collection.ingest.uploads import file_import_start
from chengxin.core.errors import DomainError

EXIT_REJECTED_ROWS = 1
EXIT_FILE_REFUSED = 2
EXIT_BUSY = 3
EXIT_REFUSED = 4
EXIT_INTERRUPTED = 5
EXIT_FAILED = 6
RESUME_HINT = (
    "已提交的部分已保存，重新运行同一命令即从中断处继续。",
    "What was committed is kept; run the same command again to go on from there.",
)


class Command(BaseCommand):
    help = "导入部门报送文件（CSV 或 XLSX）。Import a department's CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--item", required=True, help="catalog item code")
        parser.add_argument("--department", required=True, help="providing department code")
        parser.add_argument("--operation", default=Operation.UPSERT, choices=Operation.values)
        parser.add_argument("--strict", action="store_true", help="exit 1 if any row is rejected")
        parser.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS)
        parser.add_argument(
            "--user",
            default="",
            help="provider account to record (default: the department's import account)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。File not found: {path}")
        department = self._department(options["department"])
        actor = self._actor(options["user"], department)
        started = time.monotonic()
        try:
            start = file_import_start(
                actor=actor,
                department=department,
                item_code=options["item"],
                path=path,
                operation=options["operation"],
            )
        except DomainError as error:
            self._refused(error, EXIT_REFUSED)
        if start.duplicate:
            earlier = start.submission
            self.stdout.write(
                f"重复文件：内容与报送批次 {earlier.pk} 相同，已导入过，本次不再导入。"
                f"\nDuplicate: the same content was imported as submission {earlier.pk}; nothing done."
            )
            return
        if start.resumed:
            self.stdout.write(
                f"继续导入报送批次 {start.submission.pk}（已处理至第 {start.submission.position} 行）。"
                f"\nResuming submission {start.submission.pk} after row {start.submission.position}."
            )
        submission = self._run(start.submission, path=path, options=options)
        self._summary(submission, seconds=time.monotonic() - started)
        if submission.status == SubmissionStatus.REFUSED:
            sys.exit(EXIT_FILE_REFUSED)
        if options["strict"] and submission.rejected:
            sys.exit(EXIT_REJECTED_ROWS)

    def _department(self, code: str) -> Department:
        department = Department.objects.filter(code=code).first()
        if department is None:
            self.stderr.write(f"未知的部门代码 {code}。Unknown department code {code}.")
            sys.exit(EXIT_REFUSED)
        return department

    def _actor(self, username: str, department: Department) -> User:
        if not username:
            return service_account_get_or_create(
                department=department, kind="import", display_name=f"{department.name}文件导入"
            )
        user = User.objects.filter(username=username).first()
        if user is None:
            self.stderr.write(f"未知的用户 {username}。Unknown user {username}.")
            sys.exit(EXIT_REFUSED)
        return user

    def _run(self, submission, *, path: Path, options):
        console = Console(file=sys.stderr)
        show = not options["no_progress"] and console.is_terminal
        columns = (
            TextColumn("[bold]导入 importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, disable=not show) as bar:
            task = bar.add_task(
                "import", total=submission.total_rows, completed=submission.received
            )

            def progress(current) -> None:
                bar.update(task, completed=current.received)

            try:
                return file_import_run(
                    submission.pk, path=path, chunk_rows=options["chunk_rows"], progress=progress
                )
            except ImportBusy as error:
                self._refused(error, EXIT_BUSY)
            except DomainError as error:
                self._refused(error, EXIT_FILE_REFUSED)
            except PreparationFailed:
                # The trace may quote the file's values: it is not printed.
                self._stopped(
                    "导入中断：读取和校验文件的辅助进程意外退出。",
                    "The import stopped: the process that reads and checks the file ended "
                    "unexpectedly.",
                    EXIT_INTERRUPTED,
                )
            except Exception as error:
                if options.get("traceback"):
                    raise
                self._stopped(*_unexpected(error), EXIT_FAILED)

    def _stopped(self, message: str, message_en: str, status: int):
        self.stderr.write(f"{message}{RESUME_HINT[0]}\n{message_en} {RESUME_HINT[1]}")
        sys.exit(status)

    def _summary(self, submission, *, seconds: float) -> None:
        rate = submission.received / seconds if seconds > 0 else 0.0
        lines = [
            f"报送批次 submission     {submission.pk}",
            f"状态 status             {submission.get_status_display()} ({submission.status})",
            f"接收 received           {submission.received}",
            f"接受 accepted           {submission.accepted}",
            f"拒收 rejected           {submission.rejected}",
            f"重复（未变化）duplicates {submission.unchanged}",
            f"用时 time               {seconds:.1f} s",
            f"速度 rows per second    {rate:,.0f}",
        ]
        outcomes = submission.outcomes or {}
        if outcomes:
            detail = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
            lines.append(f"结果 outcomes           {detail}")
        for error in submission.file_errors or []:
            lines.append(f"文件错误 file error     {error['message']} ({error['code']})")
        for warning in submission.file_warnings or []:
            lines.append(f"提示 warning            {warning['message']} ({warning['code']})")
        if submission.rejected:
            lines.append(
                f"拒收行及错误：GET /api/v1/submissions/{submission.pk}/errors?format=xlsx"
            )
        self.stdout.write("\n".join(lines))

    def _refused(self, error: DomainError, status: int):
        self.stderr.write(f"{error.message}\n{error.message_en} ({error.code})")
        for problem in (error.details or {}).get("file_errors", []):
            self.stderr.write(f"  - {problem['message']} ({problem['code']})")
        sys.exit(status)


def _unexpected(error: Exception) -> tuple[str, str]:
    """What to say of an error nobody planned for: its kind only (its text may quote values)."""
    kind = type(error).__name__
    if isinstance(error, DatabaseError):
        return (
            f"导入中断：数据库出错（{kind}），可能是连接中断或数据库不可用。",
            f"The import stopped: a database error ({kind}), such as a lost connection or an "
            "unavailable database.",
        )
    return (
        f"导入意外中止（{kind}），请将此情况告知平台维护人员。",
        f"The import stopped on an unexpected error ({kind}); please tell the platform's "
        "maintainers.",
    )
