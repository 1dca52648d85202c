"""Factories of the inquiry tests: a person's file across three disclosure levels, officers of
two departments, the shipped purposes and API tokens."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.catalog.choices import Category, Disclosure, Severity
from chengxin.catalog.tests.factories import make_item
from chengxin.collection.choices import Operation
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import (
    bearer,
    id_number,
    other_department,
    provider,
    row,
    tax_department,
)
from chengxin.inquiry.reference import load_reference_data

PENALTY = "tax-penalty"
GOOD_TAXPAYER = "tax-a-level"
TAX_PAYMENT = "tax-payment"
NAME = "王小明"
PURPOSE = "administrative_licensing"
CASE_NO = "齐许〔2026〕88号"


@dataclass
class PersonFile:
    """One person with a public negative, a shared positive and a consent basic record."""

    id_number: str
    penalty_id: int
    good_id: int
    payment_id: int


def load_purposes() -> None:
    load_reference_data(stdout=io.StringIO())


def items() -> None:
    departments = [tax_department()]
    make_item(
        code=PENALTY,
        name="税务行政处罚",
        category=Category.NEGATIVE,
        severity=Severity.GENERAL,
        disclosure=Disclosure.PUBLIC,
        departments=departments,
    )
    make_item(
        code=GOOD_TAXPAYER,
        name="纳税信用A级纳税人",
        category=Category.POSITIVE,
        disclosure=Disclosure.SHARED,
        departments=departments,
    )
    make_item(
        code=TAX_PAYMENT,
        name="个人所得税缴纳情况",
        category=Category.BASIC,
        disclosure=Disclosure.CONSENT,
        departments=departments,
    )


def submit(item: str, rows: list[dict[str, Any]], *, key: str, operation=Operation.UPSERT):
    answer = submission_create(
        actor=provider(),
        department=tax_department(),
        item_code=item,
        operation=operation,
        records=rows,
        idempotency_key=key,
    )
    assert answer.rejected == 0, answer.errors
    return answer


def person_file(sequence: int = 1) -> PersonFile:
    """The three items and one person's record of each, submitted by the tax provider."""
    items()
    ids = []
    for item in (PENALTY, GOOD_TAXPAYER, TAX_PAYMENT):
        answer = submit(
            item, [row(f"{item}-{sequence}", sequence=sequence)], key=f"{item}-{sequence}"
        )
        ids.append(answer.results[0].record_id)
    return PersonFile(id_number(sequence), *ids)


def tax_officer():
    return staff_user(Role.OFFICER, department=tax_department(), username="officer-tax")


def health_officer():
    return staff_user(Role.OFFICER, department=other_department(), username="officer-health")


__all__ = ["bearer", "row", "NAME"]
