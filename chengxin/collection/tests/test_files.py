"""Reading department files: CSV encodings and delimiters, XLSX templates and exports, limits."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date

import pytest
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from chengxin.catalog.choices import Category, FieldSet, Severity
from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.catalog.tests.factories import make_item, own_field
from chengxin.catalog.xlsx import catalog_item_template_xlsx
from chengxin.collection.ingest import files, row_error_codes
from chengxin.collection.ingest.files import SourceRow, open_table

pytestmark = pytest.mark.django_db

ID_NUMBER = "230202198005010121"
BASIC_HEADER = (
    "记录编号,身份证号码,姓名,决定日期,决定机关,决定文书号,案号,涉及人数,列入期限截止日,是否已清偿"
)


@pytest.fixture
def item():
    return make_item(
        code="wage-arrears",
        schema={
            "fields": [
                own_field("case_no", "案号"),
                {"name": "workers", "title": "涉及人数", "type": "integer"},
                {"name": "listed_until", "title": "列入期限截止日", "type": "date"},
                {"name": "paid", "title": "是否已清偿", "type": "boolean"},
            ]
        },
    )


@pytest.fixture
def penalty_item():
    return make_item(
        code="fine",
        name="行政处罚",
        category=Category.NEGATIVE,
        severity=Severity.GENERAL,
        field_set=FieldSet.PENALTY,
    )


def basic_values(**changes):
    values = {
        "source_id": "1001",
        "id_number": ID_NUMBER,
        "name": "张三",
        "decided_on": "2026-03-01",
        "authority": "齐齐哈尔市人力资源和社会保障局",
        "document_no": "齐人社罚〔2026〕1号",
        "case_no": "A-1",
        "workers": "3",
        "listed_until": "2027/3/1",
        "paid": "否",
    }
    values.update(changes)
    return values


def csv_bytes(lines, *, encoding="utf-8", delimiter=","):
    return "\r\n".join(delimiter.join(line) for line in lines).encode(encoding) + b"\r\n"


def basic_line(**changes):
    return list(basic_values(**changes).values())


def filled_template(item, rows):
    """The item's import template with ``rows`` (lists of cell values) from row 3 on."""
    workbook = load_workbook(io.BytesIO(catalog_item_template_xlsx(item)))
    sheet = workbook.worksheets[0]
    for offset, cells in enumerate(rows):
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=3 + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_workbook(rows):
    workbook = Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_utf8_csv_is_read_with_row_numbers_as_in_the_file(item):
    # given
    data = csv_bytes([BASIC_HEADER.split(","), basic_line(), basic_line(source_id="1002")])

    # when
    table = open_table(data, item=item)

    # then
    assert table.kind == files.KIND_CSV
    assert table.file_errors == []
    assert table.file_warnings == []
    assert list(table.rows()) == [
        SourceRow(row_number=2, values=basic_values()),
        SourceRow(row_number=3, values=basic_values(source_id="1002")),
    ]


def test_utf8_csv_with_bom_reads_the_first_header(item):
    # given
    data = b"\xef\xbb\xbf" + csv_bytes([BASIC_HEADER.split(","), basic_line()])

    # when
    table = open_table(data, item=item)

    # then
    assert table.layout.columns[0] == "source_id"
    assert [row.values for row in table.rows()] == [basic_values()]


def test_gb18030_csv_with_national_titles_and_colons_is_detected(penalty_item):
    # given
    header = ["记录编号", "证件号码：", "行政相对人名称", "处罚决定日期", "处罚机关", "文号"]
    header += ["违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额(万元)"]
    header += ["案号"]
    line = [
        "1001",
        ID_NUMBER,
        "李四",
        "2026年3月1日",
        "齐齐哈尔市市场监督管理局",
        "齐市监罚〔2026〕7号",
    ]
    line += ["虚假宣传", "发布虚假广告", "《广告法》第五十五条", "罚款", "罚款五万元", "5", "B-7"]
    data = csv_bytes([header, line], encoding="gb18030")

    # when
    table = open_table(data, item=penalty_item)

    # then
    assert table.encoding == "gb18030"
    assert table.file_errors == []
    rows = list(table.rows())
    assert rows[0].values["id_number"] == ID_NUMBER
    assert rows[0].values["fine_amount"] == "5"
    assert rows[0].values["decided_on"] == "2026年3月1日"
    assert rows[0].values["name"] == "李四"


