"""Applying one submission's rows: validation, records and their versions, revocation and
quarantine. Internal to the collection app: ``services.submission_create`` is the entry point.

Set-based: the existing records of the submitted ``source_id`` values, their current versions and
the known subjects are each fetched in one query; new subjects, records and versions are written
as plain rows (``COPY`` on PostgreSQL, see ``writer``), changed records with one ``UPDATE … FROM``,
quarantine entries with ``bulk_create``. What remains per row is Python work: validation (each ID
number once), the JSON text and content hash of the values, the blind indexes (all in
``checked_rows``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.selectors import catalog_version_table_schema
from chengxin.collection import error_codes
from chengxin.collection.choices import Operation, Outcome, RecordStatus, SubmissionChannel
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.ingest.checked_rows import (
    SOURCE_ID_FIELD,
    GoodRow,
    PreparedRows,
    duplicate_error,
    prepare_rows,
)
from chengxin.collection.ingest.rows import RowError, RowValidator
from chengxin.collection.ingest.writer import (
    NewRecord,
    VersionRow,
    WriteContext,
    records_insert,
    versions_insert,
)
from chengxin.collection.lifecycle import RecordDates, record_dates
from chengxin.collection.models import (
    QUARANTINE_PURPOSE,
    CreditRecord,
    QuarantineEntry,
    RecordVersion,
    Submission,
)
from chengxin.collection.notices import record_notices_send
from chengxin.core import crypto
from chengxin.core import error_codes as core_error_codes
from chengxin.core.bulk import any_of, bulk_update_rows
from chengxin.core.json import canonical, dumps
from chengxin.core.personal_data import contains_id_number
from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.services import RecordFacts, outbox_events_write
from chengxin.identity.services import subject_ids_get_or_create


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
    good: list[GoodRow] = field(default_factory=list)
    bad: dict[int, list[RowError]] = field(default_factory=dict)
    raw: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    results: list[SubmissionRowResult] = field(default_factory=list)
    dates: dict[datetime.date, tuple[RecordDates, str]] = field(default_factory=dict)
    validator: RowValidator | None = None

    def write_context(self) -> WriteContext:
        return WriteContext(
            department_id=self.submission.department_id,
            item_id=self.item.pk,
            category=self.item.category,
            severity=self.item.severity,
            catalog_version_id=self.version.pk,
            submission_id=self.submission.pk,
            actor_id=getattr(self.actor, "pk", None),
            now=self.now,
        )


def apply_rows(batch: Batch, prepared: PreparedRows | None = None) -> None:
    """Apply the batch's rows: revoke, or validate and upsert (and tell the people with an
    account about their new disclosed negative records, ``collection.notices``); then quarantine
    the bad rows and clear the quarantine of the rows now accepted. Runs in the caller's
    transaction.

    ``prepared``: the upsert rows already validated by ``prepare_rows`` (from ``batch.raw``,
    possibly in another process); otherwise they are validated here.
    """
    if batch.submission.operation == Operation.REVOKE:
        revoke_rows(batch)
    else:
        if prepared is None:
            validator = batch.validator or RowValidator(
                catalog_version_table_schema(batch.version), today=batch.today
            )
            prepared = prepare_rows(batch.raw, validator=validator)
        batch.good = list(prepared.good)
        batch.bad.update(prepared.bad)
        upsert_rows(batch)
        record_notices_send(batch)
    quarantine_rows(batch)
    quarantine_clear(batch)


def upsert_rows(batch: Batch) -> None:
    _attach_subjects(batch)
    existing = _existing_records(batch, [good.source_id for good in batch.good])
    current = _current_versions(existing.values())
    new_rows: list[GoodRow] = []
    changed: list[tuple[GoodRow, CreditRecord]] = []
    duplicates: set[int] = set()
    for good in batch.good:
        record = existing.get(good.source_id)
        if record is not None and current[record.pk][1] == batch.submission.pk:
            # An earlier chunk of the same file already wrote this source_id.
            duplicates.add(good.row)
            batch.bad[good.row] = [duplicate_error(good.row)]
        elif record is None:
            new_rows.append(good)
        elif _is_unchanged(record, good, current):
            batch.results.append(_result(good.row, record, Outcome.UNCHANGED))
        else:
            changed.append((good, _record_change(batch, record, good)))
    if duplicates:
        batch.good = [good for good in batch.good if good.row not in duplicates]
    _write_new(batch, new_rows)
    _write_changed(batch, changed)


def _attach_subjects(batch: Batch) -> None:
    """Each good row's subject, registering new people (and missing names) in bulk."""
    people: dict[str, tuple[str, str]] = {}
    for good in batch.good:
        index = good.subject_index
        name = good.name.strip()
        if index not in people or (name and not people[index][1]):
            people[index] = (good.id_number, name)
    subject_ids = subject_ids_get_or_create(
        people=people,
        actor=batch.actor,
        detail={"submission": batch.submission.pk},
        now=batch.now,
    )
    for good in batch.good:
        good.subject_id = subject_ids[good.subject_index]


