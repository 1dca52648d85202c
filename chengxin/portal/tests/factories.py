"""Factories of the public site's tests: disclosed records sent through the submission pipeline."""

from __future__ import annotations

import datetime
from itertools import count

from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import id_number, provider, row, tax_department
from chengxin.measures.tests.factories import MORAL_MODEL, TAX_GENERAL, TAX_SERIOUS, list_items
from chengxin.measures.tests.factories import today as local_today

__all__ = ["MORAL_MODEL", "TAX_GENERAL", "TAX_SERIOUS", "disclose", "id_number", "list_items"]

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
