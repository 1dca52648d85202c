"""The measures catalog: versions, activation rules, audit, import, reference data."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from chengxin.accounts.tests.factories import DepartmentFactory
from chengxin.catalog.choices import ListKind
from chengxin.collection.tests.factories import tax_department
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.measures import error_codes
from chengxin.measures.choices import MeasureStatus
from chengxin.measures.imports import measures_import
from chengxin.measures.models import Measure
from chengxin.measures.reference import load_reference_data, reference_definitions
from chengxin.measures.selectors import rules_version
from chengxin.measures.services import (
    measure_activate,
    measure_create,
    measure_retire,
    measure_update,
)

pytestmark = pytest.mark.django_db


def _draft(**overrides):
    attributes = {
        "actor": None,
        "code": "limit-honours",
        "name": "限制参加评优评先",
        "kind": "punishment",
        "measure_type": "social",
        "legal_basis": "国发〔2016〕33号",
        "departments": [tax_department()],
        "triggers": [ListKind.SERIOUS_DISHONESTY],
        "matters": ["honour"],
    }
    attributes.update(overrides)
    return measure_create(**attributes)


def test_a_measure_code_holding_an_id_number_is_refused():
    # when
    with pytest.raises(DomainError) as refusal:
        _draft(code="m-230208197001010013")
    # then
    assert [(error["field"], error["message"]) for error in refusal.value.details["problems"]] == [
        ("code", "代码中不能包含身份证号码。")
    ]
    assert not Measure.objects.exists()


def test_activation_without_legal_basis_or_department_is_refused():
    # given
    no_basis = _draft(legal_basis="")
    no_department = _draft(code="no-dept", departments=[])
    # when
    with pytest.raises(DomainError) as basis_error:
        measure_activate(measure=no_basis, actor=None)
    with pytest.raises(DomainError) as department_error:
        measure_activate(measure=no_department, actor=None)
    # then
    assert basis_error.value.code == error_codes.MEASURE_NO_LEGAL_BASIS
    assert basis_error.value.message == "措施没有法律依据，不能启用。"
    assert basis_error.value.message_en
    assert department_error.value.code == error_codes.MEASURE_NO_DEPARTMENT
    assert set(Measure.objects.values_list("status", flat=True)) == {MeasureStatus.DRAFT}


def test_changes_write_versions_audit_events_and_change_the_rules_version():
    # given
    measure = _draft()
    measure_activate(measure=measure, actor=None)
    before = rules_version()
    # when
    measure_update(measure=measure, changes={"effect": "三年内不得参评。"}, actor=None)
    same = measure_update(measure=measure, changes={"effect": "三年内不得参评。"}, actor=None)
    after = rules_version()
    measure_retire(measure=measure, actor=None)
    # then
    assert same.current_version == 3
    assert list(measure.versions.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    assert before["measures"] != after["measures"]
    assert rules_version()["measure_count"] == 0
    assert before["policies"] == {
        "green_channel.lookback_years": 3,
        "green_channel.counts_repaired": True,
    }
    assert AuditEvent.objects.filter(object_type="measures.measure").count() == 4


def test_unknown_trigger_is_refused():
    with pytest.raises(DomainError) as error:
        _draft(triggers=["black_list"])
    assert error.value.code == error_codes.MEASURE_INVALID


HEADER = "措施名称,惩戒对象,措施类型,法律依据,实施部门,适用事项,措施内容"
GOOD = "限制参加政府采购活动,税收缴纳领域严重失信主体名单,行政性,《政府采购法》第二十二条,finance,政府采购,限制参加"
BAD = "限制评优,不存在的名单,行政性,,无此部门,评优评先,"
GOOD_2 = (
    "纳税信用D级,不依法诚信纳税,行业性,《纳税信用管理办法》,国家税务总局齐齐哈尔市税务局,全部事项,"
)


def test_import_keeps_good_rows_and_reports_bad_rows_with_their_numbers():
    # given
    tax_department()
    DepartmentFactory(code="finance", name="齐齐哈尔市财政局")
    content = "\r\n".join([HEADER, GOOD, BAD, GOOD_2]).encode("gb18030")
    # when
    result = measures_import(content=content, file_name="清单.csv", actor=None)
    # then
    assert (result.created, result.rejected) == (2, 1)
    assert {(e["row"], e["column"], e["code"]) for e in result.errors} == {
        (3, "惩戒对象", "target_unknown"),
        (3, "法律依据", "required"),
        (3, "实施部门", "department_unknown"),
    }
    procurement = Measure.objects.get(name="限制参加政府采购活动")
    assert procurement.triggers == [
        {"list": "serious_dishonesty", "domain": "tax", "key_field": ""}
    ]
    assert procurement.matters == ["public_procurement"]
    tax_d = Measure.objects.get(name="纳税信用D级")
    assert tax_d.triggers[0]["key_field"] == "tax_dishonesty"
    assert list(tax_d.departments.values_list("code", flat=True)) == ["tax"]


def test_import_of_json_twice_updates_nothing_and_the_command_prints_a_summary(tmp_path):
    # given
    tax_department()
    rows = [
        {
            "措施名称": "纳税信用D级",
            "激励对象": "",
            "惩戒对象": "重点监管对象名单",
            "法律依据": "《纳税信用管理办法》",
            "实施部门": "tax",
        }
    ]
    path = tmp_path / "measures.json"
    path.write_text(json.dumps({"measures": rows}, ensure_ascii=False), encoding="utf-8")
    output = io.StringIO()
    # when
    call_command("measures", "import", str(path), "--activate", stdout=output)
    call_command("measures", "import", str(path), stdout=output)
    # then
    assert "新增1项" in output.getvalue()
    assert "未变1项" in output.getvalue()
    assert Measure.objects.get().status == MeasureStatus.ACTIVE


def test_reference_measures_load_active_and_idempotent():
    # given
    codes = {code for d in reference_definitions() for code in d["departments"]}
    for code in codes:
        DepartmentFactory(code=code, name=code)
    # when
    load_reference_data(stdout=io.StringIO())
    output = io.StringIO()
    load_reference_data(stdout=output)
    # then
    assert Measure.objects.filter(status=MeasureStatus.ACTIVE).count() == len(
        reference_definitions()
    )
    assert {"green-channel", "missing-materials-acceptance", "key-supervision"} <= set(
        Measure.objects.values_list("code", flat=True)
    )
    assert "未变" in output.getvalue()
    assert all(m.legal_basis for m in Measure.objects.all())
