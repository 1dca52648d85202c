"""Writes of credit repair: one service per transition of the state machine (``choices``;
docs/dueprocess.md, "Credit repair").

Each service takes keyword arguments with an explicit ``actor`` (``None`` for the daily job)
and ``now`` (an aware datetime; the day, in Asia/Shanghai, is taken from it), runs in one
transaction, locks the application's row (and the record's, where the record changes), checks
the source state (409 otherwise), writes the change and exactly one audit event of the
application, and sends its notices. A refusal writes nothing.

Who may do what: the person (a confirmed citizen account bound to the record's person) applies
online; the credit office's reviewer applies for the person at the service counter, with a
power of attorney; the providers of the record's department (谁认定、谁修复) decide. Approval
marks the record ``repaired`` through ``collection.services.record_repair`` (its new version,
its audit event and its outbox event, in the same transaction).
"""

from __future__ import annotations

from chengxin.dueprocess.repairs.services.daily import repair_mark_overdue, repair_remind
from chengxin.dueprocess.repairs.services.department import repair_decide
from chengxin.dueprocess.repairs.services.filing import (
    repair_apply_by_person,
    repair_apply_on_behalf,
)
from chengxin.dueprocess.repairs.services.reads import repair_attachment_open, repair_case_read

__all__ = [
    "repair_apply_by_person",
    "repair_apply_on_behalf",
    "repair_attachment_open",
    "repair_case_read",
    "repair_decide",
    "repair_mark_overdue",
    "repair_remind",
]
