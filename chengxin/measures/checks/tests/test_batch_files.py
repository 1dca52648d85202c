"""Batch-check files: the shared bounded reader (XLSX dimensions that lie, zip bombs refused
from the directory, encodings detected honestly, Excel's Unicode text)."""

from __future__ import annotations

import io
import random
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from chengxin.collection.ingest import row_error_codes
from chengxin.core.errors import DomainError
from chengxin.measures.checks import error_codes
from chengxin.measures.checks.batch import input_from_file
from chengxin.measures.checks.tests.factories import CHECKS, PROCUREMENT, id_number

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
MIB = 1024 * 1024


def _workbook(cells: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for value in cells:
        sheet.append([value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet(original: bytes, write_sheet) -> bytes:
    """``original`` with its first sheet's XML replaced by what ``write_sheet(stream, xml)``
    writes (the original sheet's XML as bytes is given)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for member in source.infolist():
            content = source.read(member)
            if member.filename == SHEET:
                with target.open(SHEET, "w") as stream:
                    write_sheet(stream, content)
            else:
                target.writestr(member, content)
    return buffer.getvalue()


def _post(client, headers, content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(
        f"{CHECKS}/batch",
        {"file": upload, "matter": PROCUREMENT, "case_no": "批-9", "purpose": "资格审查"},
        **headers,
    )


def test_batch_xlsx_whose_declared_dimension_is_too_small_is_read_whole(client, items, tax_officer):
    # given: a header and six numbers, the sheet declaring only A1:A3
    _user, headers = tax_officer
    numbers = [id_number(sequence) for sequence in range(1, 7)]
    original = _workbook(["身份证号码", *numbers])

    def lying(stream, xml):
        stream.write(xml.replace(b'<dimension ref="A1:A7"', b'<dimension ref="A1:A3"'))

    content = _with_sheet(original, lying)

    # when
    response = _post(client, headers, content, "名单.xlsx")

    # then
    assert b'<dimension ref="A1:A3"' in zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    assert response.status_code == 200, response.content
    assert [(row["row"], row["outcome"]) for row in response.json()["rows"]] == [
        (2, "no_records"),
        (3, "no_records"),
        (4, "no_records"),
        (5, "no_records"),
        (6, "no_records"),
        (7, "no_records"),
    ]


def _bomb_sheet(stream, xml) -> None:
    """A header and 190 MiB of rows (ID-like numbers from a small pool) in blocks of 1 MiB,
    under a ``<dimension>`` that tells the truth."""
    rng = random.Random(5)
    rows, size = [], 0
    while size < MIB:
        number = f"2302021980{rng.randrange(1000):04d}0121"
        line = f'<row><c t="inlineStr"><is><t>{number}</t></is></c></row>'
        rows.append(line)
        size += len(line)
    block = "".join(rows).encode()
    head = re.sub(
        rb'<dimension ref="[^"]*"',
        f'<dimension ref="A1:A{1 + 190 * len(rows)}"'.encode(),
        xml.split(b"<sheetData")[0],
    )
    header = '<row><c t="inlineStr"><is><t>身份证号码</t></is></c></row>'.encode()
    stream.write(head + b"<sheetData>" + header)
    for _ in range(190):
        stream.write(block)
    stream.write(b"</sheetData></worksheet>")


def test_batch_xlsx_unpacking_to_190_mib_is_refused_from_the_zip_directory(items):
    # given: a few megabytes whose sheet unpacks to 190 MiB
    content = _with_sheet(_workbook(["身份证号码"]), _bomb_sheet)
    declared = zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET).file_size

    # when
    tracemalloc.start()
    try:
        with pytest.raises(DomainError) as refused:
            input_from_file(content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then: refused with the reason, and nothing of the sheet was unpacked or parsed
    assert len(content) < 20 * MIB
    assert declared >= 190 * MIB
    error = refused.value
    assert (error.status, error.code) == (422, error_codes.BATCH_FILE_REFUSED)
    assert [problem["code"] for problem in error.details["file_errors"]] == [
        row_error_codes.FILE_UNPACKED_TOO_LARGE
    ]
    assert error.message == "XLSX文件解压后超过64MB的上限或压缩比异常，请检查文件或另存为CSV。"
    assert peak < MIB


def test_batch_shift_jis_file_is_refused_with_the_encoding_code(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    lines = ["氏名,id_number"] + [
        f"{name},{id_number(sequence)}"
        for sequence, name in enumerate(["山田太郎", "佐藤花子", "鈴木一郎", "高橋健"], 1)
    ]
    content = "\r\n".join(lines).encode("shift_jis")

    # when
    response = _post(client, headers, content, "名单.csv")

    # then
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == error_codes.BATCH_FILE_REFUSED
    assert [problem["code"] for problem in body["file_errors"]] == [
        row_error_codes.FILE_ENCODING_INVALID
    ]
    assert body["detail"] == "文件编码无法识别，请保存为UTF-8或GB18030编码的CSV文件。"


def test_batch_unicode_text_from_excel_is_checked(client, items, tax_officer):
    # given: Excel's "Unicode text" export: UTF-16 LE with a byte-order mark, tab-separated
    _user, headers = tax_officer
    lines = ["姓名\t身份证号码"] + [f"某\t{id_number(sequence)}" for sequence in (1, 2)]
    lines.append("某\tnot-a-number")
    content = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le")

    # when
    response = _post(client, headers, content, "名单.txt")

    # then
    assert content[:2] == b"\xff\xfe"
    assert response.status_code == 200, response.content
    assert [(row["row"], row["outcome"]) for row in response.json()["rows"]] == [
        (2, "no_records"),
        (3, "no_records"),
        (4, "invalid"),
    ]
