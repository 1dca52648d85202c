"""File imports: a department's CSV or XLSX through the same row pipeline as the API, in chunks.

Two ways in (``uploads``), one runner (here):

- an upload (staff page, ``POST /submissions/upload``): ``file_upload_create`` checks the file's
  header at once, refuses a duplicate, keeps the file encrypted (``SubmissionFile``) and enqueues
  ``tasks.file_import_task``; the worker calls ``file_import_run``;
- ``chengxin import FILE``: ``file_import_start`` for the file on disk, then ``file_import_run``
  in the same process.

Crash safety: rows are applied in chunks, each in one transaction that also advances the
submission's ``position`` (the last row number committed) and its counters. A run killed at any
moment leaves the chunks before it committed and nothing of the chunk it was in; the next run
continues after ``position``. One process at a time runs a given import (``run_lock``). A file
is a duplicate when the same content was already imported for the same department and item.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection import error_codes
from chengxin.collection.choices import Operation, SubmissionChannel, SubmissionStatus
from chengxin.collection.ingest.batch import (
    Batch,
    apply_rows,
)
from chengxin.collection.ingest.files import (
    Table,
    open_table,
)
from chengxin.collection.ingest.preparation import (
    PreparationJob,
    PreparedChunk,
    background_min_rows,
    chunks,
    prepared_here,
    prepared_in_background,
)
from chengxin.collection.ingest.rows import RowValidator
from chengxin.collection.lifecycle import policy_periods
from chengxin.collection.models import CreditRecord, RecordVersion, Submission, SubmissionFile
from chengxin.collection.services import (
    audit_submission,
)
from chengxin.core import crypto
from chengxin.core.bulk import StatisticsKeeper
from chengxin.core.errors import DomainError

FILE_PURPOSE = "collection.submission.file"
DEFAULT_CHUNK_ROWS = 5_000
DEFAULT_IMPORT_MAX_BYTES = 4 * 1024 * 1024 * 1024
UNFINISHED = (SubmissionStatus.RECEIVED, SubmissionStatus.RUNNING, SubmissionStatus.FAILED)
# Queued or being imported: what a progress page keeps following (a failed import waits for
# someone to resume it).
IN_PROGRESS = (SubmissionStatus.RECEIVED, SubmissionStatus.RUNNING)


Progress = Callable[[Submission], None]


class ImportBusy(DomainError):
    """Another process is running this import right now."""


def import_max_bytes() -> int:
    """The largest file ``chengxin import`` reads from the server's disk (streamed, so the limit
    is about time, not memory)."""
    return getattr(settings, "CHENGXIN_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)


def file_import_run(
    submission_id: int,
    *,
    path: Path | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
    today: datetime.date | None = None,
    background: bool | None = None,
) -> Submission:
    """Import (or go on importing) the file of a submission; the finished submission.

    The file is ``path`` for a command-line import, else the stored upload. A finished import is
    answered as it is. Raises ``ImportBusy`` when another process holds the import.
    ``background``: whether a helper process reads and validates the chunks ahead
    (``preparation``); by default it does for an upsert of at least ``background_min_rows()``
    rows left.
    """
    with run_lock(submission_id):
        submission = Submission.objects.select_related("item", "department", "created_by").get(
            pk=submission_id
        )
        if submission.status not in UNFINISHED:
            return submission
        source = path if path is not None else _stored_bytes(submission)
        try:
            return _run(
                submission,
                source=source,
                chunk_rows=chunk_rows,
                progress=progress,
                today=today,
                background=background,
            )
        except ImportBusy:
            raise
        except Exception:
            Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.FAILED)
            raise


def _stored_bytes(submission: Submission) -> bytes:
    stored = SubmissionFile.objects.get(submission=submission, purged_at__isnull=True)
    sealed = crypto.Sealed(
        ciphertext=bytes(stored.ciphertext), key_id=stored.key_id, algorithm=stored.algorithm
    )
    return crypto.decrypt_bytes(sealed, purpose=FILE_PURPOSE)


def _run(
    submission: Submission,
    *,
    source: bytes | Path,
    chunk_rows: int,
    progress: Progress | None,
    today: datetime.date | None,
    background: bool | None,
) -> Submission:
    version = catalog_item_current_version(submission.item)
    schema = catalog_version_table_schema(version)
    max_bytes = import_max_bytes() if isinstance(source, Path) else None
    table = open_table(source, schema=schema, max_bytes=max_bytes)
    if table.content_hash != submission.content_hash:
        raise DomainError(
            code=error_codes.FILE_CHANGED,
            message=_("文件内容与开始导入时不同，不能继续导入；请作为新文件导入。"),
            message_en="The file differs from the one whose import was started; import it anew.",
            status=409,
        )
    now = timezone.now()
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.RUNNING,
        started_at=submission.started_at or now,
        heartbeat_at=now,
        file_warnings=[asdict(warning) for warning in table.file_warnings],
    )
    submission.refresh_from_db()
    today = today or timezone.localdate()
    context = _RunContext(
        version=version,
        periods=policy_periods(),
        today=today,
        validator=RowValidator(schema, today=today),
    )
    if background is None:
        background = _worth_a_helper(submission, table)
    if submission.operation == Operation.REVOKE:
        prepared = (
            PreparedChunk(raw=raw)
            for raw in chunks(table.rows(start_after=submission.position), chunk_rows)
        )
    elif background:
        job = PreparationJob(
            source=source,
            schema=schema,
            today=today,
            start_after=submission.position,
            chunk_rows=chunk_rows,
            max_bytes=max_bytes,
            language=translation.get_language(),
            blind_index_key=settings.CHENGXIN_BLIND_INDEX_KEY,
        )
        prepared = prepared_in_background(job, file_errors=table.file_errors)
    else:
        prepared = prepared_here(
            table.rows(start_after=submission.position),
            chunk_rows=chunk_rows,
            validator=context.validator,
        )
    subjects = CreditRecord._meta.get_field("subject").related_model
    statistics = StatisticsKeeper([RecordVersion, CreditRecord, subjects], background=True)
    # Closed at once, also on an error, so that a helper process does not outlive the run.
    with closing(prepared):
        try:
            for chunk in prepared:
                written = submission.position
                submission = _apply_chunk(submission, chunk, context)
                statistics.written(submission.position - written)
                if progress is not None:
                    progress(submission)
        except BaseException:
            statistics.close(quiet=True)
            raise
        statistics.close()
    return _finish(submission, table, context)


def _worth_a_helper(submission: Submission, table: Table) -> bool:
    """Whether enough rows are left that a helper process pays for its start (about a second)."""
    threshold = background_min_rows()
    if threshold <= 0 or submission.operation != Operation.UPSERT or table.file_errors:
        return False
    return (submission.total_rows or 0) - submission.position >= threshold


@dataclass(frozen=True)
class _RunContext:
    version: Any
    periods: dict[str, int]
    today: datetime.date
    validator: RowValidator
    # Computed record dates by decision date, shared by the file's chunks (same item, policy
    # values and day throughout the file).
    dates: dict = field(default_factory=dict)


def _apply_chunk(submission: Submission, chunk: PreparedChunk, context: _RunContext):
    """Apply one chunk and advance the submission, in one transaction."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.position != submission.position:
            raise _busy()
        batch = Batch(
            submission=locked,
            item=submission.item,
            version=context.version,
            actor=submission.created_by,
            now=timezone.now(),
            today=context.today,
            raw=chunk.raw,
            periods=context.periods,
            validator=context.validator,
            dates=context.dates,
        )
        apply_rows(batch, chunk.prepared)
        _advance(locked, batch, last_row=chunk.last_row)
    locked.item = submission.item
    locked.department = submission.department
    locked.created_by = submission.created_by
    return locked


