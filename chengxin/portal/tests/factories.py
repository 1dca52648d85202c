"""Factories of the public site's tests: disclosed records sent through the submission pipeline."""

from __future__ import annotations

import datetime
from itertools import count

from chengxin.catalog.choices import Category, ListKind
from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import (
    id_number,
    penalty_item,
    provider,
    row,
    tax_department,
)
from chengxin.measures.tests.factories import MORAL_MODEL, TAX_GENERAL, TAX_SERIOUS, list_items
from chengxin.measures.tests.factories import today as local_today

__all__ = [
    "MORAL_MODEL",
    "OUTSTANDING_TEACHER",
    "OUTSTANDING_VOLUNTEER",
    "TAX_GENERAL",
    "TAX_SERIOUS",
    "disclose",
    "disclose_many",
    "id_number",
    "list_items",
    "positive_items",
]

# A second red-list item, and a public positive item on no list (so not on the red list).
OUTSTANDING_VOLUNTEER = "outstanding-volunteer"
OUTSTANDING_TEACHER = "outstanding-teacher"

_keys = count(1)


def disclose(
    item_code: str = TAX_SERIOUS,
    *,
    source_id: str,
    sequence: int,
    name: str = "王小明",
    decided_on: datetime.date | None = None,
    operation: str = "upsert",
    **values,
) -> CreditRecord | None:
    """Submit one record of ``item_code`` (provided by the tax department) and return it."""
    user = provider(tax_department())
    decided_on = decided_on or local_today() - datetime.timedelta(days=30)
    record = (
        {"source_id": source_id}
        if operation == "revoke"
        else row(
            source_id, sequence=sequence, name=name, decided_on=decided_on.isoformat(), **values
        )
    )
    answer = submission_create(
        actor=user,
        department=user.department,
        item_code=item_code,
        operation=operation,
        records=[record],
        idempotency_key=f"portal-{next(_keys)}",
        channel=SubmissionChannel.API,
        today=local_today(),
    )
    assert not answer.errors, answer.errors
    return CreditRecord.objects.filter(item__code=item_code, source_id=source_id).first()


def positive_items() -> None:
    """``list_items`` and two more positive items of the tax department: a second red-list
    item and a public one on no list."""
    list_items()
    for code, lists in ((OUTSTANDING_VOLUNTEER, [ListKind.RED_LIST]), (OUTSTANDING_TEACHER, [])):
        penalty_item(code=code, category=Category.POSITIVE, severity="", domain="", lists=lists)


def disclose_many(
    item_code: str, decided: list[datetime.date], *, prefix: str, sequence: int
) -> None:
    """One submission of records of ``item_code`` about one person, one decided on each of
    ``decided`` (source ids ``prefix-0`` on)."""
    user = provider(tax_department())
    records = [
        row(f"{prefix}-{number}", sequence=sequence, name="列表人", decided_on=day.isoformat())
        for number, day in enumerate(decided)
    ]
    answer = submission_create(
        actor=user,
        department=user.department,
        item_code=item_code,
        operation="upsert",
        records=records,
        idempotency_key=f"portal-{next(_keys)}",
        channel=SubmissionChannel.API,
        today=local_today(),
    )
    assert not answer.errors, answer.errors