def test_utf8_character_cut_at_the_sample_boundary_stays_utf8(item):
    # given
    header = BASIC_HEADER.encode("utf-8") + b"\r\n"
    filler = b"x" * (files.ENCODING_SAMPLE_BYTES - len(header) - 1)
    data = header + filler + "张".encode() + b"\r\n"

    # when
    table = open_table(data, item=item)

    # then
    assert data[files.ENCODING_SAMPLE_BYTES - 1 : files.ENCODING_SAMPLE_BYTES + 2] == "张".encode()
    assert table.encoding == "utf-8-sig"
    assert table.file_errors == []


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_delimiters_are_recognised(item, delimiter):
    # given
    data = csv_bytes([BASIC_HEADER.split(","), basic_line()], delimiter=delimiter)

    # when
    table = open_table(data, item=item)

    # then
    assert [row.values for row in table.rows()] == [basic_values()]


def test_blank_rows_are_skipped_and_spaces_stripped(item):
    # given
    data = csv_bytes(
        [BASIC_HEADER.split(","), [""] * 10, basic_line(name="  张三 "), ["", ""], basic_line()]
    )

    # when
    rows = list(open_table(data, item=item).rows())

    # then
    assert [row.row_number for row in rows] == [3, 5]
    assert rows[0].values["name"] == "张三"


def test_unknown_column_is_one_warning_for_the_file(item):
    # given
    header = [*BASIC_HEADER.split(","), "内部备注", "内部备注"]
    data = csv_bytes([header, [*basic_line(), "x", "y"], [*basic_line(), "z", "w"]])

    # when
    table = open_table(data, item=item)

    # then
    assert table.file_errors == []
    assert table.layout.unknown_columns == ("内部备注",)
    assert [warning.code for warning in table.file_warnings] == [
        row_error_codes.FILE_COLUMNS_UNKNOWN
    ]
    assert table.file_warnings[0].message == "以下列不属于该目录项，已忽略：内部备注。"
    assert [row.values for row in table.rows()] == [basic_values(), basic_values()]


def test_missing_required_columns_are_one_error_naming_their_titles(item):
    # given
    data = csv_bytes(
        [["记录编号", "姓名", "决定日期", "决定机关"], ["1", "张三", "2026-03-01", "局"]]
    )

    # when
    table = open_table(data, item=item)

    # then
    assert table.layout.missing_fields == ("id_number", "case_no")
    assert [(error.code, error.message, error.message_en) for error in table.file_errors] == [
        (
            row_error_codes.FILE_COLUMNS_MISSING,
            "缺少必填列：身份证号码、案号。请使用导入模板的列标题。",
            "Required columns are missing: 身份证号码、案号. "
            "Use the column titles of the import template.",
        )
    ]
    assert list(table.rows()) == []


def test_two_columns_naming_one_field_are_an_error(item):
    # given
    header = [*BASIC_HEADER.split(","), "身份证号"]

    # when
    table = open_table(csv_bytes([header, [*basic_line(), ID_NUMBER]]), item=item)

    # then
    assert table.layout.duplicate_fields == ("id_number",)
    assert [error.code for error in table.file_errors] == [row_error_codes.FILE_COLUMN_DUPLICATE]
    assert table.file_errors[0].message == "以下字段对应了多个列：身份证号码。每个字段只能有一列。"


def test_template_xlsx_maps_by_the_hidden_field_names_and_reads_excel_values(item):
    # given
    first = [1001, ID_NUMBER, " 张三 ", date(2026, 3, 1), "人社局", "", "A-1", 3.0]
    first += [46447, "是"]
    second = [1002, ID_NUMBER, "李四", "2026/3/2", "人社局", "文1", "A-2", 4, None, "否"]
    data = filled_template(item, [first, [None] * 10, second])

    # when
    table = open_table(data, item=item)

    # then
    assert table.kind == files.KIND_XLSX
    assert table.file_errors == []
    assert table.layout.header_row == 2
    rows = list(table.rows())
    assert [row.row_number for row in rows] == [3, 5]
    assert rows[0].values == {
        "source_id": 1001,
        "id_number": ID_NUMBER,
        "name": "张三",
        "decided_on": date(2026, 3, 1),
        "authority": "人社局",
        "document_no": "",
        "case_no": "A-1",
        "workers": 3,
        "listed_until": 46447,
        "paid": "是",
    }
    assert rows[1].values["listed_until"] == ""


