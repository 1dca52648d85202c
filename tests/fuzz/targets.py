"""Fuzz targets: each takes the fuzzer's bytes, feeds them to one parser and checks its
properties. A violated property is an ``AssertionError``; any other exception the parser lets
out is a crash. Both fail the run.

A target is registered with ``@target(name, seeds=..., max_len=...)``; adding one more parser is
one function here (docs/development.md). Targets import the platform lazily, after Django is set
up by the runner.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Target:
    """One parser under fuzzing: ``check(data)`` and the seeds its corpus starts from."""

    name: str
    check: Callable[[bytes], None]
    seeds: Callable[[], list[bytes]]
    max_len: int


TARGETS: dict[str, Target] = {}


def target(name: str, *, seeds: Callable[[], list[bytes]], max_len: int):
    def register(check: Callable[[bytes], None]) -> Callable[[bytes], None]:
        TARGETS[name] = Target(name=name, check=check, seeds=seeds, max_len=max_len)
        return check

    return register


# --- the date parser ----------------------------------------------------------------------

_DATE_TEXTS = [
    "2026-03-01",
    "2026/3/1",
    "2026.3.1",
    "2026年3月1日",
    "2026年3月1",
    "２０２６－０３－０１",
    "20260301",
    " 2026-03-01 00:00:00 ",
    "2026-03-01T00:00",
    "46082",
    "46082.75",
    "60",
    "61",
    "73050",
    "73051",
    "2026-02-30",
    "0000-01-01",
    "9999-12-31",
    "1e5",
    "",
]


def _date_seeds() -> list[bytes]:
    texts = [b"t" + text.encode() for text in _DATE_TEXTS]
    numbers = [b"i" + struct.pack("<q", value) for value in (0, 1, 59, 60, 61, 46082, 73050, -1)]
    floats = [b"f" + struct.pack("<d", value) for value in (46082.5, 1e300, -0.0, 0.5)]
    return texts + numbers + floats


def _date_value(data: bytes) -> Any:
    """What the parser is given: text, an int, a float or a Decimal, told by the first byte."""
    mode, payload = data[:1], data[1:]
    if mode == b"i":
        return int.from_bytes(payload[:8].ljust(8, b"\x00"), "little", signed=True)
    if mode == b"f":
        return struct.unpack("<d", payload[:8].ljust(8, b"\x00"))[0]
    text = payload.decode("utf-8", "replace")
    if mode == b"d":
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    return text


@target("dates", seeds=_date_seeds, max_len=128)
def check_dates(data: bytes) -> None:
    """``parse_date`` returns a ``date`` (never a ``datetime``) or raises ``DateInvalid`` with
    its code; a date it returns reads back from its ISO form; serials stay within 1900-2099."""
    from chengxin.collection.ingest import row_error_codes
    from chengxin.collection.ingest.dates import DateInvalid, parse_date

    value = _date_value(data)
    try:
        result = parse_date(value)
    except DateInvalid as invalid:
        assert invalid.code == row_error_codes.DATE_INVALID
        return
    assert type(result) is date
    assert parse_date(result.isoformat()) == result
    if isinstance(value, int | float | Decimal):
        assert date(1900, 1, 1) <= result <= date(2099, 12, 31)


# --- the table reader ---------------------------------------------------------------------

_CELL_TYPES = (str, int, float, bool, date, datetime, time)


def fuzz_limits():
    from chengxin.core.tabular import Limits

    return Limits(max_bytes=MIB, max_unpacked_bytes=4 * MIB, max_compression_ratio=200)


def _checked_rows(rows: Iterator[tuple[int, list[Any]]], *, max_columns: int | None) -> int:
    """Row numbers increase, cells are plain values (strings stripped, no NUL), no more than
    ``max_columns``, and a row given with all its columns holds a value."""
    from chengxin.core.tabular import MAX_COLUMNS

    previous, count = 0, 0
    for number, cells in rows:
        assert type(number) is int and number > previous, (previous, number)
        previous = number
        assert isinstance(cells, list)
        assert len(cells) <= (MAX_COLUMNS if max_columns is None else max_columns)
        if max_columns is None:
            assert any(cell != "" for cell in cells)
        for cell in cells:
            assert isinstance(cell, _CELL_TYPES), type(cell)
            if isinstance(cell, str):
                assert "\x00" not in cell and cell == cell.strip()
        count += 1
    return count


def read_table(data: bytes) -> None:
    """Open ``data``, read it whole, then cut to two columns, and estimate its rows: nothing
    but ``TabularRefused`` may come out, and an XLSX never unpacks more than its parts declare
    (once per reading)."""
    from chengxin.core import error_codes
    from chengxin.core.tabular import TabularRefused, open_tabular

    known = {
        error_codes.FILE_EMPTY,
        error_codes.FILE_TYPE_UNSUPPORTED,
        error_codes.FILE_CORRUPT,
        error_codes.FILE_ENCODING_INVALID,
        error_codes.FILE_TOO_LARGE,
        error_codes.FILE_UNPACKED_TOO_LARGE,
    }
    try:
        table = open_tabular(data, limits=fuzz_limits())
        whole = _checked_rows(table.rows(), max_columns=None)
        narrow = _checked_rows(table.rows(max_columns=2), max_columns=2)
        assert whole == narrow
        assert table.estimated_rows() >= 0
    except TabularRefused as refused:
        assert refused.code in known, refused.code
        assert refused.message and refused.message_en
        return
    if table.kind == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(member.file_size for member in archive.infolist())
        assert declared <= fuzz_limits().max_unpacked_bytes
        assert table.unpacked_bytes <= 3 * declared


def _hostile(kind: str) -> list[bytes]:
    from chengxin.core.tests.hostile_files import hostile_files

    files = [hostile.data for hostile in hostile_files() if len(hostile.data) <= MIB]
    is_zip = [data.startswith(b"PK") for data in files]
    return [data for data, zipped in zip(files, is_zip, strict=True) if zipped == (kind == "zip")]


def _text_seeds() -> list[bytes]:
    plain = "身份证号码,姓名,决定日期\r\n230202198005170015,张三,2026-03-01\r\n"
    return [
        *_hostile("text"),
        plain.encode(),
        plain.encode("gb18030"),
        ("\ufeff" + plain.replace(",", "\t")).encode("utf-16-le"),
        ("\ufeff" + plain).encode("utf-16-be"),
        b'"a\r\nb",c\r\n"""q""",\r\n;;\r\n',
    ]


@target("text", seeds=_text_seeds, max_len=8192)
def check_text(data: bytes) -> None:
    read_table(data)


def _package_seeds() -> list[bytes]:
    from chengxin.core.tests.hostile_files import sheet_xml, xlsx

    return [*_hostile("zip"), xlsx(sheet_xml(_SAMPLE_ROWS), styles=_STYLES)]


@target("xlsx_package", seeds=_package_seeds, max_len=64 * 1024)
def check_xlsx_package(data: bytes) -> None:
    read_table(data)


_STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>'
    "</styleSheet>"
)
_SAMPLE_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="inlineStr"><is><t>决定日期</t></is></c></row>'
    '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" s="1"><v>46082</v></c>'
    '<c r="C3" s="2"><v>46082.5</v></c><c r="D3" t="b"><v>1</v></c>'
    '<c r="E3"><f>SUM(1,2)</f><v>3</v></c><c r="F3" t="e"><v>#N/A</v></c>'
    '<c r="G3" t="str"><v>=cmd|x</v></c><c r="H3" t="d"><v>2026-03-01</v></c>'
    '<c r="I3" t="inlineStr"><is><r><t>富</t></r><rPh><t>ふ</t></rPh></is></c></row>'
    '<row><c t="s"><v>3</v></c><c><v>1.5e3</v></c></row>'
)
_SAMPLE_STRINGS = ["身份证号码", "姓名", "230202198005170015", " 张三_x000D_ "]


def _package(sheet: bytes, strings: bytes) -> bytes:
    from chengxin.core.tests.hostile_files import workbook_parts, zipped

    parts = workbook_parts(sheet, shared_strings=strings, styles=_STYLES)
    return zipped(parts, compression=zipfile.ZIP_STORED)


def _sheet_seeds() -> list[bytes]:
    from chengxin.core.tests.hostile_files import SHEET, sheet_xml

    sheets = [sheet_xml(_SAMPLE_ROWS).encode(), sheet_xml(_SAMPLE_ROWS, dimension="A1:A2").encode()]
    for data in _hostile("zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                sheets.append(archive.read(SHEET)[: 16 * 1024])
        except (zipfile.BadZipFile, KeyError, NotImplementedError, RuntimeError, ValueError):
            continue
    return sheets


@target("xlsx_sheet", seeds=_sheet_seeds, max_len=16 * 1024)
def check_xlsx_sheet(data: bytes) -> None:
    """The fuzzer's bytes as the first sheet of a well-formed package."""
    from chengxin.core.tests.hostile_files import shared_strings_xml

    read_table(_package(data, shared_strings_xml(_SAMPLE_STRINGS).encode()))


