"""Departments reference data: the plan's units with fixed codes and the county-level governments."""

from __future__ import annotations

import io

import pytest

from chengxin.accounts.choices import DepartmentKind
from chengxin.accounts.models import Department
from chengxin.accounts.reference import department_reference_rows, load_reference_data
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PLAN_CODES = {
    "propaganda", "civilization", "cyberspace", "organisation", "market", "pboc", "commerce",
    "justice", "education", "hrss", "civil-affairs", "public-security", "transport", "postal",
    "emergency", "environment", "tax", "health", "medical-security", "housing", "science",
    "court", "procuratorate", "youth-league", "finance", "financial-regulation",
    "financial-office", "tourism", "fire", "development-reform",
}  # fmt: skip
DISTRICT_CODES = {
    "district-230202", "district-230203", "district-230204", "district-230205",
    "district-230206", "district-230207", "district-230208", "district-230221",
    "district-230223", "district-230224", "district-230225", "district-230227",
    "district-230229", "district-230230", "district-230231", "district-230281",
}  # fmt: skip
# The provincial credit platform submits the lists it pushes down (docs/exchange.md#inbound).
PLATFORM_CODES = {"provincial-platform"}


def test_load_creates_every_department_with_its_fixed_code():
    # when
    load_reference_data(stdout=io.StringIO())

    # then
    codes = set(Department.objects.values_list("code", flat=True))
    assert codes == PLAN_CODES | DISTRICT_CODES | PLATFORM_CODES
    districts = Department.objects.filter(kind=DepartmentKind.DISTRICT)
    assert set(districts.values_list("code", flat=True)) == DISTRICT_CODES


def test_market_is_the_only_credit_office_and_names_the_units_it_succeeds():
    # when
    load_reference_data(stdout=io.StringIO())

    # then
    office = Department.objects.get(is_credit_office=True)
    assert (office.code, office.name) == ("market", "齐齐哈尔市市场监督管理局")
    assert office.succeeds == "市工商局、市质监局、市食药监局"
    tax = Department.objects.get(code="tax")
    assert (tax.short_name, tax.succeeds) == ("市税务局", "市国税局、市地税局")
    assert Department.objects.get(code="district-230281").name == "讷河市人民政府"


def test_every_row_has_names_in_both_languages_and_a_known_kind():
    # when
    rows = department_reference_rows()

    # then
    assert len(rows) == 47
    assert [row["code"] for row in rows if not (row["name"] and row["short_name"])] == []
    assert [row["code"] for row in rows if not row["name_en"]] == []
    assert {row["kind"] for row in rows} <= set(DepartmentKind.values)


def test_loading_again_creates_nothing_and_keeps_an_administrators_edit():
    # given
    load_reference_data(stdout=io.StringIO())
    Department.objects.filter(code="tax").update(name="改过的名称", is_active=False)
    events_before = AuditEvent.objects.count()
    output = io.StringIO()

    # when
    load_reference_data(stdout=output)

    # then
    tax = Department.objects.get(code="tax")
    assert (tax.name, tax.is_active) == ("改过的名称", False)
    assert Department.objects.count() == 47
    assert AuditEvent.objects.count() == events_before
    assert output.getvalue() == "部门：新增 0 个，已有 47 个保持不变。\n"


def test_each_created_department_is_audited_as_a_system_change():
    # when
    load_reference_data(stdout=io.StringIO())

    # then
    events = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="department")
    assert events.count() == 47
    assert set(events.values_list("actor_id", flat=True)) == {None}
