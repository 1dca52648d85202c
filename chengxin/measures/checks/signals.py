"""Receivers of platform signals for the checks app."""

from __future__ import annotations


def resume_batch_checks(sender, **kwargs) -> int:
    """Enqueue again the batch checks that a killed worker left running."""
    from chengxin.measures.checks.choices import BatchStatus
    from chengxin.measures.checks.models import BatchCheck
    from chengxin.measures.checks.tasks import batch_check_task

    pending = list(
        BatchCheck.objects.filter(status=BatchStatus.RUNNING).values_list("pk", flat=True)
    )
    for batch_id in pending:
        batch_check_task.enqueue(str(batch_id))
    return len(pending)
