"""Helpers of the objection service tests: objections brought to a state, and what a service
wrote (audit events, outbox events, rows)."""

from __future__ import annotations

from chengxin.core.audit.models import AuditEvent
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections.choices import OBJECTION_OBJECT_TYPE, DecisionOutcome
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.services import objection_accept, objection_decide
from chengxin.dueprocess.objections.tests.factories import filed
from chengxin.exchange.models import OutboxEvent

REASONS = "经核查，原处罚决定已于2026年4月被复议决定撤销。"


def audit_trail(objection: Objection) -> list[tuple[str, str, str]]:
    """(action, transition, actor) of every audit event of the objection, oldest first."""
    return [
        (event.action, event.detail["transition"], event.actor_username)
        for event in AuditEvent.objects.filter(
            object_type=OBJECTION_OBJECT_TYPE, object_id=str(objection.pk)
        ).order_by("pk")
    ]


def outbox(credit_record) -> list[tuple[str, bool]]:
    return list(
        OutboxEvent.objects.filter(record_id=credit_record.pk)
        .order_by("pk")
        .values_list("event_type", "payload__disputed")
    )


def nothing_written() -> tuple[int, int, int, int]:
    return (
        Objection.objects.count(),
        Attachment.objects.count(),
        OutboxEvent.objects.count(),
        AuditEvent.objects.filter(object_type=OBJECTION_OBJECT_TYPE).count(),
    )


def accepted(cast, penalty) -> Objection:
    objection = filed(cast.citizen, penalty)
    return objection_accept(actor=cast.provider, objection_id=objection.pk)


def rejected(cast, penalty) -> Objection:
    objection = accepted(cast, penalty)
    return objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.REJECTED,
        reasons="经核查，处罚决定合法有效，记录无误。",
    )
