"""Applying one submission's rows: validation, records and their versions, revocation and
quarantine. Internal to the collection app: ``services.submission_create`` is the entry point.

Set-based: the existing records of the submitted ``source_id`` values, their current versions and
the known subjects are each fetched in one query; records, versions and quarantine entries are
written with ``bulk_create`` / ``bulk_update``. What remains per row: validation (in Python), and
``subject_get_or_create`` for a person the platform does not know yet (or whose name it lacks).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.selectors import catalog_version_table_schema
from chengxin.collection import error_codes, row_error_codes
from chengxin.collection.choices import Operation, Outcome, RecordStatus
from chengxin.collection.lifecycle import record_dates
from chengxin.collection.models import (
    QUARANTINE_PURPOSE,
    CreditRecord,
    QuarantineEntry,
    RecordVersion,
    Submission,
)
from chengxin.collection.rows import RowError, validate_row
from chengxin.core import crypto
from chengxin.core.bulk import bulk_update_rows
from chengxin.core.json import canonical, dumps
from chengxin.identity.models import Subject
from chengxin.identity.services import subjects_get_or_create_many

NAME_HASH_PURPOSE = "collection.record.name"
PERSONAL_FIELDS = ("id_number", "name")
SOURCE_ID_FIELD = "source_id"
DECIDED_ON_FIELD = "decided_on"


@dataclass(frozen=True)
class SubmissionRowError:
    row: int
    field: str
    code: str
    message: str
    message_en: str


@dataclass(frozen=True)
class SubmissionRowResult:
    row: int
    record_id: int
    version: int
    outcome: str


@dataclass
class _GoodRow:
    row: int
    cleaned: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    subject: Subject | None = None
    content_hash: str = ""


@dataclass
class Batch:
    """What one submission (or one chunk of a file) is doing: its context, the rows by row
    number (``raw``: as the provider numbers them), sorted into good and bad, and the outcome."""

    submission: Submission
    item: CatalogItem
    version: CatalogVersion
    actor: Any
    now: datetime.datetime
    today: datetime.date
    periods: dict[str, int] = field(default_factory=dict)
    good: list[_GoodRow] = field(default_factory=list)
    bad: dict[int, list[RowError]] = field(default_factory=dict)
    raw: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    results: list[SubmissionRowResult] = field(default_factory=list)


def apply_rows(batch: Batch) -> None:
    """Apply the batch's rows: revoke, or validate and upsert; then quarantine the bad rows and
    clear the quarantine of the rows now accepted. Runs in the caller's transaction."""
    if batch.submission.operation == Operation.REVOKE:
        revoke_rows(batch)
    else:
        validate_rows(batch)
        upsert_rows(batch)
    quarantine_rows(batch)
    quarantine_clear(batch)


def validate_rows(batch: Batch) -> None:
    schema = catalog_version_table_schema(batch.version)
    seen: set[str] = set()
    for row, values in batch.raw.items():
        result = validate_row(schema=schema, values=values, row_number=row, today=batch.today)
        errors = list(result.errors)
        source_id = result.cleaned.get(SOURCE_ID_FIELD)
        if source_id is not None and source_id in seen:
            errors.append(_duplicate_error(row))
        if errors:
            batch.bad[row] = errors
            continue
        seen.add(source_id)
        batch.good.append(_GoodRow(row=row, cleaned=result.cleaned))


def _duplicate_error(row: int) -> RowError:
    return RowError(
        row=row,
        field=SOURCE_ID_FIELD,
        code=error_codes.SOURCE_ID_DUPLICATE,
        message=_("同一次报送中来源记录编号重复，只保留第一行。"),
        message_en="This source_id appears more than once in the submission; only the first "
        "row is kept.",
    )


def upsert_rows(batch: Batch) -> None:
    _attach_subjects(batch)
    existing = _existing_records(batch, [good.cleaned[SOURCE_ID_FIELD] for good in batch.good])
    current = _current_versions(existing.values())
    new_records: list[tuple[_GoodRow, CreditRecord]] = []
    changed: list[tuple[_GoodRow, CreditRecord]] = []
    for good in list(batch.good):
        record = existing.get(good.cleaned[SOURCE_ID_FIELD])
        if record is not None and current[record.pk][1] == batch.submission.pk:
            # An earlier chunk of the same file already wrote this source_id.
            batch.good.remove(good)
            batch.bad[good.row] = [_duplicate_error(good.row)]
        elif record is None:
            new_records.append((good, _record_new(batch, good)))
        elif _is_unchanged(record, good, current):
            batch.results.append(_result(good.row, record, Outcome.UNCHANGED))
        else:
            changed.append((good, _record_change(batch, record, good)))
    _write_new(batch, new_records)
    _write_changed(batch, changed)