def _strings_seeds() -> list[bytes]:
    from chengxin.core.tests.hostile_files import MAIN, shared_strings_xml

    return [
        shared_strings_xml(_SAMPLE_STRINGS).encode(),
        (
            f'<sst xmlns="{MAIN}"><si><r><t>富</t></r><r><t>文本</t></r><rPh><t>x</t></rPh></si>'
            "<si/><si><t>_x005F_x000D_</t></si><si><t>a_x0000_</t></si></sst>"
        ).encode(),
    ]


@target("xlsx_shared_strings", seeds=_strings_seeds, max_len=16 * 1024)
def check_xlsx_shared_strings(data: bytes) -> None:
    """The fuzzer's bytes as the shared strings of a sheet that uses the first four."""
    from chengxin.core.tests.hostile_files import sheet_xml

    read_table(_package(sheet_xml(_SAMPLE_ROWS).encode(), data))


# --- the header matcher -------------------------------------------------------------------


def _schema() -> dict:
    from chengxin.catalog.fields import full_table_schema

    own = {
        "fields": [
            {"name": "case_no", "title": "案号", "aliases": ["案件编号", "Case No."]},
            {"name": "workers", "title": "涉及人数", "type": "integer"},
        ]
    }
    return full_table_schema(own, "penalty")


