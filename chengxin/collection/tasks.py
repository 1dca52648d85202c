"""Background tasks of the collection app, run by ``chengxin worker``."""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django_tasks import task

from chengxin.collection.hooks import file_import_queued
from chengxin.collection.ingest.imports import ImportBusy, file_import_run

logger = logging.getLogger(__name__)


class ImportStopped(Exception):
    """A file import stopped on an unexpected error. Only the error's kind is kept: its text and
    trace may quote values of the file (ID numbers), which must not reach logs or task results.
    The submission is marked failed; a provider of its department resumes it after its last
    committed chunk (``uploads.file_import_retry``: the staff page's button or
    ``POST /api/v1/submissions/{id}/retry``), and a maintainer can see the trace by importing
    the same file with ``chengxin import --traceback``."""


@task()
def file_import_task(submission_id: int) -> str:
    """Import an uploaded file (idempotent: a finished import is left as it is, a started one
    goes on after its last committed chunk, one held by another process is left to it)."""
    try:
        submission = file_import_run(submission_id)
    except ImportBusy:
        return "busy"
    except Exception as error:  # noqa: BLE001 - any failure: kept without its text (see above)
        kind = type(error).__name__
        logger.error(
            "File import of submission %s stopped on an unexpected %s.", submission_id, kind
        )
        raise ImportStopped(f"submission {submission_id}: {kind}") from None
    return submission.status


@receiver(file_import_queued, dispatch_uid="collection.file_import_task")
def _enqueue(sender, *, submission_id: int, **kwargs) -> None:
    file_import_task.enqueue(submission_id)
