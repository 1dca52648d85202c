"""Reading the audit log. Only the auditor role may read it (SPEC §1: the platform admin may not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from chengxin.core.audit.models import AuditEvent, AuditPending
from chengxin.core.roles import Role


@dataclass(frozen=True)
class AuditEventFilters:
    """What the auditor narrows the log down to; empty values do not filter.

    Dates are calendar days in the platform's time zone (Asia/Shanghai), both ends included.
    """

    action: str = ""
    actor_username: str = ""
    actor_department: str = ""
    object_type: str = ""
    object_id: str = ""
    subject_index: str = ""
    created_from: date | None = None
    created_to: date | None = None


def can_read_audit_log(user) -> bool:
    """Whether ``user`` may read the audit log: an active account with the auditor role."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) == Role.AUDITOR
    )


def audit_event_list_visible_to(*, user, filters: AuditEventFilters) -> QuerySet[AuditEvent]:
    """The events ``user`` may see that match ``filters``, newest first, with their seals.

    Empty for anyone but an auditor.
    """
    if not can_read_audit_log(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("seal").order_by("-id")
    exact = {
        "action": filters.action,
        "actor_username": filters.actor_username,
        "actor_department": filters.actor_department,
        "object_type": filters.object_type,
        "object_id": filters.object_id,
        "subject_index": filters.subject_index,
    }
    events = events.filter(**{field: value for field, value in exact.items() if value})
    if filters.created_from is not None:
        events = events.filter(created_at__gte=_start_of_day(filters.created_from))
    if filters.created_to is not None:
        events = events.filter(created_at__lt=_start_of_day(filters.created_to + timedelta(days=1)))
    return events


def audit_seal_backlog() -> tuple[int, datetime | None]:
    """How many committed events wait for their seal, and when the oldest of them was written."""
    count = AuditPending.objects.count()
    oldest = (
        AuditEvent.objects.filter(pending__isnull=False).order_by("id").values("created_at").first()
    )
    return count, (oldest["created_at"] if oldest else None)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
