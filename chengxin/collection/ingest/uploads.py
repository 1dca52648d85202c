"""Starting a file import (``chengxin.collection.ingest.imports`` runs it): an upload checked at once
and queued for the worker, a retry of a failed one, and a file on disk for ``chengxin import``.

A file whose header does not fit the item's schema, whose operation is unknown, that is too
large, or whose content was already imported for the same department and item, is refused
before anything is stored."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.permissions import can_submit_records
from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection import error_codes
from chengxin.collection.choices import Operation, SubmissionChannel, SubmissionStatus
from chengxin.collection.hooks import file_import_queued
from chengxin.collection.ingest.files import (
    FileError,
    Table,
    open_table,
    size_error,
    upload_max_bytes,
)
from chengxin.collection.ingest.imports import FILE_PURPOSE, UNFINISHED, import_max_bytes
from chengxin.collection.limits import FILE_NAME
from chengxin.collection.models import Submission, SubmissionFile
from chengxin.collection.selectors import submission_get_visible_to
from chengxin.collection.services import (
    SUBMISSION_OBJECT_TYPE,
    checked_request,
)
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import text_checked

DUPLICATE_OF = (SubmissionStatus.COMPLETED, SubmissionStatus.RECEIVED, SubmissionStatus.RUNNING)


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
