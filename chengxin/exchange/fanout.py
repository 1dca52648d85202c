"""Correction fan-out (SPEC §9; docs/exchange.md#correction-fan-out).

``correction_fanout`` reads the outbox past its cursor; for each event that corrects, revokes,
repairs, withdraws or expires a record it writes one ``CorrectionNotice`` per earlier recipient:
every export recipient an export of the record went to, every department whose officers
queried it within the policy's number of days (those get an in-platform notice as well), and
every credit agency whose answered query returned it within the same days. The
upstream hears of the change from the outbox event itself. The unique constraint makes a rerun
write nothing twice.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind, Role
from chengxin.accounts.models import User
from chengxin.accounts.notices import NoticeDraft, notices_send_many
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.selectors import policy_value
from chengxin.exchange import error_codes
from chengxin.exchange.choices import CORRECTION_EVENT_TYPES, NoticeRecipientKind
from chengxin.exchange.models import (
    CorrectionNotice,
    ExportedRecord,
    FanOutCursor,
    OutboxEvent,
)
from chengxin.exchange.models import Export as ExportModel


def earlier_recipients(event: OutboxEvent) -> set[tuple[str, str]]:
    """(kind, code) of everyone who received the event's record before the event."""
    recipients: set[tuple[str, str]] = set()
    export_ids = ExportedRecord.objects.filter(
        record_id=event.record_id, export__finished_at__lte=event.created_at
    ).values_list("export_id", flat=True)
    for code in ExportModel.objects.filter(pk__in=export_ids).values_list(
        "recipient__code", flat=True
    ):
        recipients.add((NoticeRecipientKind.EXPORT, code))
    from chengxin.inquiry.models import ProfileQuery

    since = event.created_at - datetime.timedelta(
        days=policy_value("exchange.correction_notice_query_days")
    )
    queries = ProfileQuery.objects.filter(
        subject_index=event.subject_index, created_at__gte=since, created_at__lte=event.created_at
    ).values_list("department__code", "record_ids")
    for department, record_ids in queries:
        if event.record_id in (record_ids or []):
            recipients.add((NoticeRecipientKind.DEPARTMENT, department))
    recipients |= _agencies_that_received(event, since=since)
    return recipients


def _agencies_that_received(event: OutboxEvent, *, since) -> set[tuple[str, str]]:
    """Credit agencies whose answered queries returned the record within the window, by the
    agency's USCC (docs/supervision.md, "Agency queries")."""
    from chengxin.supervision.models import AgencyQuery

    queries = AgencyQuery.objects.filter(
        subject_index=event.subject_index,
        answered=True,
        created_at__gte=since,
        created_at__lte=event.created_at,
    ).values_list("agency__uscc", "record_ids")
    return {
        (NoticeRecipientKind.AGENCY, uscc)
        for uscc, record_ids in queries
        if event.record_id in (record_ids or [])
    }


def correction_fanout(*, batch: int = 500) -> int:
    """Process the next ``batch`` outbox events past the cursor; the number of notices
    written. The cursor row is locked, so two workers never process the same events."""
    written = 0
    with transaction.atomic():
        cursor, _created = FanOutCursor.objects.select_for_update().get_or_create(pk=1)
        events = list(
            OutboxEvent.objects.filter(pk__gt=cursor.last_event_id).order_by("pk")[:batch]
        )
        for event in events:
            if event.event_type in CORRECTION_EVENT_TYPES:
                written += _notices_for(event)
        if events:
            cursor.last_event_id = events[-1].pk
            cursor.save(update_fields=["last_event_id"])
    return written


def _notices_for(event: OutboxEvent) -> int:
    already = set(
        CorrectionNotice.objects.filter(event=event).values_list("recipient_kind", "recipient_code")
    )
    recipients = sorted(earlier_recipients(event) - already)
    created = CorrectionNotice.objects.bulk_create(
        [
            CorrectionNotice(
                recipient_kind=kind, recipient_code=code, record_id=event.record_id, event=event
            )
            for kind, code in recipients
        ],
        ignore_conflicts=True,
    )
    departments = [code for kind, code in recipients if kind == NoticeRecipientKind.DEPARTMENT]
    if departments:
        officers = User.objects.filter(
            role=Role.OFFICER, department__code__in=departments, is_active=True
        )
        notices_send_many(
            kind=NoticeKind.RECORD,
            drafts=[
                NoticeDraft(
                    user=officer,
                    title=_("您部门查询过的信用记录已变更"),
                    body=_("记录 %(record)s 已%(change)s，请按最新状态使用。")
                    % {"record": event.record_id, "change": event.get_event_type_display()},
                )
                for officer in officers
            ],
        )
    return len(created)


def correction_notice_acknowledge(*, notice_id: int, actor=None, by: str = "") -> CorrectionNotice:
    """Record that the recipient acknowledged a notice (once; again is a 409)."""
    with transaction.atomic():
        notice = CorrectionNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise DomainError(
                code=error_codes.CORRECTION_NOTICE_NOT_FOUND,
                message=_("更正通知不存在。"),
                message_en="No such correction notice.",
                status=404,
            )
        if notice.acknowledged_at is not None:
            raise DomainError(
                code=error_codes.CORRECTION_NOTICE_ACKNOWLEDGED,
                message=_("该更正通知已确认。"),
                message_en="The correction notice is already acknowledged.",
                status=409,
            )
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = (by or getattr(actor, "username", "") or "")[:150]
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="correction_notice",
            object_id=str(notice.pk),
            detail={"acknowledged": True},
        )
    return notice


def correction_fanout_all() -> int:
    """``correction_fanout`` until the cursor reaches the end of the outbox."""
    total = 0
    while True:
        cursor = FanOutCursor.objects.filter(pk=1).values_list("last_event_id", flat=True).first()
        if not OutboxEvent.objects.filter(pk__gt=cursor or 0).exists():
            return total
        total += correction_fanout()
