"""Re-encryption of personal data under the active key (SPEC §2 "keys rotatable", §14).

Models declare the encrypted columns they hold with :func:`register`: the ciphertext, key-id and
algorithm fields of each triple and the encryption purpose (a string, or a function of the row when
the purpose binds the ciphertext to its row). :func:`rotate` then re-encrypts every row whose key id
is not the active one, in batches:

- each batch is its own transaction and locks its rows (``select_for_update``, skipping rows that
  another rotation holds where the database supports it), so an interrupted run loses at most one
  batch of work and a re-run picks up where it stopped;
- only the ciphertext columns change; blind indexes stay, so look-ups keep working throughout;
- one ``key_rotation`` audit event records each run (counts only).

Rotating the blind-index key is a different operation (every index in every table changes) and is
not done here; see ``docs/keys.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, models, transaction

from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction

DEFAULT_BATCH_SIZE = 500

Purpose = str | Callable[[models.Model], str]


class RotationError(Exception):
    """A row could not be re-encrypted (its key is missing or its ciphertext fails to open)."""


@dataclass(frozen=True)
class EncryptedColumn:
    """One ciphertext/key-id/algorithm triple of a model, and the purpose it is encrypted for."""

    model: type[models.Model]
    ciphertext_field: str
    key_id_field: str
    algorithm_field: str
    purpose: Purpose

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.ciphertext_field}"

    def purpose_for(self, row: models.Model) -> str:
        return self.purpose(row) if callable(self.purpose) else self.purpose

    def sealed(self, row: models.Model) -> crypto.Sealed:
        return crypto.Sealed(
            ciphertext=bytes(getattr(row, self.ciphertext_field)),
            key_id=getattr(row, self.key_id_field),
            algorithm=getattr(row, self.algorithm_field),
        )

    def encrypted_rows(self) -> models.QuerySet:
        """Rows that hold a ciphertext in this column (an empty key id means no value)."""
        return self.model._default_manager.exclude(**{self.key_id_field: ""})


@dataclass(frozen=True)
class KeyCount:
    """How many rows of one column are encrypted under one key."""

    column: str
    key_id: str
    rows: int


@dataclass
class RotationResult:
    """What one run of :func:`rotate` did."""

    active_key_id: str
    rotated: dict[str, int] = field(default_factory=dict)
    batches: int = 0

    @property
    def total(self) -> int:
        return sum(self.rotated.values())


_REGISTRY: dict[str, EncryptedColumn] = {}


def register(
    model: type[models.Model],
    *,
    ciphertext_field: str,
    key_id_field: str,
    algorithm_field: str,
    purpose: Purpose,
) -> EncryptedColumn:
    """Declare an encrypted column of ``model`` (call at import time of the models module)."""
    column = EncryptedColumn(
        model=model,
        ciphertext_field=ciphertext_field,
        key_id_field=key_id_field,
        algorithm_field=algorithm_field,
        purpose=purpose,
    )
    _REGISTRY[column.label] = column
    return column


def registered_columns() -> list[EncryptedColumn]:
    """Every declared encrypted column, in a stable order."""
    return [_REGISTRY[label] for label in sorted(_REGISTRY)]


def key_status() -> list[KeyCount]:
    """Rows per key id for every registered column."""
    counts = []
    for column in registered_columns():
        grouped = (
            column.encrypted_rows()
            .values(column.key_id_field)
            .annotate(rows=models.Count("pk"))
            .order_by(column.key_id_field)
        )
        counts.extend(
            KeyCount(column=column.label, key_id=item[column.key_id_field], rows=item["rows"])
            for item in grouped
        )
    return counts


def rows_to_rotate(column: EncryptedColumn, *, active_key_id: str) -> models.QuerySet:
    """Rows of ``column`` still encrypted under another key than ``active_key_id``."""
    return column.encrypted_rows().exclude(**{column.key_id_field: active_key_id})


def rotate_batch(column: EncryptedColumn, *, active_key_id: str, batch_size: int) -> int:
    """Re-encrypt up to ``batch_size`` rows of ``column`` in one transaction; return how many."""
    with transaction.atomic():
        rows = list(_locked(rows_to_rotate(column, active_key_id=active_key_id))[:batch_size])
        for row in rows:
            _reseal(column, row, active_key_id=active_key_id)
        fields = [column.ciphertext_field, column.key_id_field, column.algorithm_field]
        column.model._default_manager.bulk_update(rows, fields)
    return len(rows)


def rotate(
    *,
    actor=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_batches: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> RotationResult:
    """Re-encrypt every registered column under the active key, batch by batch.

    ``max_batches`` stops early (the remaining rows are rotated by the next run). ``progress`` is
    called with the column label and the batch's row count after each batch. Writes one
    ``key_rotation`` audit event per run. Raises :class:`RotationError` if a row cannot be opened.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    result = RotationResult(active_key_id=crypto.active_key_id())
    for column in registered_columns():
        result.rotated[column.label] = 0
        while max_batches is None or result.batches < max_batches:
            count = rotate_batch(column, active_key_id=result.active_key_id, batch_size=batch_size)
            if count == 0:
                break
            result.batches += 1
            result.rotated[column.label] += count
            if progress is not None:
                progress(column.label, count)
    _record_rotation(result, actor=actor, batch_size=batch_size)
    return result


def _locked(queryset: models.QuerySet) -> models.QuerySet:
    queryset = queryset.order_by("pk")
    if not connection.features.has_select_for_update:
        return queryset
    skip_locked = connection.features.has_select_for_update_skip_locked
    return queryset.select_for_update(skip_locked=skip_locked)


def _reseal(column: EncryptedColumn, row: models.Model, *, active_key_id: str) -> None:
    purpose = column.purpose_for(row)
    try:
        plaintext = crypto.decrypt(column.sealed(row), purpose=purpose)
    except crypto.DecryptionError as error:
        raise RotationError(f"{column.label} row {row.pk} cannot be decrypted: {error}") from error
    sealed = crypto.encrypt(plaintext, purpose=purpose, key_id=active_key_id)
    setattr(row, column.ciphertext_field, sealed.ciphertext)
    setattr(row, column.key_id_field, sealed.key_id)
    setattr(row, column.algorithm_field, sealed.algorithm)


def _record_rotation(result: RotationResult, *, actor, batch_size: int) -> None:
    with transaction.atomic():
        audit_events.change_event(
            actor=actor,
            action=AuditAction.KEY_ROTATION,
            object_type="encryption_key",
            object_id=result.active_key_id,
            detail={
                "rotated": result.rotated,
                "total": result.total,
                "batches": result.batches,
                "batch_size": batch_size,
            },
        )
