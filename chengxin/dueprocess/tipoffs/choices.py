"""Vocabulary of tip-offs (举报, SPEC §8; docs/dueprocess.md, "Tip-offs").

The state machine: ``TipOffStatus`` and, in ``TRANSITIONS``, from which states each service moves a
tip-off. Every service checks its source states against this table under the row lock.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

TIPOFF_OBJECT_TYPE = "tipoffs.tipoff"
ATTACHMENT_CASE_TYPE = "tipoffs.tipoff"
ATTACHMENT_OBJECT_TYPE = "tipoffs.attachment"


class TipOffStatus(models.TextChoices):
    """Where a tip-off stands."""

    FILED = "filed", _("待分办")
    ROUTED = "routed", _("已转办")
    NOT_ADMISSIBLE = "not_admissible", _("不予受理")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


# Waiting for someone on the platform: the credit office (filed, answered) or the department.
OPEN_STATUSES = (TipOffStatus.FILED, TipOffStatus.ROUTED, TipOffStatus.ANSWERED)
# The reporter may read an outcome in these.
OUTCOME_STATUSES = (TipOffStatus.NOT_ADMISSIBLE, TipOffStatus.ANSWERED, TipOffStatus.CLOSED)


class Transition(models.TextChoices):
    """The services that change a tip-off, named as in the audit events' detail."""

    FILE = "file", _("提交举报")
    ROUTE = "route", _("转交主管部门")
    REFUSE = "refuse", _("不予受理")
    ANSWER = "answer", _("答复办理结果")
    CLOSE = "close", _("办结")


TRANSITIONS: dict[str, tuple[str, ...]] = {
    Transition.ROUTE: (TipOffStatus.FILED,),
    Transition.REFUSE: (TipOffStatus.FILED,),
    Transition.ANSWER: (TipOffStatus.ROUTED,),
    Transition.CLOSE: (TipOffStatus.ANSWERED,),
}


class TipOffCategory(models.TextChoices):
    """What the tip-off reports."""

    DISHONEST_CONDUCT = "dishonest_conduct", _("失信行为")
    FALSE_RECORD = "false_record", _("信用记录虚假或错误")
    MISUSE = "misuse", _("违规使用个人信用信息")
    OTHER = "other", _("其他")


class RefusalReason(models.TextChoices):
    """Why a tip-off is not admissible (不予受理)."""

    NO_FACTS = "no_facts", _("举报内容不具体，无法核查")
    NOT_CREDIT_MATTER = "not_credit_matter", _("不属于信用管理事项")
    DUPLICATE = "duplicate", _("重复举报，已在办理或已办结")
    OTHER = "other", _("其他理由")


class AnswerOutcome(models.TextChoices):
    """What the competent department found."""

    SUBSTANTIATED = "substantiated", _("举报属实，已依法处理")
    PARTLY = "partly", _("举报部分属实，已依法处理")
    NOT_SUBSTANTIATED = "not_substantiated", _("经核查，举报不属实")


class DeadlineOwner(models.TextChoices):
    """Who must act before an open tip-off's deadline."""

    CREDIT_OFFICE = "credit_office", _("信用办")
    DEPARTMENT = "department", _("主管部门")
