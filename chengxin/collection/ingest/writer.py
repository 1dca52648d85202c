"""Writing credit records and their versions as plain rows: the ingest path's inserts.

A chunk of a file inserts thousands of records and versions. Building a model instance per row
and letting the driver quote every parameter cost more than the database's own work
(docs/performance.md), so the rows are built as tuples and written with
``chengxin.core.bulk.insert_rows``: ``COPY`` on PostgreSQL (record ids taken from the table's
sequence first, so versions can point at them), ``executemany`` elsewhere (record ids read back
by ``source_id``). Both write the same values; the caller's transaction holds them, so a chunk and
its position still commit together.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections, router

from chengxin.collection.lifecycle import RecordDates
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.core.bulk import allocate_ids, any_of, insert_rows

RECORD_FIELDS = (
    "department",
    "item",
    "source_id",
    "subject",
    "subject_index",
    "status",
    "category",
    "severity",
    "decided_on",
    "disclosure_ends_on",
    "repairable_from",
    "valid_until",
    "disputed",
    "current_version",
    "status_changed_at",
    "created_at",
    "updated_at",
)
VERSION_FIELDS = (
    "record",
    "subject_index",
    "number",
    "values",
    "status",
    "catalog_version",
    "content_hash",
    "valid_from",
    "valid_to",
    "recorded_at",
    "superseded_at",
    "recorded_by",
    "submission",
)


@dataclass(slots=True)
class NewRecord:
    """A record to create (at version 1): its identity, subject, dates and status."""

    source_id: str
    subject_id: int
    subject_index: str
    decided_on: datetime.date
    dates: RecordDates
    status: str


@dataclass(slots=True)
class VersionRow:
    """One version to write. ``values_text`` is the JSON text of the version's values."""

    record_id: int
    subject_index: str
    number: int
    values_text: str
    status: str
    content_hash: str
    valid_from: datetime.date
    valid_to: datetime.date | None


@dataclass(frozen=True)
class WriteContext:
    """What every row of one chunk shares: provider, item, catalog version, who and when."""

    department_id: int
    item_id: int
    category: str
    severity: str
    catalog_version_id: int
    submission_id: int | None
    actor_id: int | None
    now: datetime.datetime


def records_insert(
    context: WriteContext, records: Sequence[NewRecord], *, use_copy: bool | None = None
) -> list[int]:
    """Insert new records (version 1); their ids, in the order of ``records``."""
    if not records:
        return []
    if _copies(use_copy):
        ids = allocate_ids(CreditRecord, len(records))
        rows = (
            (pk, *_record_row(context, record)) for pk, record in zip(ids, records, strict=True)
        )
        insert_rows(CreditRecord, ("id", *RECORD_FIELDS), rows, use_copy=True)
        return ids
    insert_rows(
        CreditRecord,
        RECORD_FIELDS,
        (_record_row(context, record) for record in records),
        use_copy=False,
    )
    return _ids_by_source_id(context, [record.source_id for record in records])


def versions_insert(
    context: WriteContext, versions: Sequence[VersionRow], *, use_copy: bool | None = None
) -> None:
    """Insert versions, recorded now by the context's actor and submission."""
    if not versions:
        return
    rows = (_version_row(context, version) for version in versions)
    insert_rows(RecordVersion, VERSION_FIELDS, rows, use_copy=_copies(use_copy))


def _copies(use_copy: bool | None) -> bool:
    if use_copy is not None:
        return use_copy
    return connections[router.db_for_write(CreditRecord)].vendor == "postgresql"


def _record_row(context: WriteContext, record: NewRecord) -> tuple:
    dates = record.dates
    return (
        context.department_id,
        context.item_id,
        record.source_id,
        record.subject_id,
        record.subject_index,
        record.status,
        context.category,
        context.severity,
        record.decided_on,
        dates.disclosure_ends_on,
        dates.repairable_from,
        dates.valid_until,
        False,
        1,
        context.now,
        context.now,
        context.now,
    )


def _version_row(context: WriteContext, version: VersionRow) -> tuple:
    return (
        version.record_id,
        version.subject_index,
        version.number,
        version.values_text,
        version.status,
        context.catalog_version_id,
        version.content_hash,
        version.valid_from,
        version.valid_to,
        context.now,
        None,
        context.actor_id,
        context.submission_id,
    )


def _ids_by_source_id(context: WriteContext, source_ids: list[str]) -> list[int]:
    ids = dict(
        CreditRecord.objects.filter(
            any_of("source_id", source_ids),
            department_id=context.department_id,
            item_id=context.item_id,
        ).values_list("source_id", "pk")
    )
    return [ids[source_id] for source_id in source_ids]
