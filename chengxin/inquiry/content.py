"""The content of a credit report as issued: a JSON document without unmasked personal data.

The content is built once, when the report is issued, and never rebuilt: its SHA-256 over the
canonical JSON (``content_hash``) is what the public verification shows.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from chengxin.catalog.choices import Category, Severity
from chengxin.core.json import canonical
from chengxin.inquiry.models import QueryPurpose
from chengxin.inquiry.selectors import (
    CATEGORY_ORDER,
    QueryHistoryEntry,
    RecordView,
    category_counts,
)

# 2: records carry the person's statement, and ``statements`` lists them (was always empty).
CONTENT_VERSION = 2


@dataclass(frozen=True)
class ReportRequest:
    """Who asked for a report, why, and about whom (masked), as the content states it."""

    number: str
    issued_at: datetime.datetime
    purpose: QueryPurpose
    case_no: str
    self_service: bool
    department_code: str
    department_name: str
    name_masked: str
    id_masked: str
    verification_url: str
    history_since: datetime.date


def report_content(
    *, request: ReportRequest, records: list[RecordView], history: list[QueryHistoryEntry]
) -> dict:
    """The report's content: identity (masked), records in force by category with why they are
    there and their dates, disputed flags, the person's statements on them, and the query
    history since ``history_since``."""
    sections = {category: [] for category in CATEGORY_ORDER}
    for record in records:
        sections.setdefault(record.category, []).append(_record_entry(record))
    return {
        "version": CONTENT_VERSION,
        "number": request.number,
        "issued_at": _local_time(request.issued_at),
        "issuer": settings.CHENGXIN_SITE_NAME,
        "city": settings.CHENGXIN_CITY_NAME,
        "purpose": {
            "code": request.purpose.code,
            "name": request.purpose.name,
            "legal_basis": request.purpose.legal_basis,
        },
        "case_no": request.case_no,
        "self_service": request.self_service,
        "requested_by": {"department": request.department_code, "name": request.department_name},
        "identity": {"name_masked": request.name_masked, "id_masked": request.id_masked},
        "counts": category_counts(records),
        "disputed": sum(record.disputed for record in records),
        "sections": sections,
        "statements": [
            {"record_id": record.record_id, "item_name": record.item_name, "text": record.statement}
            for record in records
            if record.statement
        ],
        "query_history": {
            "since": request.history_since.isoformat(),
            "entries": [_history_entry(entry) for entry in history],
        },
        "verification_url": request.verification_url,
    }


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON of ``content``."""
    return hashlib.sha256(canonical(content)).hexdigest()


def _record_entry(record: RecordView) -> dict:
    return {
        "record_id": record.record_id,
        "item_code": record.item_code,
        "item_name": record.item_name,
        "severity": record.severity,
        "severity_label": str(Severity(record.severity).label) if record.severity else "",
        "legal_basis": record.legal_basis,
        "provider": record.provider_name,
        "authority": record.authority,
        "document_no": record.document_no,
        "decided_on": record.decided_on.isoformat(),
        "disputed": record.disputed,
        "statement": record.statement,
        "repairable_from": _date(record.repairable_from),
        "disclosure_ends_on": _date(record.disclosure_ends_on),
        "valid_until": _date(record.valid_until),
    }


def _history_entry(entry: QueryHistoryEntry) -> dict:
    return {
        "at": _local_time(entry.at),
        "department": entry.department_name,
        "purpose": entry.purpose_name,
        "case_no": entry.case_no,
        "kind": entry.kind,
    }


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value is not None else ""


def _local_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


CATEGORY_TITLES = {
    Category.BASIC: Category.BASIC.label,
    Category.POSITIVE: Category.POSITIVE.label,
    Category.NEGATIVE: Category.NEGATIVE.label,
    Category.OTHER: Category.OTHER.label,
}
