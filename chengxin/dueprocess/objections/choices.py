"""Vocabulary of objections (异议, SPEC §8; docs/dueprocess.md, "Objections").

The state machine: ``ObjectionStatus`` and, in ``TRANSITIONS``, which service moves an objection
from which states to which. Every service checks its source states against this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

OBJECTION_OBJECT_TYPE = "objections.objection"
ATTACHMENT_CASE_TYPE = "objections.objection"


class ObjectionStatus(models.TextChoices):
    """Where an objection stands. The record is flagged ``disputed`` exactly while its
    objection is in one of ``OPEN_STATUSES``."""

    FILED = "filed", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    NOT_ADMISSIBLE = "not_admissible", _("不予受理")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")
    REVIEW_REQUESTED = "review_requested", _("复核中")
    OVERTURNED = "overturned", _("复核改正，待部门更正")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = (
    ObjectionStatus.FILED,
    ObjectionStatus.ACCEPTED,
    ObjectionStatus.REVIEW_REQUESTED,
    ObjectionStatus.OVERTURNED,
)
# Open and waiting for the providing department (the others wait for the credit office).
DEPARTMENT_STATUSES = (ObjectionStatus.FILED, ObjectionStatus.ACCEPTED, ObjectionStatus.OVERTURNED)
# A rejection that stands: the person may attach a statement to the record.
STATEMENT_STATUSES = (ObjectionStatus.REJECTED, ObjectionStatus.CLOSED)


class Transition(models.TextChoices):
    """The services that change an objection, named as in the audit events' detail."""

    FILE = "file", _("提出异议")
    ACCEPT = "accept", _("受理")
    REFUSE = "refuse", _("不予受理")
    EXTEND = "extend", _("延长处理期限")
    DECIDE = "decide", _("作出处理决定")
    WITHDRAW = "withdraw", _("撤回异议")
    ATTACH_STATEMENT = "attach_statement", _("附加异议声明")
    REQUEST_REVIEW = "request_review", _("申请复核")
    DECIDE_REVIEW = "decide_review", _("作出复核决定")
    CLOSE = "close", _("办结")
    MARK_OVERDUE = "mark_overdue", _("标记超期")
    REMIND = "remind", _("到期提醒")


# Source states of each transition (``file`` creates the objection, so it has none). The
# statuses a transition leads to are in the services (``decide`` to upheld or rejected,
# ``decide_review`` to closed or overturned).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Transition.ACCEPT: (ObjectionStatus.FILED,),
    Transition.REFUSE: (ObjectionStatus.FILED,),
    Transition.EXTEND: (ObjectionStatus.FILED, ObjectionStatus.ACCEPTED),
    Transition.DECIDE: (ObjectionStatus.ACCEPTED, ObjectionStatus.OVERTURNED),
    Transition.WITHDRAW: OPEN_STATUSES,
    Transition.ATTACH_STATEMENT: STATEMENT_STATUSES,
    Transition.REQUEST_REVIEW: (ObjectionStatus.REJECTED,),
    Transition.DECIDE_REVIEW: (ObjectionStatus.REVIEW_REQUESTED,),
    Transition.CLOSE: (ObjectionStatus.REJECTED,),
    Transition.MARK_OVERDUE: OPEN_STATUSES,
    Transition.REMIND: OPEN_STATUSES,
}


class ObjectionGrounds(models.TextChoices):
    """Why the person disputes the record (SPEC §8)."""

    WRONG = "wrong", _("记录内容有误")
    NOT_MINE = "not_mine", _("不是本人的记录")
    PAST_PERIOD = "past_period", _("超过期限仍在展示")
    CRITERIA_NOT_MET = "criteria_not_met", _("不符合列入条件")
    OTHER = "other", _("其他")


class FilingChannel(models.TextChoices):
    """Who filed the objection: the person online, or the credit office's reviewer at the
    service counter for the person, with a power of attorney."""

    ONLINE = "online", _("本人网上提交")
    COUNTER = "counter", _("窗口代为提交")


class DecisionOutcome(models.TextChoices):
    """The providing department's decision on an accepted objection."""

    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")


class Resolution(models.TextChoices):
    """What an upheld objection does to the record: a corrected version, or its revocation."""

    CORRECTED = "corrected", _("更正记录")
    REVOKED = "revoked", _("撤销记录")


class RefusalReason(models.TextChoices):
    """Why an objection is not admissible (不予受理)."""

    SAME_GROUNDS_DECIDED = "same_grounds_decided", _("同一理由已作出处理决定")
    UNRELATED = "unrelated", _("异议内容与该记录无关")
    OTHER = "other", _("其他理由")


class ReviewOutcome(models.TextChoices):
    """The credit office's decision on a review (复核) of a rejection."""

    CONFIRMED = "confirmed", _("维持原决定")
    OVERTURNED = "overturned", _("撤销原决定，由提供单位更正")


class DeadlineOwner(models.TextChoices):
    """Who must act before an open objection's deadline."""

    DEPARTMENT = "department", _("信息提供单位")
    CREDIT_OFFICE = "credit_office", _("信用办")