def _existing_records(batch: Batch, source_ids: list[str]) -> dict[str, CreditRecord]:
    records = CreditRecord.objects.select_for_update().filter(
        any_of("source_id", source_ids), department=batch.submission.department, item=batch.item
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
    record: CreditRecord, good: GoodRow, current: dict[int, tuple[str, int | None]]
) -> bool:
    return record.status != RecordStatus.REVOKED and current[record.pk][0] == good.content_hash


def _dates(batch: Batch, decided_on: datetime.date) -> tuple[RecordDates, str]:
    """The computed dates and the status of a record decided on ``decided_on`` (computed once
    per date in a batch: many rows share a decision date)."""
    found = batch.dates.get(decided_on)
    if found is None:
        dates = record_dates(item=batch.item, decided_on=decided_on, periods=batch.periods)
        end = dates.disclosure_ends_on or dates.valid_until
        expired = end is not None and end <= batch.today
        found = (dates, RecordStatus.EXPIRED if expired else RecordStatus.ACTIVE)
        batch.dates[decided_on] = found
    return found


def _record_change(batch: Batch, record: CreditRecord, good: GoodRow) -> CreditRecord:
    """``record`` at its next version, from ``good``: subject, dates and status."""
    dates, status = _dates(batch, good.decided_on)
    record.current_version += 1
    record.category = batch.item.category
    record.severity = batch.item.severity
    record.status_changed_at = batch.now
    record.subject_id = good.subject_id
    record.subject_index = good.subject_index
    record.decided_on = good.decided_on
    record.disclosure_ends_on = dates.disclosure_ends_on
    record.repairable_from = dates.repairable_from
    record.valid_until = dates.valid_until
    # A record the person withdrew (opted out of) stays withdrawn when its provider sends it
    # again: only the person reinstates it (docs/citizens.md, "Opt-out").
    keeps_withdrawn = record.status == RecordStatus.WITHDRAWN and status == RecordStatus.ACTIVE
    record.status = RecordStatus.WITHDRAWN if keeps_withdrawn else status
    return record


def _write_new(batch: Batch, goods: list[GoodRow]) -> None:
    if not goods:
        return
    context = batch.write_context()
    records = [_new_record(batch, good) for good in goods]
    ids = records_insert(context, records)
    versions_insert(
        context,
        [
            VersionRow(
                record_id=record_id,
                subject_index=good.subject_index,
                number=1,
                values_text=good.values_text,
                status=record.status,
                content_hash=good.content_hash,
                valid_from=record.decided_on,
                valid_to=record.dates.disclosure_ends_on or record.dates.valid_until,
            )
            for good, record, record_id in zip(goods, records, ids, strict=True)
        ],
    )
    batch.results.extend(
        SubmissionRowResult(row=good.row, record_id=record_id, version=1, outcome=Outcome.CREATED)
        for good, record_id in zip(goods, ids, strict=True)
    )
    _outbox(
        batch,
        OutboxEventType.RECORD_CREATED,
        (
            _facts(
                batch,
                record_id,
                source_id=good.source_id,
                subject_index=good.subject_index,
                status=record.status,
                version=1,
                decided_on=good.decided_on,
            )
            for good, record, record_id in zip(goods, records, ids, strict=True)
        ),
    )


def _new_record(batch: Batch, good: GoodRow) -> NewRecord:
    dates, status = _dates(batch, good.decided_on)
    return NewRecord(
        source_id=good.source_id,
        subject_id=good.subject_id,
        subject_index=good.subject_index,
        decided_on=good.decided_on,
        dates=dates,
        status=status,
    )


def _write_changed(batch: Batch, pairs: list[tuple[GoodRow, CreditRecord]]) -> None:
    if not pairs:
        return
    records = [record for _good, record in pairs]
    _supersede(batch, records)
    bulk_update_rows(records, _CHANGED_FIELDS)
    versions_insert(
        batch.write_context(),
        [_version_of(record, good.values_text, good.content_hash) for good, record in pairs],
    )
    batch.results.extend(_result(good.row, record, Outcome.UPDATED) for good, record in pairs)
    _outbox(batch, OutboxEventType.RECORD_CORRECTED, (_record_facts(batch, r) for r in records))


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


