"""The XLSX import template, read back with openpyxl as the importer and Excel will see it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from chengxin.catalog import xlsx
from chengxin.catalog.choices import Category, FieldSet, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.reference import load_reference_data
from chengxin.catalog.selectors import match_header
from chengxin.catalog.tests.factories import make_item, own_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook():
    item = make_item(
        code="wage-arrears",
        name="拖欠农民工工资失信联合惩戒对象",
        category=Category.NEGATIVE,
        severity=Severity.SERIOUS,
        field_set=FieldSet.PENALTY,
        schema={
            "fields": [
                own_field("role", "责任身份", constraints={"required": True, "enum": ["甲", "乙"]}),
                {
                    "name": "workers",
                    "title": "涉及人数",
                    "type": "integer",
                    "constraints": {"minimum": 1, "maximum": 1000},
                },
                {"name": "listed_until", "title": "列入期限截止日", "type": "date"},
                {"name": "paid", "title": "是否已清偿", "type": "boolean"},
            ]
        },
    )
    return load_workbook(io.BytesIO(xlsx.catalog_item_template_xlsx(item)))


def column_of(sheet, field_name):
    for cell in sheet[xlsx.FIELD_NAME_ROW]:
        if cell.value == field_name:
            return cell.column_letter
    raise AssertionError(field_name)


def validation_of(sheet, field_name):
    letter = column_of(sheet, field_name)
    target = f"{letter}{xlsx.FIRST_DATA_ROW}:{letter}{xlsx.LAST_VALIDATED_ROW}"
    [validation] = [v for v in sheet.data_validations.dataValidation if str(v.sqref) == target]
    return validation


def test_the_sheets_and_the_version_stamp(workbook):
    # then
    assert workbook.sheetnames == ["数据", "填写说明", "选项"]
    assert workbook["选项"].sheet_state == "hidden"
    assert workbook.properties.subject == "wage-arrears v1"
    assert workbook.properties.title == "拖欠农民工工资失信联合惩戒对象"


def test_row_one_holds_the_chinese_titles_and_hidden_row_two_the_field_names(workbook):
    # given
    sheet = workbook["数据"]

    # then
    titles = [cell.value for cell in sheet[xlsx.TITLE_ROW]]
    names = [cell.value for cell in sheet[xlsx.FIELD_NAME_ROW]]
    assert titles[:6] == [
        "记录编号",
        "证件号码",
        "行政相对人名称",
        "处罚决定日期",
        "处罚机关",
        "行政处罚决定书文号",
    ]
    assert titles[-4:] == ["责任身份", "涉及人数", "列入期限截止日", "是否已清偿"]
    assert names[:6] == ["source_id", "id_number", "name", "decided_on", "authority", "document_no"]
    assert names[-4:] == ["role", "workers", "listed_until", "paid"]
    assert len(titles) == 6 + 14 + 4
    assert sheet.row_dimensions[xlsx.FIELD_NAME_ROW].hidden is True
    assert sheet.freeze_panes == "A3"
    assert sheet.max_row == 2


def test_required_titles_are_dark_red_and_carry_a_note(workbook):
    # given
    sheet = workbook["数据"]

    # then
    source_id, remarks = sheet["A1"], sheet[f"{column_of(sheet, 'remarks')}1"]
    assert (source_id.font.b, source_id.font.color.rgb) == (True, "FF9C0006")
    assert remarks.font.color is None
    assert sheet["B1"].comment.text.startswith("id_number（文本，必填）")


def test_column_widths_follow_the_titles(workbook):
    # given
    sheet = workbook["数据"]

    # then
    assert sheet.column_dimensions["A"].width == 12
    wide = column_of(sheet, "data_source_uscc")
    assert sheet.column_dimensions[wide].width == 32


def test_enum_and_boolean_columns_have_drop_down_lists(workbook):
    # given
    sheet = workbook["数据"]
    options = workbook["选项"]

    # when
    role = validation_of(sheet, "role")
    paid = validation_of(sheet, "paid")
    party = validation_of(sheet, "party_category")

    # then
    assert (role.type, role.allow_blank, role.showErrorMessage) == ("list", True, True)
    assert role.error == "请从下拉列表中选择。"
    sources = {}
    for validation in (party, role, paid):
        reference = validation.formula1
        assert reference.startswith("'选项'!$")
        column = reference.split("!$")[1][0]
        sources[options[f"{column}1"].value] = [
            cell.value for cell in options[column][1:] if cell.value is not None
        ]
    assert sources == {
        "party_category": ["自然人", "个体工商户"],
        "role": ["甲", "乙"],
        "paid": ["是", "否"],
    }


def test_date_columns_are_formatted_and_validated_as_dates(workbook):
    # given
    sheet = workbook["数据"]

    # when
    decided_on = validation_of(sheet, "decided_on")

    # then
    assert (decided_on.type, decided_on.operator) == ("date", "between")
    assert (decided_on.formula1, decided_on.formula2) == ("DATE(1900,1,1)", "DATE(2099,12,31)")
    for field_name in ("decided_on", "penalty_valid_until", "publicity_until", "listed_until"):
        letter = column_of(sheet, field_name)
        assert sheet.column_dimensions[letter].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions[column_of(sheet, "name")].number_format == "General"


def test_numbers_and_text_lengths_are_validated(workbook):
    # given
    sheet = workbook["数据"]

    # when
    workers = validation_of(sheet, "workers")
    fine = validation_of(sheet, "fine_amount")
    source_id = validation_of(sheet, "source_id")

    # then
    assert (workers.type, workers.operator, workers.formula1, workers.formula2) == (
        "whole",
        "between",
        "1",
        "1000",
    )
    assert (fine.type, fine.operator, fine.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert (source_id.type, source_id.operator, source_id.formula1) == (
        "textLength",
        "lessThanOrEqual",
        "64",
    )


def test_the_instruction_sheet_explains_the_template_and_lists_every_field(workbook):
    # given
    sheet = workbook["填写说明"]

    # then
    assert sheet["A1"].value == "《拖欠农民工工资失信联合惩戒对象》数据导入模板"
    assert sheet["A2"].value == "目录项代码：wage-arrears；目录版本：1。"
    header_row = 10
    assert [cell.value for cell in sheet[header_row]] == [
        "字段标题",
        "字段名",
        "类型",
        "必填",
        "约束",
        "可识别的别名",
        "说明",
        "列",
    ]
    role_row = [cell.value for cell in sheet[header_row + 21]]
    assert role_row[:5] == ["责任身份", "role", "文本", "是", "可选值：甲／乙"]
    assert role_row[7] == "U"
    assert sheet.max_row == header_row + 24


def test_a_template_header_row_matches_back_to_the_field_names(workbook):
    # given
    item = CatalogItem.objects.get(code="wage-arrears")
    sheet = workbook["数据"]

    # when
    matched = [match_header(item, cell.value) for cell in sheet[xlsx.TITLE_ROW]]

    # then
    assert matched == [cell.value for cell in sheet[xlsx.FIELD_NAME_ROW]]


def test_every_starter_item_has_a_template_whose_titles_match_back(starter_departments):
    # given
    load_reference_data(stdout=io.StringIO())

    # when / then
    for item in CatalogItem.objects.all():
        sheet = load_workbook(io.BytesIO(xlsx.catalog_item_template_xlsx(item)))["数据"]
        titles = [match_header(item, cell.value) for cell in sheet[xlsx.TITLE_ROW]]
        assert titles == [cell.value for cell in sheet[xlsx.FIELD_NAME_ROW]], item.code
