"""Synthetic rows: valid for every catalog item and every kind of constraint, reproducible."""

import io
import random
import re
from datetime import date

import pytest
from django.core.management import call_command

from chengxin.catalog.fields import full_table_schema
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import (
    catalog_item_current_version,
    catalog_item_table_schema,
    catalog_version_table_schema,
)
from chengxin.collection.ingest.rows import validate_row
from chengxin.collection.synthetic import synthetic_rows
from chengxin.identity.synthetic import demo_people

TODAY = date(2026, 3, 15)
PEOPLE = demo_people(count=50, seed=11, as_of=TODAY)
EVERY_CONSTRAINT = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"required": True, "pattern": r"^[A-Z]{2}-\d{3,5}(/[a-z]+)?$", "maxLength": 12}},
        {"name": "label", "type": "string", "constraints": {"required": True, "maxLength": 3}},
        {"name": "kind", "type": "string", "constraints": {"required": True, "enum": ["甲", "乙", "丙"]}},
        {"name": "level", "type": "integer", "constraints": {"required": True, "enum": [1, 2, 3]}},
        {"name": "count", "type": "integer", "constraints": {"required": True, "minimum": 5, "maximum": 7}},
        {"name": "report_year", "title": "年度", "type": "integer", "constraints": {"required": True, "minimum": 2030}},
        {"name": "share", "type": "number", "constraints": {"required": True, "minimum": 0.5, "maximum": 0.75}},
        {"name": "fine", "title": "罚款（元）", "type": "number", "constraints": {"required": True, "maximum": 100}},
        {"name": "flag", "type": "boolean", "constraints": {"required": True}},
        {"name": "checked_on", "type": "date", "constraints": {"required": True, "minimum": "2026-01-01"}},
        {"name": "ends_until", "type": "date", "constraints": {"required": True, "maximum": "2026-06-30"}},
        {"name": "note", "type": "string"},
    ]
}  # fmt: skip


@pytest.fixture
def catalog(db):
    """The reference data (departments, starter catalog, policies) as ``chengxin seed`` loads it."""
    call_command("seed", stdout=io.StringIO())
    return list(CatalogItem.objects.filter(is_active=True).order_by("code"))


def _rows(schema, *, seed=1, prefix="t-"):
    return list(
        synthetic_rows(
            item_schema=schema,
            people=PEOPLE,
            rng=random.Random(seed),
            today=TODAY,
            source_prefix=prefix,
        )
    )


def _problems(schema, rows):
    problems = []
    for number, values in enumerate(rows, start=1):
        result = validate_row(schema=schema, values=values, row_number=number, today=TODAY)
        problems.extend((e.field, e.code) for e in [*result.errors, *result.warnings])
    return problems


def test_rows_of_every_active_catalog_item_are_valid(catalog):
    # given
    assert len(catalog) > 50

    for item in catalog:
        schema = catalog_version_table_schema(catalog_item_current_version(item))
        assert schema == catalog_item_table_schema(item)

        # when
        rows = _rows(schema)

        # then
        assert len(rows) == 50
        assert _problems(schema, rows) == [], item.code
        assert {row["source_id"] for row in rows} == {f"t-{n:06d}" for n in range(1, 51)}


def test_every_kind_of_constraint_is_honoured():
    # given
    schema = full_table_schema(EVERY_CONSTRAINT)

    # when
    rows = _rows(schema, seed=3)

    # then
    assert _problems(schema, rows) == []
    assert all(re.fullmatch(r"[A-Z]{2}-\d{3,5}(/[a-z]+)?", row["code"]) for row in rows)
    assert {row["report_year"] for row in rows} == {2030}
    assert {row["flag"] for row in rows} == {"是", "否"}
    assert any("note" not in row for row in rows)


def test_decision_dates_lie_up_to_six_years_back_and_after_the_eighteenth_birthday():
    # given
    schema = full_table_schema({"fields": []})
    people = {person.id_number: person for person in PEOPLE}

    # when
    rows = _rows(schema, seed=4) + _rows(schema, seed=5)

    # then
    for row in rows:
        decided_on = date.fromisoformat(row["decided_on"])
        birth_date = people[row["id_number"]].birth_date
        assert date(2020, 3, 1) <= decided_on <= TODAY
        assert decided_on >= birth_date.replace(
            year=birth_date.year + 18, day=min(birth_date.day, 28)
        )
    assert min(date.fromisoformat(row["decided_on"]) for row in rows) < date(2023, 3, 15)


def test_same_seed_gives_the_same_rows_and_another_seed_does_not(catalog):
    # given
    schema = catalog_item_table_schema(CatalogItem.objects.get(code="major-tax-violation"))

    # when
    first = _rows(schema, seed=7)
    again = _rows(schema, seed=7)
    other = _rows(schema, seed=8)

    # then
    assert first == again
    assert first != other


def test_document_numbers_and_authority_follow_the_department():
    # given
    schema = full_table_schema({"fields": []}, "penalty")

    # when
    rows = list(
        synthetic_rows(
            item_schema=schema,
            people=PEOPLE[:10],
            rng=random.Random(2),
            today=TODAY,
            source_prefix="p-",
            authority="国家税务总局齐齐哈尔市税务局",
            document_prefix="齐税罚",
        )
    )

    # then
    assert _problems(schema, rows) == []
    for row in rows:
        year = row["decided_on"][:4]
        assert re.fullmatch(rf"齐税罚〔{year}〕\d{{1,3}}号", row["document_no"])
        assert row["authority"] == "国家税务总局齐齐哈尔市税务局"