def _version_of(record: CreditRecord, values_text: str, content_hash: str) -> VersionRow:
    """The version that ``record``'s current state (number, status, dates) makes."""
    return VersionRow(
        record_id=record.pk,
        subject_index=record.subject_index,
        number=record.current_version,
        values_text=values_text,
        status=record.status,
        content_hash=content_hash,
        valid_from=record.decided_on,
        valid_to=record.disclosure_ends_on or record.valid_until,
    )


def _result(row: int, record: CreditRecord, outcome: str) -> SubmissionRowResult:
    return SubmissionRowResult(
        row=row, record_id=record.pk, version=record.current_version, outcome=outcome
    )


def revoke_rows(batch: Batch) -> None:
    """Operation ``revoke``: each row names a ``source_id`` of the provider's records of the item.

    A found record becomes ``revoked`` at once (a new version with that status, so an as-of read
    before this moment still shows it active); an already revoked one is ``unchanged``; an
    unknown ``source_id`` is a rejected row, and so is one that holds an ID number (no record
    can have it: the row validation refuses it).
    """
    source_ids = {row: _revoke_source_id(values) for row, values in batch.raw.items()}
    existing = _existing_records(batch, [value for value in source_ids.values() if value])
    revoked: list[CreditRecord] = []
    for row, source_id in source_ids.items():
        record = existing.get(source_id) if source_id else None
        if record is None and contains_id_number(source_id):
            batch.bad[row] = [_revoke_id_number_error(row)]
        elif record is None:
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


def _revoke_id_number_error(row: int) -> RowError:
    return RowError(
        row=row,
        field=SOURCE_ID_FIELD,
        code=core_error_codes.TEXT_HOLDS_ID_NUMBER,
        message=_("第%(row)s行：来源记录编号不能包含身份证号码。") % {"row": row},
        message_en=f"Row {row}: the source_id must not hold an ID number.",
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
    versions_insert(
        batch.write_context(),
        [
            _version_of(
                record,
                canonical(current[record.pk].values).decode("utf-8"),
                current[record.pk].content_hash,
            )
            for record in records
        ],
    )
    _outbox(batch, OutboxEventType.RECORD_REVOKED, (_record_facts(batch, r) for r in records))


def _outbox(batch: Batch, event_type: str, facts) -> None:
    """The outbox events of the records this batch created, changed or revoked, in its
    transaction (SPEC §9), for items pushed upstream. A submission that an upheld objection
    made writes none here: the objection service writes the event, naming the objection."""
    if not batch.item.push_upstream or batch.submission.channel == SubmissionChannel.OBJECTION:
        return
    outbox_events_write(event_type=event_type, facts=facts)


def _facts(batch: Batch, record_id: int, *, disputed: bool = False, **fields) -> RecordFacts:
    return RecordFacts(
        record_id=record_id,
        department=batch.submission.department.code,
        item=batch.item.code,
        disputed=disputed,
        push_upstream=True,
        **fields,
    )


def _record_facts(batch: Batch, record: CreditRecord) -> RecordFacts:
    return _facts(
        batch,
        record.pk,
        disputed=record.disputed,
        source_id=record.source_id,
        subject_index=record.subject_index,
        status=record.status,
        version=record.current_version,
        decided_on=record.decided_on,
    )


def quarantine_rows(batch: Batch) -> None:
    entries = [_quarantine_entry(batch, row, errors) for row, errors in batch.bad.items()]
    QuarantineEntry.objects.bulk_create(entries)


def _quarantine_entry(batch: Batch, row: int, errors: list[RowError]) -> QuarantineEntry:
    original = batch.raw[row]
    sealed = crypto.encrypt(dumps(original), purpose=QUARANTINE_PURPOSE)
    # The source id is kept in clear to match later corrections; one holding an ID number is
    # kept only in the encrypted values.
    source_id = str(original.get(SOURCE_ID_FIELD) or "").strip()
    kept = "" if contains_id_number(source_id) else source_id[:100]
    return QuarantineEntry(
        submission=batch.submission,
        department=batch.submission.department,
        item=batch.item,
        row_number=row,
        source_id="" if contains_id_number(kept) else kept,
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
    open_entries = QuarantineEntry.objects.filter(
        department=batch.submission.department, item=batch.item, cleared_at__isnull=True
    ).exclude(submission=batch.submission)
    if not batch.results or not open_entries.exists():
        return
    accepted = {batch.raw[result.row].get(SOURCE_ID_FIELD) for result in batch.results}
    source_ids = [str(value).strip() for value in accepted if value]
    open_entries.filter(any_of("source_id", source_ids)).update(
        cleared_at=batch.now, cleared_by_submission=batch.submission
    )