def _attach_subjects(batch: Batch) -> None:
    """Each good row's subject, registering new people (and missing names) in bulk."""
    subjects = subjects_get_or_create_many(
        people=[
            (good.cleaned["id_number"], str(good.cleaned.get("name") or "")) for good in batch.good
        ],
        actor=batch.actor,
        detail={"submission": batch.submission.pk},
    )
    for good in batch.good:
        name = str(good.cleaned.get("name") or "")
        good.subject = subjects[crypto.blind_index(good.cleaned["id_number"])]
        good.values = _stored_values(good.cleaned)
        good.content_hash = _content_hash(good.values, subject=good.subject, name=name)


def _stored_values(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned values without the personal fields, as JSON values (dates as ISO text)."""
    kept = {name: value for name, value in cleaned.items() if name not in PERSONAL_FIELDS}
    return json.loads(dumps(kept))


def _content_hash(values: Mapping[str, Any], *, subject: Subject, name: str) -> str:
    """SHA-256 of the version's content: values, subject index and a keyed hash of the name
    (never the name or number themselves, which a plain hash would let anyone guess)."""
    name_index = crypto.blind_index(name, purpose=NAME_HASH_PURPOSE) if name else ""
    content = {"values": values, "subject": subject.blind_index, "name": name_index}
    return hashlib.sha256(canonical(content)).hexdigest()


def _existing_records(batch: Batch, source_ids: list[str]) -> dict[str, CreditRecord]:
    records = CreditRecord.objects.select_for_update().filter(
        department=batch.submission.department, item=batch.item, source_id__in=source_ids
    )
    return {record.source_id: record for record in records}


def _current_versions(records) -> dict[int, tuple[str, int | None]]:
    """Record id → (content hash, submission id) of its current version."""
    versions = RecordVersion.objects.filter(
        record__in=list(records), superseded_at__isnull=True
    ).values_list("record_id", "content_hash", "submission_id")
    return {
        record_id: (content_hash, submission) for record_id, content_hash, submission in versions
    }


def _is_unchanged(
    record: CreditRecord, good: _GoodRow, current: dict[int, tuple[str, int | None]]
) -> bool:
    return record.status != RecordStatus.REVOKED and current[record.pk][0] == good.content_hash


def _record_new(batch: Batch, good: _GoodRow) -> CreditRecord:
    record = CreditRecord(
        department=batch.submission.department,
        item=batch.item,
        source_id=good.cleaned[SOURCE_ID_FIELD],
        category=batch.item.category,
        severity=batch.item.severity,
        current_version=1,
        status_changed_at=batch.now,
    )
    _apply_row(batch, record, good)
    return record


def _record_change(batch: Batch, record: CreditRecord, good: _GoodRow) -> CreditRecord:
    record.current_version += 1
    record.category = batch.item.category
    record.severity = batch.item.severity
    record.status_changed_at = batch.now
    _apply_row(batch, record, good)
    return record


def _apply_row(batch: Batch, record: CreditRecord, good: _GoodRow) -> None:
    """Subject, decision date, computed dates and status of ``record`` from ``good``."""
    record.subject = good.subject
    record.subject_index = good.subject.blind_index
    record.decided_on = good.cleaned[DECIDED_ON_FIELD]
    dates = record_dates(item=batch.item, decided_on=record.decided_on, periods=batch.periods)
    record.disclosure_ends_on = dates.disclosure_ends_on
    record.repairable_from = dates.repairable_from
    record.valid_until = dates.valid_until
    end = dates.disclosure_ends_on or dates.valid_until
    record.status = (
        RecordStatus.EXPIRED if end is not None and end <= batch.today else RecordStatus.ACTIVE
    )


def _write_new(batch: Batch, pairs: list[tuple[_GoodRow, CreditRecord]]) -> None:
    CreditRecord.objects.bulk_create([record for _good, record in pairs])
    if len(pairs) and pairs[0][1].pk is None:
        _reload_ids(batch, [record for _good, record in pairs])
    RecordVersion.objects.bulk_create(
        [_version(batch, record, good.values, good.content_hash) for good, record in pairs]
    )
    batch.results.extend(_result(good.row, record, Outcome.CREATED) for good, record in pairs)


def _reload_ids(batch: Batch, records: list[CreditRecord]) -> None:
    """Primary keys of just-inserted records on backends whose bulk insert returns none."""
    ids = dict(
        CreditRecord.objects.filter(
            department=batch.submission.department,
            item=batch.item,
            source_id__in=[record.source_id for record in records],
        ).values_list("source_id", "pk")
    )
    for record in records:
        record.pk = ids[record.source_id]


def _write_changed(batch: Batch, pairs: list[tuple[_GoodRow, CreditRecord]]) -> None:
    records = [record for _good, record in pairs]
    _supersede(batch, records)
    bulk_update_rows(records, _CHANGED_FIELDS)
    RecordVersion.objects.bulk_create(
        [_version(batch, record, good.values, good.content_hash) for good, record in pairs]
    )
    batch.results.extend(_result(good.row, record, Outcome.UPDATED) for good, record in pairs)


_CHANGED_FIELDS = [
    "subject",
    "subject_index",
    "status",
    "category",
    "severity",
    "decided_on",
    "disclosure_ends_on",
    "repairable_from",
    "valid_until",
    "current_version",
    "status_changed_at",
    "updated_at",
]


def _supersede(batch: Batch, records: list[CreditRecord]) -> None:
    RecordVersion.objects.filter(record__in=records, superseded_at__isnull=True).update(
        superseded_at=batch.now
    )
    for record in records:
        record.updated_at = batch.now


def _version(batch: Batch, record: CreditRecord, values, content_hash: str) -> RecordVersion:
    return RecordVersion(
        record=record,
        subject_index=record.subject_index,
        number=record.current_version,
        values=values,
        status=record.status,
        catalog_version=batch.version,
        content_hash=content_hash,
        valid_from=record.decided_on,
        valid_to=record.disclosure_ends_on or record.valid_until,
        recorded_at=batch.now,
        recorded_by=batch.actor,
        submission=batch.submission,
    )


def _result(row: int, record: CreditRecord, outcome: str) -> SubmissionRowResult:
    return SubmissionRowResult(
        row=row, record_id=record.pk, version=record.current_version, outcome=outcome
    )


def revoke_rows(batch: Batch) -> None:
    """Operation ``revoke``: each row names a ``source_id`` of the provider's records of the item.

    A found record becomes ``revoked`` at once (a new version with that status, so an as-of read
    before this moment still shows it active); an already revoked one is ``unchanged``; an
    unknown ``source_id`` is a rejected row.
    """
    source_ids = {row: _revoke_source_id(values) for row, values in batch.raw.items()}
    existing = _existing_records(batch, [value for value in source_ids.values() if value])
    revoked: list[CreditRecord] = []
    for row, source_id in source_ids.items():
        record = existing.get(source_id) if source_id else None
        if record is None:
            batch.bad[row] = [_revoke_error(row, required=not source_id)]
        elif record.status == RecordStatus.REVOKED:
            batch.results.append(_result(row, record, Outcome.UNCHANGED))
        else:
            _record_revoke(batch, record)
            revoked.append(record)
            batch.results.append(_result(row, record, Outcome.REVOKED))
    _write_revoked(batch, revoked)


def _revoke_source_id(values: Mapping[str, Any]) -> str:
    return str(values.get(SOURCE_ID_FIELD) or "").strip()


def _revoke_error(row: int, *, required: bool) -> RowError:
    if required:
        return RowError(
            row=row,
            field=SOURCE_ID_FIELD,
            code=row_error_codes.FIELD_REQUIRED,
            message=_("撤销记录时必须填写来源记录编号。"),
            message_en="A revocation needs the source_id of the record.",
        )
    return RowError(
        row=row,
        field=SOURCE_ID_FIELD,
        code=error_codes.RECORD_NOT_FOUND,
        message=_("本部门没有该来源记录编号的记录，无法撤销。"),
        message_en="The department has no record with this source_id to revoke.",
    )


def _record_revoke(batch: Batch, record: CreditRecord) -> None:
    record.status = RecordStatus.REVOKED
    record.status_changed_at = batch.now
    record.current_version += 1


def _write_revoked(batch: Batch, records: list[CreditRecord]) -> None:
    if not records:
        return
    current = {
        version.record_id: version
        for version in RecordVersion.objects.filter(record__in=records, superseded_at__isnull=True)
    }
    _supersede(batch, records)
    bulk_update_rows(records, _CHANGED_FIELDS)
    RecordVersion.objects.bulk_create(
        [
            _version(batch, record, current[record.pk].values, current[record.pk].content_hash)
            for record in records
        ]
    )


def quarantine_rows(batch: Batch) -> None:
    entries = [_quarantine_entry(batch, row, errors) for row, errors in batch.bad.items()]
    QuarantineEntry.objects.bulk_create(entries)


def _quarantine_entry(batch: Batch, row: int, errors: list[RowError]) -> QuarantineEntry:
    original = batch.raw[row]
    sealed = crypto.encrypt(dumps(original), purpose=QUARANTINE_PURPOSE)
    return QuarantineEntry(
        submission=batch.submission,
        department=batch.submission.department,
        item=batch.item,
        row_number=row,
        source_id=str(original.get(SOURCE_ID_FIELD) or "").strip()[:100],
        values_ciphertext=sealed.ciphertext,
        values_key_id=sealed.key_id,
        values_algorithm=sealed.algorithm,
        errors=[error_dict(error) for error in errors],
    )


def error_dict(error: RowError) -> dict[str, Any]:
    return {
        "row": error.row,
        "field": error.field,
        "code": error.code,
        "message": str(error.message),
        "message_en": error.message_en,
    }


def quarantine_clear(batch: Batch) -> None:
    """A row accepted now clears the open quarantine entries of its (provider, item, source_id)."""
    accepted = {batch.raw[result.row].get(SOURCE_ID_FIELD) for result in batch.results}
    source_ids = [str(value).strip() for value in accepted if value]
    QuarantineEntry.objects.filter(
        department=batch.submission.department,
        item=batch.item,
        source_id__in=source_ids,
        cleared_at__isnull=True,
    ).exclude(submission=batch.submission).update(
        cleared_at=batch.now, cleared_by_submission=batch.submission
    )
