"""Reads of a case that are audited: the case page, a file's download."""

from __future__ import annotations

from chengxin.core.audit import events as audit_events
from chengxin.dueprocess.attachments import case_attachment_read
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections.choices import OBJECTION_OBJECT_TYPE
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.services.common import (
    ATTACHMENT_OBJECT_TYPE,
    CASE_READ_PURPOSE,
)


def objection_case_read(*, actor, objection: Objection, request=None) -> None:
    """Record that ``actor`` opened the case (the person's grounds, files and record): a read
    of personal data. ``objection`` comes from a visibility selector."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=objection.subject_index,
        object_type=OBJECTION_OBJECT_TYPE,
        object_id=str(objection.pk),
        purpose=CASE_READ_PURPOSE,
        detail={"record_id": objection.record_id, "status": objection.status},
        request=request,
    )


def objection_attachment_open(
    *, actor, objection: Objection, attachment: Attachment, request=None
) -> bytes:
    """The bytes of one file of the case, for a viewer the selectors let see it; every download
    is an audited read of the person's data."""
    return case_attachment_read(
        actor=actor,
        attachment=attachment,
        subject_index=objection.subject_index,
        object_type=ATTACHMENT_OBJECT_TYPE,
        purpose=CASE_READ_PURPOSE,
        case_detail={"objection_id": objection.pk},
        request=request,
    )
