"""Writes of the identity app: registering data subjects."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number, mask_name
from chengxin.identity.models import Subject, id_number_purpose, name_purpose
from chengxin.identity.selectors import subject_by_index
from chengxin.identity.validation import IdValidation, validate_id_number

SUBJECT_OBJECT_TYPE = "subject"


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
    subject.save(update_fields=["name_ciphertext", "name_key_id", "name_algorithm", "name_masked"])
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


def _audit_subject(subject: Subject, *, actor, action: str, detail: dict | None = None) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=SUBJECT_OBJECT_TYPE,
        object_id=str(subject.pk),
        subject_index=subject.blind_index,
        detail={"kind": subject.kind, **(detail or {})},
    )
