"""Background tasks of the checks app, run by ``chengxin worker``."""

from __future__ import annotations

from django_tasks import task

from chengxin.measures.checks.batch import batch_run


@task()
def batch_check_task(batch_id: str) -> str:
    """Check a large batch (idempotent: a completed batch is left as it is)."""
    return batch_run(batch_id).status
