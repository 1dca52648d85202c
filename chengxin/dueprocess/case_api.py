"""What the API of each kind of case about a credit record (objections, repairs) shares: the
record as a case shows it, its files, the answers of the file download, and the attachment id of
a path."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from chengxin.collection.models import CreditRecord
from chengxin.dueprocess.models import Attachment

FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")


def attachment_id_parsed(text: str) -> uuid.UUID | None:
    """The attachment id of a path, or ``None`` (no file has it) when it is not a UUID."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def case_record_json(record: CreditRecord, *, department: str) -> dict[str, Any]:
    """The record a case is about, as the case's answer shows it."""
    return {
        "record_id": record.pk,
        "item_code": record.item.code,
        "item_name": record.item.name,
        "department": department,
        "status": record.status,
        "disputed": record.disputed,
        "current_version": record.current_version,
        "decided_on": record.decided_on,
    }


def case_attachments_json(
    attachments: list[Attachment], *, power_of_attorney_id
) -> list[dict[str, Any]]:
    """The files of a case, the power of attorney marked."""
    return [
        {
            "attachment_id": str(attachment.pk),
            "file_name": attachment.file_name,
            "kind": attachment.kind,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "power_of_attorney": attachment.pk == power_of_attorney_id,
        }
        for attachment in attachments
    ]


def attachment_download_answers(refusals: Mapping[int, str], *, not_found: str) -> dict[str, Any]:
    """The OpenAPI answers of a file download: the file, the case's ``refusals``, and
    ``not_found`` for a missing case or file."""
    return {
        "responses": {
            200: {
                "description": "The file as kept (images re-encoded): PDF, JPEG or PNG.",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in FILE_TYPES
                },
            },
            **{status: {"description": text} for status, text in refusals.items()},
            404: {"description": not_found},
        }
    }
