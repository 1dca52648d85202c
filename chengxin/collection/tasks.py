"""Background tasks of the collection app, run by ``chengxin worker``."""

from __future__ import annotations

from django_tasks import task

from chengxin.collection.imports import ImportBusy, file_import_run


@task()
def file_import_task(submission_id: int) -> str:
    """Import an uploaded file (idempotent: a finished import is left as it is, a started one
    goes on after its last committed chunk, one held by another process is left to it)."""
    try:
        submission = file_import_run(submission_id)
    except ImportBusy:
        return "busy"
    return submission.status
