"""Writes of objections: one service per transition of the state machine (``choices``,
docs/dueprocess.md, "Objections").

Each service takes keyword arguments with an explicit ``actor`` (``None`` for the daily job)
and ``now`` (an aware datetime; the day, in Asia/Shanghai, is taken from it), runs in one
transaction, locks the objection's row (``select_for_update``), checks that the objection is in
one of the transition's source states (409 otherwise), writes the change and exactly one audit
event, and sends its notices. Where the record's ``disputed`` flag changes (filing, a review
request: set; a decision, a refusal, a withdrawal, a confirmed review: cleared) the record is
locked too and its outbox event written in the same transaction; corrections and revocations
go through the collection service (``corrections``).

Who may do what: the person (a confirmed citizen account bound to the record's person) files,
withdraws, attaches a statement and asks for a review; the credit office's reviewer files for
the person at the service counter, with a power of attorney, and decides reviews; the
providers of the record's department accept, refuse, extend and decide.
"""

from __future__ import annotations

from chengxin.dueprocess.objections.services.daily import (
    objection_close,
    objection_mark_overdue,
    objection_remind,
)
from chengxin.dueprocess.objections.services.department import (
    objection_accept,
    objection_decide,
    objection_extend,
    objection_refuse,
)
from chengxin.dueprocess.objections.services.filing import (
    objection_file_by_person,
    objection_file_on_behalf,
)
from chengxin.dueprocess.objections.services.person import (
    objection_review_request,
    objection_statement_attach,
    objection_withdraw,
)
from chengxin.dueprocess.objections.services.reads import (
    objection_attachment_open,
    objection_case_read,
)
from chengxin.dueprocess.objections.services.review import objection_review_decide

__all__ = [
    "objection_accept",
    "objection_attachment_open",
    "objection_case_read",
    "objection_close",
    "objection_decide",
    "objection_extend",
    "objection_file_by_person",
    "objection_file_on_behalf",
    "objection_mark_overdue",
    "objection_refuse",
    "objection_remind",
    "objection_review_decide",
    "objection_review_request",
    "objection_statement_attach",
    "objection_withdraw",
]
