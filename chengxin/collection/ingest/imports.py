"""File imports: a department's CSV or XLSX through the same row pipeline as the API, in chunks.

Two ways in, one runner:

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

from chengxin.accounts.permissions import can_submit_records
from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection import error_codes
from chengxin.collection.choices import Operation, SubmissionChannel, SubmissionStatus
from chengxin.collection.hooks import file_import_queued
from chengxin.collection.ingest.batch import (
    Batch,
    apply_rows,
)
from chengxin.collection.ingest.files import (
    FileError,
    Table,
    open_table,
    size_error,
    upload_max_bytes,
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
from chengxin.collection.limits import FILE_NAME
from chengxin.collection.models import CreditRecord, RecordVersion, Submission, SubmissionFile
from chengxin.collection.selectors import submission_get_visible_to
from chengxin.collection.services import (
    SUBMISSION_OBJECT_TYPE,
    audit_submission,
    checked_request,
)
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.bulk import StatisticsKeeper
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import text_checked

FILE_PURPOSE = "collection.submission.file"
DEFAULT_CHUNK_ROWS = 5_000
DEFAULT_IMPORT_MAX_BYTES = 4 * 1024 * 1024 * 1024
UNFINISHED = (SubmissionStatus.RECEIVED, SubmissionStatus.RUNNING, SubmissionStatus.FAILED)
# Queued or being imported: what a progress page keeps following (a failed import waits for
# someone to resume it).
IN_PROGRESS = (SubmissionStatus.RECEIVED, SubmissionStatus.RUNNING)
DUPLICATE_OF = (SubmissionStatus.COMPLETED, SubmissionStatus.RECEIVED, SubmissionStatus.RUNNING)

Progress = Callable[[Submission], None]


class ImportBusy(DomainError):
    """Another process is running this import right now."""


def file_upload_create(
    *, actor, department, item_code: str, data: bytes, file_name: str, operation: str = "upsert"
) -> Submission:
    """Accept an uploaded file for the worker: the submission (status ``received``).

    Refused at once (422 ``file_refused``, nothing kept) when the file as a whole is unusable:
    too large, not CSV/XLSX, no header, a required column missing; 409 ``file_duplicate`` when
    the same content was already imported for the department and item; 422 when its name is
    longer than ``limits.FILE_NAME_MAX_LENGTH`` or holds an ID number (the name is stored, shown
    and audited).
    """
    item = checked_request(actor=actor, department=department, item_code=item_code)
    file_name = text_checked(file_name, FILE_NAME)
    _check_operation(operation)
    table = open_table(data, schema=_schema(item))
    _refuse_file_errors(table.file_errors)
    _refuse_duplicate(department=department, item=item, content_hash=table.content_hash)
    sealed = crypto.encrypt_bytes(data, purpose=FILE_PURPOSE)
    with transaction.atomic():
        submission = _submission_new(
            actor=actor,
            department=department,
            item=item,
            table=table,
            file_name=file_name,
            operation=operation,
            channel=SubmissionChannel.FILE,
        )
        SubmissionFile.objects.create(
            submission=submission,
            ciphertext=sealed.ciphertext,
            key_id=sealed.key_id,
            algorithm=sealed.algorithm,
        )
        transaction.on_commit(lambda: _enqueue(submission.pk))
    return submission


def file_import_retry(*, actor, submission_id: int) -> Submission:
    """Go on with an uploaded file whose import failed: the submission is ``received`` again and
    enqueued; the worker resumes after the last committed chunk (``position``), so the rows
    already written are not written twice. Only a provider of the submitting department may;
    another department's submission is not found (404); a submission that is not a failed upload
    with its file still stored is refused (409 ``import_not_retryable``). Audited."""
    visible = submission_get_visible_to(user=actor, submission_id=submission_id)
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("item", "department")
            .get(pk=visible.pk)
        )
        if not can_submit_records(actor, submission.department):
            raise PermissionDeniedError(
                code=error_codes.SUBMISSION_ROLE_REQUIRED,
                message=_("只有本部门的数据报送员可以继续处理报送文件。"),
                message_en="Only a data provider of the department may resume its file import.",
            )
        if not file_import_retryable(submission):
            raise DomainError(
                code=error_codes.IMPORT_NOT_RETRYABLE,
                message=_("只有处理中断的上传文件可以继续处理。"),
                message_en="Only an uploaded file whose import stopped can be resumed.",
                status=409,
            )
        submission.status = SubmissionStatus.RECEIVED
        submission.heartbeat_at = timezone.now()
        submission.save(update_fields=["status", "heartbeat_at"])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=SUBMISSION_OBJECT_TYPE,
            object_id=str(submission.pk),
            detail={"retry": True, "position": submission.position},
        )
        transaction.on_commit(lambda: _enqueue(submission.pk))
    return submission


def file_import_retryable(submission: Submission) -> bool:
    """Whether the submission is an uploaded file whose import failed and whose file is still
    stored (it is emptied only when an import finishes)."""
    return (
        submission.channel == SubmissionChannel.FILE
        and submission.status == SubmissionStatus.FAILED
        and SubmissionFile.objects.filter(submission=submission, purged_at__isnull=True).exists()
    )


def _enqueue(submission_id: int) -> None:
    file_import_queued.send(sender=Submission, submission_id=submission_id)


@dataclass(frozen=True)
class ImportStart:
    """What ``file_import_start`` found: the submission to run, and whether the file is a
    duplicate of a finished import (then ``submission`` is that earlier import)."""

    submission: Submission
    duplicate: bool = False
    resumed: bool = False


def file_import_start(
    *, actor, department, item_code: str, path: Path, operation: str = "upsert"
) -> ImportStart:
    """The submission for importing the file at ``path`` from the command line.

    An unfinished import of the same content (a run that was killed) is resumed; a finished one
    makes the file a duplicate. File errors do not raise here: the run records them. A file name
    that is too long or holds an ID number is refused as for an upload.
    """
    item = checked_request(actor=actor, department=department, item_code=item_code)
    file_name = text_checked(path.name, FILE_NAME)
    _check_operation(operation)
    table = open_table(path, schema=_schema(item), max_bytes=import_max_bytes())
    earlier = _same_content(department=department, item=item, content_hash=table.content_hash)
    unfinished = [sub for sub in earlier if sub.status in UNFINISHED]
    if unfinished:
        return ImportStart(submission=unfinished[0], resumed=True)
    done = [sub for sub in earlier if sub.status == SubmissionStatus.COMPLETED]
    if done:
        return ImportStart(submission=done[0], duplicate=True)
    submission = _submission_new(
        actor=actor,
        department=department,
        item=item,
        table=table,
        file_name=file_name,
        operation=operation,
        channel=SubmissionChannel.CLI,
    )
    return ImportStart(submission=submission)


def import_max_bytes() -> int:
    """The largest file ``chengxin import`` reads from the server's disk (streamed, so the limit
    is about time, not memory)."""
    return getattr(settings, "CHENGXIN_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)


def upload_refused_for_size(size: int | None) -> None:
    """Refuse an upload by its declared size before reading it into memory."""
    error = size_error(size or 0, max_bytes=upload_max_bytes())
    if error is not None:
        _refuse_file_errors([error])


def _check_operation(operation: str) -> None:
    if operation not in Operation.values:
        raise DomainError(
            code=error_codes.OPERATION_UNKNOWN,
            message=_("操作只能是 upsert（新增或更新）或 revoke（撤销）。"),
            message_en="The operation must be upsert or revoke.",
            status=422,
        )


def _schema(item) -> dict:
    return catalog_version_table_schema(catalog_item_current_version(item))


def _refuse_file_errors(errors: list[FileError]) -> None:
    if not errors:
        return
    raise DomainError(
        code=error_codes.FILE_REFUSED,
        message=_("文件无法导入：%(problems)s")
        % {"problems": "；".join(str(error.message) for error in errors)},
        message_en="The file cannot be imported: "
        + "; ".join(error.message_en for error in errors),
        status=422,
        details={"file_errors": [asdict(error) for error in errors]},
    )


def _same_content(*, department, item, content_hash: str) -> list[Submission]:
    return list(
        Submission.objects.filter(
            department=department, item=item, content_hash=content_hash
        ).order_by("-pk")
    )


def _refuse_duplicate(*, department, item, content_hash: str) -> None:
    for earlier in _same_content(department=department, item=item, content_hash=content_hash):
        if earlier.status in DUPLICATE_OF:
            raise DomainError(
                code=error_codes.FILE_DUPLICATE,
                message=_("该文件已于%(when)s导入过（报送批次 %(id)d），内容相同，不再重复导入。")
                % {"when": _local(earlier.created_at), "id": earlier.pk},
                message_en=f"This file was already imported (submission {earlier.pk}); "
                "the same content is not imported twice.",
                status=409,
                details={"submission_id": earlier.pk},
            )


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _submission_new(
    *, actor, department, item, table: Table, file_name: str, operation: str, channel: str
) -> Submission:
    return Submission.objects.create(
        department=department,
        item=item,
        operation=operation,
        channel=channel,
        status=SubmissionStatus.RECEIVED,
        created_by=actor,
        file_name=file_name,
        file_size=table.size,
        content_hash=table.content_hash,
        total_rows=table.estimated_rows(),
        request_hash=table.content_hash,
    )


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
    statistics = StatisticsKeeper([RecordVersion, CreditRecord, subjects])
    # Closed at once, also on an error, so that a helper process does not outlive the run.
    with closing(prepared):
        for chunk in prepared:
            written = submission.position
            submission = _apply_chunk(submission, chunk, context)
            statistics.written(submission.position - written)
            if progress is not None:
                progress(submission)
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