def _advance(submission: Submission, batch: Batch, *, last_row: int) -> None:
    outcomes = Counter(submission.outcomes or {})
    outcomes.update(result.outcome for result in batch.results)
    submission.outcomes = dict(sorted(outcomes.items()))
    submission.received += len(batch.raw)
    submission.accepted += len(batch.results)
    submission.rejected += len(batch.bad)
    submission.unchanged = outcomes.get("unchanged", 0)
    submission.position = last_row
    submission.heartbeat_at = batch.now
    submission.save(
        update_fields=[
            "outcomes",
            "received",
            "accepted",
            "rejected",
            "unchanged",
            "position",
            "heartbeat_at",
        ]
    )


def _finish(submission: Submission, table: Table, context: _RunContext) -> Submission:
    """Record the file's errors (found while reading), the final status, the audit event, and
    forget the stored upload."""
    now = timezone.now()
    errors = [asdict(error) for error in table.file_errors]
    nothing_read = submission.received == 0
    with transaction.atomic():
        submission.file_errors = errors
        submission.status = (
            SubmissionStatus.REFUSED if errors and nothing_read else SubmissionStatus.COMPLETED
        )
        submission.finished_at = now
        submission.heartbeat_at = now
        submission.response = file_import_summary(submission)
        submission.save(
            update_fields=["file_errors", "status", "finished_at", "heartbeat_at", "response"]
        )
        SubmissionFile.objects.filter(submission=submission, purged_at__isnull=True).update(
            ciphertext=b"", purged_at=now
        )
        audit_submission(
            actor=submission.created_by,
            submission=submission,
            catalog_version=context.version.number,
            outcomes=submission.outcomes,
        )
    return submission