def test_plain_xlsx_header_row_with_field_names_and_titles(item):
    # given
    header = ["source_id", "ID_NUMBER", "姓名", "决定日期", "决定机关", "案号"]
    data = plain_workbook([header, ["1001", ID_NUMBER, "张三", date(2026, 3, 1), "局", "A-1"]])

    # when
    table = open_table(data, item=item)

    # then
    assert table.layout.header_row == 1
    assert [row.values for row in table.rows()] == [
        {
            "source_id": "1001",
            "id_number": ID_NUMBER,
            "name": "张三",
            "decided_on": date(2026, 3, 1),
            "authority": "局",
            "case_no": "A-1",
        }
    ]


def test_xlsx_with_a_wrong_dimension_and_leading_blank_rows_is_read_whole(item):
    # given
    header = ["记录编号", "身份证号码", "姓名", "决定日期", "决定机关", "案号"]
    line = ["1001", ID_NUMBER, "张三", "2026-03-01", "局", "A-1"]
    original = plain_workbook([[None], [None], header, line])
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:F4" />', b'<dimension ref="A1" />')
            target.writestr(member, content)

    # when
    table = open_table(buffer.getvalue(), item=item)

    # then
    assert b'<dimension ref="A1:F4" />' in zipfile.ZipFile(io.BytesIO(original)).read(
        "xl/worksheets/sheet1.xml"
    )
    assert table.file_errors == []
    assert table.layout.header_row == 3
    assert [(row.row_number, row.values["case_no"]) for row in table.rows()] == [(4, "A-1")]


def test_gb18030_header_with_full_width_brackets_and_spaces_matches(penalty_item):
    # given
    header = ["记录编号", "证件号码 （居民身份证号）", "当事人"]
    data = csv_bytes([header, ["1", ID_NUMBER, "王五"]], encoding="gb18030")

    # when
    table = open_table(data, item=penalty_item)

    # then
    assert table.encoding == "gb18030"
    assert table.layout.columns == {0: "source_id", 1: "id_number", 2: "name"}


def test_rows_resume_after_a_given_row(item):
    # given
    lines = [basic_line(source_id=str(number)) for number in range(1, 5)]
    table = open_table(csv_bytes([BASIC_HEADER.split(","), *lines]), item=item)

    # when
    rows = list(table.rows(start_after=3))

    # then
    assert [(row.row_number, row.values["source_id"]) for row in rows] == [(4, "3"), (5, "4")]


def test_file_path_is_read_like_bytes_and_hashed(item, tmp_path):
    # given
    data = csv_bytes([BASIC_HEADER.split(","), basic_line()])
    path = tmp_path / "upload.bin"
    path.write_bytes(data)

    # when
    table = open_table(path, item=item)

    # then
    assert table.content_hash == open_table(data, item=item).content_hash
    assert len(table.content_hash) == 64
    assert table.size == len(data)
    assert [row.values for row in table.rows()] == [basic_values()]


def test_same_content_has_the_same_hash_and_other_content_another(item):
    # given
    data = csv_bytes([BASIC_HEADER.split(","), basic_line()])

    # when
    first = open_table(data, item=item).content_hash
    second = open_table(data + b"\r\n", item=item).content_hash

    # then
    assert first == open_table(bytes(data), item=item).content_hash
    assert first != second


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", row_error_codes.FILE_EMPTY),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", row_error_codes.FILE_TYPE_UNSUPPORTED),
        (b"PK\x03\x04 not really a zip", row_error_codes.FILE_CORRUPT),
        (b"\r\n\r\n", row_error_codes.FILE_HEADER_MISSING),
    ],
)
def test_unreadable_content_is_refused_with_one_file_error(item, data, code):
    # when
    table = open_table(data, item=item)

    # then
    assert [error.code for error in table.file_errors] == [code]
    assert list(table.rows()) == []


