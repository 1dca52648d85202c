"""Rejected rows as CSV and XLSX: errors beside the values, formulas neutralised, readable back."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.catalog.tests.factories import make_item
from chengxin.collection.exports import neutralise_cell, rejected_rows_csv, rejected_rows_xlsx
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.ingest.files import open_table
from chengxin.collection.ingest.rows import RowError

ID_NUMBER = "230202198005010121"
HEADER = ["记录编号", "身份证号码", "姓名", "决定日期", "决定机关", "决定文书号", "案号"]
ERROR_HEADER = ["原行号", "错误字段", "错误代码", "错误说明"]


@pytest.fixture
def item(db):
    return make_item(code="wage-arrears")


@pytest.fixture
def columns(item):
    return catalog_item_table_schema(item)["fields"]


def rejected(**changes):
    values = {
        "source_id": "1001",
        "id_number": ID_NUMBER,
        "name": '=HYPERLINK("http://example.invalid")',
        "decided_on": "2026-02-30",
        "authority": "人社局",
        "document_no": "",
        "case_no": "",
    }
    values.update(changes)
    errors = [
        RowError(
            12, "decided_on", row_error_codes.DATE_INVALID, "第12行“决定日期”：不是有效的日期。", ""
        ),
        RowError(12, "case_no", row_error_codes.FIELD_REQUIRED, "第12行“案号”：必填项为空。", ""),
    ]
    return {"row_number": 12, "values": values, "errors": errors}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86 452", "'+86 452"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("张三", "张三"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise_cell_prefixes_text_that_starts_a_formula(value, expected):
    # when
    neutralised = neutralise_cell(value)

    # then
    assert neutralised == expected


def test_csv_has_a_bom_the_titles_the_values_and_the_errors(columns):
    # when
    data = rejected_rows_csv([rejected()], columns=columns)

    # then
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines == [
        HEADER + ERROR_HEADER,
        [
            "1001",
            ID_NUMBER,
            '\'=HYPERLINK("http://example.invalid")',
            "2026-02-30",
            "人社局",
            "",
            "",
            "12",
            "决定日期\n案号",
            "date_invalid\nfield_required",
            "第12行“决定日期”：不是有效的日期。\n第12行“案号”：必填项为空。",
        ],
    ]


def test_xlsx_has_the_same_cells_with_formulas_neutralised(columns):
    # given
    row = rejected(authority="-人社局", decided_on=date(2026, 3, 1))

    # when
    data = rejected_rows_xlsx([row, rejected(source_id=1002)], columns=columns)

    # then
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert sheet.title == "数据"
    assert cells[0] == HEADER + ERROR_HEADER
    assert cells[1][:7] == [
        "1001",
        ID_NUMBER,
        '\'=HYPERLINK("http://example.invalid")',
        "2026-03-01",
        "'-人社局",
        None,
        None,
    ]
    assert cells[1][7:] == [
        12,
        "决定日期\n案号",
        "date_invalid\nfield_required",
        "第12行“决定日期”：不是有效的日期。\n第12行“案号”：必填项为空。",
    ]
    assert cells[2][0] == 1002
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


@pytest.mark.parametrize("writer", [rejected_rows_csv, rejected_rows_xlsx])
def test_export_reads_back_with_open_table_and_the_error_columns_ignored(item, columns, writer):
    # given
    data = writer([rejected(case_no="A-1", decided_on="2026-03-01")], columns=columns)

    # when
    table = open_table(data, item=item)

    # then
    assert table.file_errors == []
    assert table.file_warnings == []
    assert [row.row_number for row in table.rows()] == [2]
    assert next(table.rows()).values["case_no"] == "A-1"


def test_errors_given_as_dicts_are_written_like_row_errors(columns):
    # given
    row = rejected()
    row["errors"] = [{"field": "case_no", "code": "field_required", "message": "必填"}]

    # when
    data = rejected_rows_csv([row], columns=columns)

    # then
    line = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
    assert line[7:] == ["12", "案号", "field_required", "必填"]