def file_import_summary(submission: Submission) -> dict[str, Any]:
    """Counts and progress of a file submission (its API answer and the staff page's)."""
    return {
        "submission_id": submission.pk,
        "status": submission.status,
        "file_name": submission.file_name,
        "received": submission.received,
        "accepted": submission.accepted,
        "rejected": submission.rejected,
        "unchanged": submission.unchanged,
        "outcomes": submission.outcomes or {},
        "position": submission.position,
        "total_rows": submission.total_rows,
        "file_errors": submission.file_errors or [],
        "file_warnings": submission.file_warnings or [],
    }


def file_import_progress(submission: Submission) -> int | None:
    """Percent done: 100 when finished, else rows received of the estimated rows (at most 99),
    or None when nothing can be said (no estimate)."""
    if submission.status in (SubmissionStatus.COMPLETED, SubmissionStatus.REFUSED):
        return 100
    if not submission.total_rows:
        return None
    return min(99, submission.received * 100 // submission.total_rows)


def file_imports_to_resume() -> list[int]:
    """Uploaded imports that are not finished and that no process holds: those to enqueue again
    when a worker starts (a killed worker leaves its import ``running``)."""
    candidates = Submission.objects.filter(
        channel=SubmissionChannel.FILE,
        status__in=(SubmissionStatus.RECEIVED, SubmissionStatus.RUNNING),
        stored_file__purged_at__isnull=True,
    ).values_list("pk", flat=True)
    free = []
    for submission_id in candidates:
        try:
            with run_lock(submission_id):
                free.append(submission_id)
        except ImportBusy:
            continue
    return free


@contextmanager
def run_lock(submission_id: int) -> Iterator[None]:
    """Hold the right to run one import: a PostgreSQL advisory lock (any host), or on SQLite
    (one host) an exclusive lock on a file. Both are released by the system when the process
    dies, so a killed run never blocks the next one."""
    if connection.vendor == "postgresql":
        with _advisory_lock(submission_id):
            yield
        return
    with _file_lock(submission_id):
        yield


_LOCK_NAMESPACE = int.from_bytes(hashlib.sha256(b"chengxin.import").digest()[:3], "big")


@contextmanager
def _advisory_lock(submission_id: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, submission_id])
        (acquired,) = cursor.fetchone()
    if not acquired:
        raise _busy()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, submission_id])


@contextmanager
def _file_lock(submission_id: int) -> Iterator[None]:
    directory = Path(settings.SQLITE_PATH).parent / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    if connection.is_in_memory_db():
        # An in-memory database lives in one process only: no other process can import into it,
        # so the lock is scoped to this process.
        database = f"memory:{os.getpid()}:{connection.settings_dict['NAME']}"
    else:
        database = str(Path(str(connection.settings_dict["NAME"])).resolve())
    tag = hashlib.sha256(database.encode()).hexdigest()[:12]
    with (directory / f"import-{tag}-{submission_id}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _busy() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _busy() -> ImportBusy:
    return ImportBusy(
        code=error_codes.SUBMISSION_IN_PROGRESS,
        message=_("该文件正由另一个进程导入，请稍后再查看进度。"),
        message_en="Another process is importing this file; check its progress later.",
        status=409,
    )
