"""Background tasks of the checks app, run by ``chengxin worker``."""

from __future__ import annotations

from django.dispatch import receiver
from django_tasks import task

from chengxin.measures.checks.batch import batch_run
from chengxin.measures.checks.hooks import batch_check_queued


@task()
def batch_check_task(batch_id: str) -> str:
    """Check a large batch (idempotent: a completed batch is left as it is)."""
    return batch_run(batch_id).status


@receiver(batch_check_queued, dispatch_uid="checks.batch_check_task")
def _enqueue(sender, *, batch_id: str, **kwargs) -> None:
    batch_check_task.enqueue(batch_id)
