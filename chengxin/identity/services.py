"""Writes of the identity app: registering data subjects."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.bulk import allocate_ids, any_of, bulk_update_rows, insert_rows
from chengxin.core.errors import DomainError
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number, mask_name
from chengxin.identity.models import (
    Subject,
    id_number_purpose,
    id_number_purpose_of,
    name_purpose,
    name_purpose_of,
)
from chengxin.identity.selectors import name_index_of, subject_by_index, subjects_by_indexes
from chengxin.identity.validation import IdValidation, id_kind, validate_id_number

SUBJECT_OBJECT_TYPE = "subject"
NAME_FIELDS = ["name_ciphertext", "name_key_id", "name_algorithm", "name_masked", "name_index"]
BULK_BATCH_SIZE = 1_000


def valid_id_number(id_number: str) -> IdValidation:
    """Validate ``id_number`` or raise a ``DomainError`` carrying the first error (no number in
    the message)."""
    validation = validate_id_number(id_number)
    if not validation.is_valid:
        first = validation.errors[0]
        raise DomainError(
            code=first.code,
            message=first.message,
            message_en=first.message_en,
            details={"codes": validation.error_codes},
        )
    return validation


def subject_get_or_create(*, id_number: str, name: str = "", actor) -> Subject:
    """The subject of ``id_number``, created if it is new (SPEC §2, one person, one file).

    The number is validated and normalised (15-digit numbers converted) before its blind index is
    computed. A new subject stores the number and name encrypted with their masked forms and writes
    a ``create`` audit event. An existing subject without a name gets ``name`` (an ``update``
    event); a different stored name is left as it is. Race-safe: two callers creating the same
    person end with one row, the loser reading the winner's. Raises ``DomainError`` with the
    validation code for an invalid number.
    """
    validation = valid_id_number(id_number)
    index = crypto.blind_index(validation.normalised)
    name = (name or "").strip()
    with transaction.atomic():
        subject = subject_by_index(index)
        if subject is None:
            subject, created = _subject_insert(validation, index=index, name=name)
            if created:
                _audit_subject(subject, actor=actor, action=AuditAction.CREATE)
                return subject
        if name and not subject.has_name:
            _subject_name_set(subject, name=name, actor=actor)
    return subject


def subjects_get_or_create_many(
    *, people: Iterable[tuple[str, str]], actor, detail: Mapping[str, Any] | None = None
) -> dict[str, Subject]:
    """The subjects of many (ID number, name) pairs, by blind index: bulk ingestion.

    Like ``subject_get_or_create`` for each pair, set-based: known subjects are read in one
    query, new ones inserted in one statement (a concurrent insert of the same person is ignored
    and its row read back), missing names set in one statement. Audit: one ``create`` event for
    the new subjects and one ``update`` event for the names added, each with its count and
    ``detail`` (say which submission), instead of one event per person. Raises ``DomainError``
    for an invalid number (callers validate rows first).
    """
    wanted: dict[str, tuple[IdValidation, str]] = {}
    for number, name in people:
        validation = valid_id_number(number)
        index = crypto.blind_index(validation.normalised)
        name = (name or "").strip()
        if index not in wanted or (name and not wanted[index][1]):
            wanted[index] = (validation, name)
    known = subjects_by_indexes(set(wanted))
    with transaction.atomic():
        _subjects_insert_many(wanted, known=known, actor=actor, detail=detail)
        _subject_names_set_many(wanted, known=known, actor=actor, detail=detail)
    return known


_SUBJECT_ROW_FIELDS = (
    "blind_index",
    "kind",
    "id_ciphertext",
    "id_key_id",
    "id_algorithm",
    "id_masked",
    "name_ciphertext",
    "name_key_id",
    "name_algorithm",
    "name_masked",
    "name_index",
    "created_at",
    "updated_at",
)


def subject_ids_get_or_create(
    *,
    people: Mapping[str, tuple[str, str]],
    actor,
    detail: Mapping[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """Subject ids by blind index for many people whose numbers are already validated: the
    ingest form of ``subjects_get_or_create_many``, without model instances.

    ``people`` maps the blind index of each normalised, valid 18-character number (as
    ``validate_id_number`` gives it; the caller has validated it) to (number, name). Same rules
    and audit as ``subjects_get_or_create_many``: known subjects read in one query, new ones
    inserted in one statement (COPY on PostgreSQL; a concurrent insert of the same person is
    skipped and its row read back), missing names set; one ``create`` event with the number of
    new subjects and one ``update`` event for the names added, each with ``detail``.
    """
    now = now or timezone.now()
    known = _known_ids(people.keys())
    with transaction.atomic():
        new = [index for index in people if index not in known]
        if new:
            known.update(_subjects_insert(new, people, now=now))
            _audit_many(actor=actor, action=AuditAction.CREATE, count=len(new), detail=detail)
        unnamed = [
            index for index, (_number, name) in people.items() if name and not known[index][1]
        ]
        if unnamed:
            _names_set_by_index(unnamed, people=people, known=known)
            _audit_many(
                actor=actor,
                action=AuditAction.UPDATE,
                count=len(unnamed),
                detail={"fields": ["name"], **(detail or {})},
            )
    return {index: known[index][0] for index in people}


def _subjects_insert(
    indexes: list[str], people, *, now: datetime.datetime
) -> dict[str, tuple[int, bool]]:
    """Insert the subjects of ``indexes``; blind index → (subject id, whether named) of each.

    On PostgreSQL the ids are taken from the sequence first and written with the rows, so they
    need no reading back unless a concurrent insert of the same person made the write skip rows.
    """
    rows = _subject_rows(indexes, people, now=now)
    if connections[router.db_for_write(Subject)].vendor == "postgresql":
        ids = allocate_ids(Subject, len(indexes))
        complete = insert_rows(
            Subject,
            ("id", *_SUBJECT_ROW_FIELDS),
            ((pk, *row) for pk, row in zip(ids, rows, strict=True)),
            ignore_conflicts=True,
        )
        if complete:
            return {
                index: (pk, bool(people[index][1])) for index, pk in zip(indexes, ids, strict=True)
            }
    else:
        insert_rows(Subject, _SUBJECT_ROW_FIELDS, rows, ignore_conflicts=True)
    return _known_ids(indexes)


def _known_ids(indexes: Iterable[str]) -> dict[str, tuple[int, bool]]:
    """Blind index → (subject id, whether a name is recorded), in one query."""
    rows = Subject.objects.filter(any_of("blind_index", indexes)).values_list(
        "blind_index", "pk", "name_key_id"
    )
    return {index: (pk, bool(name_key_id)) for index, pk, name_key_id in rows}


def _subject_rows(indexes: list[str], people, *, now: datetime.datetime) -> Iterable[tuple]:
    for index in indexes:
        number, name = people[index]
        sealed = crypto.encrypt(number, purpose=id_number_purpose_of(index))
        masked = mask_id_number(number, context=MaskContext.PUBLIC)
        head = (index, id_kind(number), sealed.ciphertext, sealed.key_id, sealed.algorithm, masked)
        yield head + _sealed_name_columns(index, name) + (now, now)


def _sealed_name_columns(index: str, name: str) -> tuple[bytes, str, str, str, str]:
    if not name:
        return (b"", "", "", "", "")
    sealed = crypto.encrypt(name, purpose=name_purpose_of(index))
    masked = mask_name(name, context=MaskContext.PUBLIC)
    return (sealed.ciphertext, sealed.key_id, sealed.algorithm, masked, name_index_of(name))


def _names_set_by_index(indexes: list[str], *, people, known) -> None:
    subjects = []
    for index in indexes:
        subject = Subject(pk=known[index][0], blind_index=index)
        _seal_name(subject, people[index][1])
        subjects.append(subject)
    bulk_update_rows(subjects, NAME_FIELDS)


def _audit_many(*, actor, action: str, count: int, detail: Mapping[str, Any] | None) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=SUBJECT_OBJECT_TYPE,
        object_id="",
        detail={"subjects": count, **(detail or {})},
    )


def _subjects_insert_many(wanted, *, known: dict[str, Subject], actor, detail) -> None:
    new = []
    for index, (validation, name) in wanted.items():
        if index in known:
            continue
        subject = Subject(blind_index=index, kind=validation.kind)
        _seal_id_number(subject, validation.normalised)
        if name:
            _seal_name(subject, name)
        new.append(subject)
    if not new:
        return
    Subject.objects.bulk_create(new, ignore_conflicts=True, batch_size=BULK_BATCH_SIZE)
    known.update(subjects_by_indexes({subject.blind_index for subject in new}))
    audit_events.change_event(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=SUBJECT_OBJECT_TYPE,
        object_id="",
        detail={"subjects": len(new), **(detail or {})},
    )


def _subject_names_set_many(wanted, *, known: dict[str, Subject], actor, detail) -> None:
    unnamed = []
    for index, (_validation, name) in wanted.items():
        subject = known[index]
        if name and not subject.has_name:
            _seal_name(subject, name)
            unnamed.append(subject)
    if not unnamed:
        return
    bulk_update_rows(unnamed, NAME_FIELDS)
    audit_events.change_event(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=SUBJECT_OBJECT_TYPE,
        object_id="",
        detail={"subjects": len(unnamed), "fields": ["name"], **(detail or {})},
    )


def _subject_insert(validation: IdValidation, *, index: str, name: str) -> tuple[Subject, bool]:
    """Insert the subject, or read the row a concurrent caller inserted first."""
    subject = Subject(blind_index=index, kind=validation.kind)
    _seal_id_number(subject, validation.normalised)
    if name:
        _seal_name(subject, name)
    try:
        with transaction.atomic():
            subject.save(force_insert=True)
    except IntegrityError:
        return Subject.objects.get(blind_index=index), False
    return subject, True


def _subject_name_set(subject: Subject, *, name: str, actor) -> None:
    _seal_name(subject, name)
    subject.save(update_fields=NAME_FIELDS)
    _audit_subject(subject, actor=actor, action=AuditAction.UPDATE, detail={"fields": ["name"]})


def _seal_id_number(subject: Subject, number: str) -> None:
    sealed = crypto.encrypt(number, purpose=id_number_purpose(subject))
    subject.id_ciphertext = sealed.ciphertext
    subject.id_key_id = sealed.key_id
    subject.id_algorithm = sealed.algorithm
    subject.id_masked = mask_id_number(number, context=MaskContext.PUBLIC)


def _seal_name(subject: Subject, name: str) -> None:
    sealed = crypto.encrypt(name, purpose=name_purpose(subject))
    subject.name_ciphertext = sealed.ciphertext
    subject.name_key_id = sealed.key_id
    subject.name_algorithm = sealed.algorithm
    subject.name_masked = mask_name(name, context=MaskContext.PUBLIC)
    subject.name_index = name_index_of(name)


def _audit_subject(subject: Subject, *, actor, action: str, detail: dict | None = None) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=SUBJECT_OBJECT_TYPE,
        object_id=str(subject.pk),
        subject_index=subject.blind_index,
        detail={"kind": subject.kind, **(detail or {})},
    )