def _header_seeds() -> list[bytes]:
    return [
        "\t".join(headers).encode()
        for headers in (
            ["记录编号", "身份证号码", "姓名", "决定日期", "决定机关", "案号"],
            ["source_id", "ID_NUMBER", "* 姓名：", "证件号码 （居民身份证号）", "案号", "案号"],
            ["原行号", "错误字段", "错误代码", "错误说明", "", "  ", "内部备注", "12"],
            ["ＩＤ", "Case No.", "case_no", "涉及人数:"],
        )
    ]


@target("header_matcher", seeds=_header_seeds, max_len=2048)
def check_header_matcher(data: bytes) -> None:
    """Every mapped column is the field its header names; a field has one column, later ones
    are duplicates; missing fields are the required ones without a column; unknown columns
    name no field."""
    from chengxin.catalog.schema import header_map, normalise_header
    from chengxin.collection.ingest.files import match_headers

    headers: list[Any] = [
        int(text) if text.isascii() and text.isdigit() and len(text) < 20 else text
        for text in data.decode("utf-8", "replace").split("\t")
    ]
    schema = _schema()
    mapping = header_map(schema)
    layout = match_headers(headers, schema, header_row=1)
    assert layout.first_data_row == 2
    assert len(set(layout.columns.values())) == len(layout.columns)
    for index, name in layout.columns.items():
        assert mapping[normalise_header(headers[index])] == name
    assert set(layout.duplicate_fields) <= set(layout.columns.values())
    required = [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")]
    assert list(layout.missing_fields) == [n for n in required if n not in layout.columns.values()]
    for unknown in layout.unknown_columns:
        assert normalise_header(unknown) not in mapping


# --- the ID-number detector ----------------------------------------------------------------


def _detector_seeds() -> list[bytes]:
    from chengxin.identity.synthetic import synthetic_id_number

    number = synthetic_id_number(region_code="230202", birth_date=date(1980, 5, 17), sequence=1)
    full_width = number.translate({code: code + 0xFEE0 for code in range(0x30, 0x3A)})
    grouped = f"{number[:6]} {number[6:14]} {number[14:]}"
    return [
        text.encode()
        for text in (
            f"案号{number}号",
            f"ID{number[:-1]}x。",
            full_width,
            grouped,
            f"{number[:6]}-{number[6:14]}-{number[14:]}",
            number[:6] + number[8:17],  # a 15-digit old number
            "6222" + number + "01",  # inside a longer run of digits: no number
            "2026年3月1日罚款5000元",
            "",
        )
    ]


_HALF_WIDTH = {code + 0xFEE0: code for code in range(0x30, 0x3A)}


@target("id_number_detector", seeds=_detector_seeds, max_len=512)
def check_id_number_detector(data: bytes) -> None:
    """Every span the detector reports holds a number the platform's validation accepts (its
    sequence digits are in the span as typed), spans do not overlap, ``contains_id_number``
    agrees with them, and redacting leaves no number."""
    from chengxin.identity.detection import (
        contains_id_number,
        id_number_spans,
        redact_id_numbers,
    )
    from chengxin.identity.validation import validate_id_number

    text = data.decode("utf-8", "replace")
    spans = id_number_spans(text)
    assert contains_id_number(text) == bool(spans)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        assert validate_id_number(span.normalised).is_valid
        assert span.normalised[-4:-1] in text[span.start : span.end].translate(_HALF_WIDTH)
        previous_end = span.end
    assert not id_number_spans(redact_id_numbers(text))
