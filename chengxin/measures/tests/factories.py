"""Factories of the measures tests: list items, records through ``submission_create``, measures."""

from __future__ import annotations

import datetime
from itertools import count
from typing import Any

from django.utils import timezone

from chengxin.catalog.choices import Category, Domain, KeyField, ListKind, Severity
from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import penalty_item, provider, row, tax_department
from chengxin.core.calendar import add_months
from chengxin.measures.choices import Matter, MeasureKind, MeasureType
from chengxin.measures.services import measure_activate, measure_create

TAX_SERIOUS = "major-tax-violation"
TAX_GENERAL = "tax-penalty"
MORAL_MODEL = "moral-model"

_keys = count(1)


def today() -> datetime.date:
    return timezone.localdate()


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    return add_months(today(), -12 * years) - datetime.timedelta(days=days)


def list_items() -> None:
    """A serious tax item (serious dishonesty + key supervision), a general tax penalty and a
    moral-model item (red list), all provided by the tax department."""
    penalty_item(
        code=TAX_SERIOUS,
        name="重大税收违法失信",
        severity=Severity.SERIOUS,
        domain=Domain.TAX,
        lists=[ListKind.SERIOUS_DISHONESTY, ListKind.KEY_SUPERVISION],
        key_field=KeyField.TAX_DISHONESTY,
    )
    penalty_item(code=TAX_GENERAL)
    penalty_item(
        code=MORAL_MODEL,
        name="诚信道德模范",
        category=Category.POSITIVE,
        severity="",
        domain="",
        lists=[ListKind.RED_LIST],
    )


def submit(
    item_code: str,
    *,
    source_id: str,
    decided_on: datetime.date,
    sequence: int = 1,
    operation: str = "upsert",
) -> CreditRecord | None:
    user = provider(tax_department())
    values: dict[str, Any] = (
        {"source_id": source_id}
        if operation == "revoke"
        else row(source_id, sequence=sequence, decided_on=decided_on.isoformat())
    )
    submission_create(
        actor=user,
        department=user.department,
        item_code=item_code,
        operation=operation,
        records=[values],
        idempotency_key=f"k{next(_keys)}",
        channel=SubmissionChannel.API,
        today=today(),
    )
    return CreditRecord.objects.filter(item__code=item_code, source_id=source_id).first()


def tax_measure(code: str = "tax-procurement-limit", **overrides: Any):
    attributes: dict[str, Any] = {
        "actor": None,
        "code": code,
        "name": "限制参加政府采购活动",
        "kind": MeasureKind.PUNISHMENT,
        "measure_type": MeasureType.ADMINISTRATIVE,
        "effect": "依法限制其参加政府采购活动。",
        "legal_basis": "《中华人民共和国政府采购法》第二十二条",
        "departments": [tax_department()],
        "triggers": [{"list": ListKind.KEY_SUPERVISION, "key_field": KeyField.TAX_DISHONESTY}],
        "matters": [Matter.PUBLIC_PROCUREMENT],
    }
    attributes.update(overrides)
    measure = measure_create(**attributes)
    return measure_activate(measure=measure, actor=None)
