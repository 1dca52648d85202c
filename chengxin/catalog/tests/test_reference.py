"""The starter catalog loaded by ``chengxin seed``: coverage of the plan, idempotency."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management.base import CommandError, OutputWrapper

from chengxin.catalog import fields, reference
from chengxin.catalog.choices import (
    Category,
    Domain,
    GoodRecordSource,
    KeyField,
    ListKind,
    Profession,
    Severity,
)
from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.reference import load_reference_data, starter_catalog_definitions
from chengxin.catalog.selectors import catalog_item_current_version
from chengxin.catalog.services import catalog_item_update
from chengxin.catalog.tests.factories import UserFactory
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SHIPPED_ITEM_COUNT = 67


def load() -> list[str]:
    output = io.StringIO()
    load_reference_data(stdout=OutputWrapper(output))
    return output.getvalue().splitlines()


def test_the_starter_catalog_covers_every_domain_profession_source_and_key_field(
    starter_departments,
):
    # when
    load()

    # then
    items = list(CatalogItem.objects.all())
    assert len(items) == SHIPPED_ITEM_COUNT
    assert {item.domain for item in items} - {""} == set(Domain.values)
    assert {p for item in items for p in item.professions} == set(Profession.values)
    assert {item.good_record_source for item in items} - {""} == set(GoodRecordSource.values)
    assert {item.key_field for item in items} - {""} == set(KeyField.values)
    assert {item.category for item in items} == set(Category.values)
    assert {item.severity for item in items} == {"", *Severity.values}


def test_the_good_record_sources_are_positive_red_list_items(starter_departments):
    # when
    load()

    # then
    sources = CatalogItem.objects.exclude(good_record_source="")
    assert sorted(sources.values_list("good_record_source", flat=True)) == sorted(
        GoodRecordSource.values
    )
    for item in sources:
        assert (item.category, item.lists) == (Category.POSITIVE, [ListKind.RED_LIST])


def test_the_key_fields_are_serious_items_on_the_key_supervision_list(starter_departments):
    # when
    load()

    # then
    key_items = {
        item.code: item
        for item in CatalogItem.objects.exclude(key_field="").exclude(
            departments__code="provincial-platform"
        )
    }
    assert {item.key_field: code for code, item in key_items.items()} == {
        KeyField.MALICIOUS_DEBT_EVASION: "dishonest-judgment-debtor",
        KeyField.ILLEGAL_FUNDRAISING: "illegal-fundraising",
        KeyField.TELECOM_FRAUD: "telecom-network-fraud",
        KeyField.ONLINE_FRAUD: "online-fraud",
        KeyField.TRAFFIC_VIOLATION: "serious-traffic-violation",
        KeyField.TAX_DISHONESTY: "major-tax-violation",
    }
    for item in key_items.values():
        assert item.severity == Severity.SERIOUS
        assert item.lists == [ListKind.SERIOUS_DISHONESTY, ListKind.KEY_SUPERVISION]
        assert item.push_upstream is True
    departments = {
        item.code: sorted(item.departments.values_list("code", flat=True))
        for item in key_items.values()
    }
    assert departments == {
        "dishonest-judgment-debtor": ["court"],
        "illegal-fundraising": ["financial-office", "public-security"],
        "telecom-network-fraud": ["public-security"],
        "online-fraud": ["cyberspace", "public-security"],
        "serious-traffic-violation": ["public-security"],
        "major-tax-violation": ["tax"],
    }


def test_loading_creates_version_one_of_every_item_with_a_system_audit_event(
    starter_departments,
):
    # when
    output = load()

    # then
    assert set(CatalogVersion.objects.values_list("number", flat=True)) == {1}
    assert CatalogVersion.objects.count() == SHIPPED_ITEM_COUNT
    assert AuditEvent.objects.filter(actor_id__isnull=True).count() == SHIPPED_ITEM_COUNT
    assert output == [f"信息目录：新增 {SHIPPED_ITEM_COUNT}。"]


def test_loading_again_creates_nothing_new(starter_departments):
    # given
    load()

    # when
    output = load()

    # then
    assert CatalogVersion.objects.count() == SHIPPED_ITEM_COUNT
    assert AuditEvent.objects.count() == SHIPPED_ITEM_COUNT
    assert output == [f"信息目录：未变 {SHIPPED_ITEM_COUNT}。"]


def test_a_changed_shipped_definition_updates_an_untouched_item(
    starter_departments, tmp_path, monkeypatch
):
    # given
    load()
    data = json.loads(reference.STARTER_CATALOG_PATH.read_text(encoding="utf-8"))
    data["items"][0]["name"] = "律师执业信息（修订）"
    changed = tmp_path / "starter_catalog.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(reference, "STARTER_CATALOG_PATH", changed)

    # when
    output = load()

    # then
    item = CatalogItem.objects.get(code=data["items"][0]["code"])
    assert item.name == "律师执业信息（修订）"
    assert catalog_item_current_version(item).number == 2
    assert output == [f"信息目录：按新的出厂定义更新 1，未变 {SHIPPED_ITEM_COUNT - 1}。"]

    # when loaded a third time
    third = load()

    # then nothing more happens
    assert catalog_item_current_version(item).number == 2
    assert third == [f"信息目录：未变 {SHIPPED_ITEM_COUNT}。"]


def test_an_item_edited_on_the_platform_keeps_its_edits(starter_departments, tmp_path, monkeypatch):
    # given
    load()
    code = starter_catalog_definitions()[0]["code"]
    item = CatalogItem.objects.get(code=code)
    catalog_item_update(item=item, changes={"name": "本地名称"}, actor=UserFactory())
    data = json.loads(reference.STARTER_CATALOG_PATH.read_text(encoding="utf-8"))
    data["items"][0]["legal_basis"] = "新的依据"
    changed = tmp_path / "starter_catalog.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(reference, "STARTER_CATALOG_PATH", changed)

    # when
    output = load()

    # then
    item.refresh_from_db()
    assert (item.name, catalog_item_current_version(item).number) == ("本地名称", 2)
    assert item.legal_basis != "新的依据"
    assert output == [
        f"目录项 {code} 已在平台上修改，保留本地修改。",
        f"信息目录：未变 {SHIPPED_ITEM_COUNT - 1}，已在平台上修改，保留本地修改 1。",
    ]


def test_a_change_of_the_common_fields_in_code_writes_a_new_version(
    starter_departments, monkeypatch
):
    # given
    load()
    changed_common = [dict(field) for field in fields._COMMON_FIELDS]
    changed_common[0] = {**changed_common[0], "description": "新的说明"}
    monkeypatch.setattr(fields, "_COMMON_FIELDS", changed_common)

    # when
    output = load()

    # then
    assert set(CatalogVersion.objects.values_list("number", flat=True)) == {1, 2}
    assert output == [f"信息目录：公共字段变化，生成新版本 {SHIPPED_ITEM_COUNT}。"]


def test_loading_without_the_departments_is_refused_and_names_them(db):
    # when
    with pytest.raises(CommandError) as raised:
        load()

    # then
    codes = sorted({code for item in starter_catalog_definitions() for code in item["departments"]})
    assert str(raised.value) == f"缺少部门参考数据：{'、'.join(codes)}。请先加载部门。"
    assert CatalogItem.objects.count() == 0
