"""Audited reads of a repair application and its attachments."""

from __future__ import annotations

from chengxin.core.audit import events as audit_events
from chengxin.dueprocess.attachments import (
    case_attachment_read,
)
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.repairs.choices import (
    REPAIR_OBJECT_TYPE,
)
from chengxin.dueprocess.repairs.models import Repair

ATTACHMENT_OBJECT_TYPE = "repairs.attachment"
CASE_READ_PURPOSE = "信用修复办理"


def repair_case_read(*, actor, repair: Repair, request=None) -> None:
    """Record that ``actor`` opened the case (``repair`` from a visibility selector)."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=repair.subject_index,
        object_type=REPAIR_OBJECT_TYPE,
        object_id=str(repair.pk),
        purpose=CASE_READ_PURPOSE,
        detail={"record_id": repair.record_id, "status": repair.status},
        request=request,
    )


def repair_attachment_open(*, actor, repair: Repair, attachment: Attachment, request=None) -> bytes:
    """The bytes of one file of the case; every download is an audited read."""
    return case_attachment_read(
        actor=actor,
        attachment=attachment,
        subject_index=repair.subject_index,
        object_type=ATTACHMENT_OBJECT_TYPE,
        purpose=CASE_READ_PURPOSE,
        case_detail={"repair_id": repair.pk},
        request=request,
    )
