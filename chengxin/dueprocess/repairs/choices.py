"""Vocabulary of credit repair (信用修复, SPEC §8; docs/dueprocess.md, "Credit repair").

The state machine: ``RepairStatus`` and, in ``TRANSITIONS``, which service moves an application
from which states. An application is made (``apply``: it starts ``applied``) and decided once by
the record's deciding department (``decide``: to ``approved`` or ``rejected``); the daily job
marks an undecided one overdue and reminds the department before its deadline. Every service
checks its source states against this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

REPAIR_OBJECT_TYPE = "repairs.repair"
ATTACHMENT_CASE_TYPE = "repairs.repair"


class RepairStatus(models.TextChoices):
    """Where a repair application stands."""

    APPLIED = "applied", _("待决定")
    APPROVED = "approved", _("准予修复")
    REJECTED = "rejected", _("不予修复")


OPEN_STATUSES = (RepairStatus.APPLIED,)


class Transition(models.TextChoices):
    """The services that change a repair application, named as in the audit events' detail."""

    APPLY = "apply", _("申请信用修复")
    DECIDE = "decide", _("作出修复决定")
    MARK_OVERDUE = "mark_overdue", _("标记超期")
    REMIND = "remind", _("到期提醒")


# Source states of each transition (``apply`` creates the application, so it has none).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Transition.DECIDE: OPEN_STATUSES,
    Transition.MARK_OVERDUE: OPEN_STATUSES,
    Transition.REMIND: OPEN_STATUSES,
}


class RepairChannel(models.TextChoices):
    """Who applied: the person online, or the credit office's reviewer at the service counter
    for the person, with a power of attorney."""

    ONLINE = "online", _("本人网上申请")
    COUNTER = "counter", _("窗口代为申请")


class RepairOutcome(models.TextChoices):
    """The deciding department's decision."""

    APPROVED = "approved", _("准予修复")
    REJECTED = "rejected", _("不予修复")
