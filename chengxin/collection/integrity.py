"""References of the ingest tables that the database does not enforce, checked on demand.

A credit record's provider and item and a version's catalog version, recorder and submission are
plain columns without a database foreign-key constraint (docs/adr/0002): the import writes
millions of rows and each constraint costs a look-up and a row lock per row at commit. The
import resolves those parents once per chunk, and Django's ``PROTECT`` keeps them from being
deleted through the platform; ``dangling_references`` finds any row that a change outside the
platform (raw SQL, a partial restore) left pointing at nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from chengxin.collection.models import CreditRecord, RecordVersion

CHECKED_MODELS: tuple[type[models.Model], ...] = (CreditRecord, RecordVersion)


@dataclass(frozen=True)
class DanglingReference:
    """``count`` rows of ``table`` whose ``column`` names a row missing from ``target``."""

    table: str
    column: str
    target: str
    count: int


def unenforced_references() -> list[models.ForeignKey]:
    """The foreign keys of the checked models that have no database constraint."""
    return [
        field
        for model in CHECKED_MODELS
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and not field.db_constraint
    ]


def dangling_references() -> list[DanglingReference]:
    """Every unenforced reference with its number of rows pointing at no row (zero included)."""
    found = []
    for field in unenforced_references():
        model = field.model
        target = field.related_model
        count = (
            model._default_manager.filter(**{f"{field.attname}__isnull": False})
            .exclude(**{f"{field.attname}__in": target._default_manager.values("pk")})
            .count()
        )
        found.append(
            DanglingReference(
                table=model._meta.db_table,
                column=field.column,
                target=target._meta.db_table,
                count=count,
            )
        )
    return found