@pytest.mark.parametrize(
    "members",
    [
        {"[Content_Types].xml": "<Types/>"},
        {"[Content_Types].xml": "<Types", "xl/workbook.xml": "<broken"},
    ],
)
def test_xlsx_whose_parts_are_missing_or_broken_is_corrupt(item, members):
    # given
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)

    # when
    table = open_table(buffer.getvalue(), item=item)

    # then
    assert [error.code for error in table.file_errors] == [row_error_codes.FILE_CORRUPT]


def test_csv_cell_beyond_the_csv_field_limit_is_a_file_error(item):
    # given
    data = csv_bytes([BASIC_HEADER.split(","), basic_line(), basic_line(name="x" * 200_000)])
    table = open_table(data, item=item)

    # when
    rows = list(table.rows())

    # then
    assert [row.row_number for row in rows] == [2]
    assert [error.code for error in table.file_errors] == [row_error_codes.FILE_CORRUPT]


def test_zip_that_is_not_xlsx_is_refused(item):
    # given
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "hello")

    # when
    table = open_table(buffer.getvalue(), item=item)

    # then
    assert [error.code for error in table.file_errors] == [row_error_codes.FILE_TYPE_UNSUPPORTED]


def test_xlsx_declaring_a_huge_unpacked_size_is_refused_before_opening(item):
    # given
    data = bytearray(filled_template(item, []))
    directory = data.index(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = struct.pack("<I", 0xFFFFFFF0)

    # when
    table = open_table(bytes(data), item=item)

    # then
    assert [error.code for error in table.file_errors] == [row_error_codes.FILE_UNPACKED_TOO_LARGE]
    assert table.file_errors[0].message_en == (
        "The XLSX file unpacks to more than 500 MB or is compressed abnormally; "
        "check the file or save it as CSV."
    )


def test_xlsx_with_an_abnormal_compression_ratio_is_refused(item):
    # given
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))

    # when
    table = open_table(buffer.getvalue(), item=item)

    # then
    assert [error.code for error in table.file_errors] == [row_error_codes.FILE_UNPACKED_TOO_LARGE]


@override_settings(CHENGXIN_UPLOAD_MAX_BYTES=1024 * 1024)
def test_file_over_the_size_limit_is_refused(item):
    # given
    data = csv_bytes([BASIC_HEADER.split(",")] + [basic_line()] * 10_000)

    # when
    table = open_table(data, item=item)

    # then
    assert [(error.code, error.message) for error in table.file_errors] == [
        (row_error_codes.FILE_TOO_LARGE, "文件超过1MB的大小上限，请拆分后分别上传。")
    ]


@override_settings(CHENGXIN_UPLOAD_MAX_ROWS=2)
def test_file_over_the_row_limit_stops_with_a_file_error(item):
    # given
    lines = [basic_line(source_id=str(number)) for number in range(1, 4)]
    table = open_table(csv_bytes([BASIC_HEADER.split(","), [""], *lines]), item=item)

    # when
    rows = list(table.rows())

    # then
    assert [row.row_number for row in rows] == [3, 4]
    assert [(error.code, error.message) for error in table.file_errors] == [
        (row_error_codes.FILE_TOO_MANY_ROWS, "文件超过2行的行数上限，请拆分后分别上传。")
    ]


def test_utf8_file_broken_after_the_sample_reports_an_encoding_error(item):
    # given
    header = BASIC_HEADER.encode("utf-8") + b"\r\n"
    data = header + b"x" * files.ENCODING_SAMPLE_BYTES + b"\xff\xfe\r\n"
    table = open_table(data, item=item)

    # when
    rows = list(table.rows())

    # then
    assert rows == []
    assert [error.code for error in table.file_errors] == [row_error_codes.FILE_ENCODING_INVALID]


def test_schema_of_a_stored_version_can_be_given_instead_of_the_item(item):
    # given
    schema = catalog_item_table_schema(item)
    data = csv_bytes([BASIC_HEADER.split(","), basic_line()])

    # when
    table = open_table(data, schema=schema)

    # then
    assert [row.values for row in table.rows()] == [basic_values()]
