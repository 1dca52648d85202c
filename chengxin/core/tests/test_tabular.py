"""The bounded reader of uploaded tables (chengxin.core.tabular): hostile files, encodings,
XLSX values, memory and unpacking bounds."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections import deque
from datetime import date, datetime

import pytest

from chengxin.core import error_codes, tabular
from chengxin.core.tabular import Limits, TabularRefused, open_tabular
from chengxin.core.tabular.encodings import plausibly_chinese
from chengxin.core.tests.hostile_files import (
    LIMITS,
    MAIN,
    MIB,
    SHEET,
    hostile_files,
    inline,
    shared_strings_xml,
    sheet_xml,
    workbook_parts,
    xlsx,
    zipped,
)

HOSTILE = hostile_files()


def _read(data: bytes, *, limits: Limits = LIMITS, max_columns: int | None = None):
    table = open_tabular(data, limits=limits)
    return [(number, tuple(cells)) for number, cells in table.rows(max_columns=max_columns)]


def _refusal_code(data: bytes, *, limits: Limits = LIMITS) -> str | None:
    try:
        _read(data, limits=limits)
    except TabularRefused as refused:
        return refused.code
    return None


@pytest.mark.parametrize("hostile", HOSTILE, ids=[hostile.name for hostile in HOSTILE])
def test_hostile_file_is_refused_with_its_code_or_read_as_plain_values(hostile):
    # when
    try:
        outcome = ("rows", tuple(_read(hostile.data)))
    except TabularRefused as refused:
        outcome = ("refused", refused.code)

    # then
    expected = ("refused", hostile.refusal) if hostile.refusal else ("rows", hostile.rows)
    assert outcome == expected


@pytest.mark.parametrize(
    ("name", "bound"),
    [
        ("zip-bomb-ratio", MIB),
        ("zip-bomb-declared-size", MIB),
        ("zip-bomb-overlapping-entries", MIB),
        # Refused at the 100,001st element of one row: what those elements take, no more.
        ("xlsx-deep-nesting", 48 * MIB),
    ],
)
def test_bombs_are_refused_in_bounded_memory(name, bound):
    # given
    hostile = next(hostile for hostile in HOSTILE if hostile.name == name)

    # when
    tracemalloc.start()
    try:
        code = _refusal_code(hostile.data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then
    assert code == hostile.refusal
    assert peak < bound


def test_a_bomb_is_refused_from_the_directory_without_unpacking_anything():
    # given
    hostile = next(hostile for hostile in HOSTILE if hostile.name == "zip-bomb-ratio")
    declared = sum(
        member.file_size for member in zipfile.ZipFile(io.BytesIO(hostile.data)).infolist()
    )

    # when
    with pytest.raises(TabularRefused) as refused:
        open_tabular(hostile.data, limits=LIMITS)

    # then
    assert declared > 6 * MIB
    assert refused.value.code == error_codes.FILE_UNPACKED_TOO_LARGE
    assert refused.value.message == (
        "XLSX文件解压后超过8MB的上限或压缩比异常，请检查文件或另存为CSV。"
    )


def _numbers_and_strings(rows: int) -> bytes:
    strings = [f"齐齐哈尔市第{n}税务所" for n in range(100)]
    body = "".join(
        f'<row r="{n + 1}"><c r="A{n + 1}" t="s"><v>{n % 100}</v></c>'
        f'<c r="B{n + 1}"><v>{n}</v></c><c r="C{n + 1}"><v>{n}.5</v></c></row>'
        for n in range(rows)
    )
    return xlsx(sheet_xml(body), shared_strings=shared_strings_xml(strings))


def _peak_of_reading(data: bytes) -> tuple[tuple, int, int]:
    """The last row, the peak of traced memory while reading every row, and the bytes the
    reader unpacked."""
    table = open_tabular(data, limits=Limits(max_unpacked_bytes=64 * MIB))
    tracemalloc.start()
    try:
        last = deque(table.rows(), maxlen=1).pop()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return last, peak, table.unpacked_bytes


def test_a_large_sheet_is_read_in_memory_that_does_not_grow_with_it():
    # given: 6,000 and 60,000 rows of numbers and a few shared strings (5 MiB of sheet XML)
    small, large = _numbers_and_strings(6_000), _numbers_and_strings(60_000)
    declared = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(large)).infolist())
    _peak_of_reading(small)  # the reader's one-time tables

    # when
    _last, small_peak, _unpacked = _peak_of_reading(small)
    last, large_peak, unpacked = _peak_of_reading(large)

    # then: ten times the rows, the same memory (a chunk of the sheet and its rows at a time)
    assert last == (60_000, ["齐齐哈尔市第99税务所", 59_999, 59_999.5])
    assert declared > 5 * MIB
    assert large_peak < small_peak + MIB
    assert large_peak < 8 * MIB
    assert declared - 2 * 1024 < unpacked <= declared


def test_the_header_is_read_without_parsing_every_shared_string():
    # given
    strings = ["身份证号码"] + [f"值{n}" for n in range(50_000)]
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + "".join(
        f'<row r="{n + 1}"><c r="A{n + 1}" t="s"><v>{n}</v></c></row>' for n in range(1, 50_000)
    )
    shared = shared_strings_xml(strings)
    table = open_tabular(xlsx(sheet_xml(rows), shared_strings=shared), limits=LIMITS)

    # when
    rows_iterator = table.rows()
    header = next(rows_iterator)
    rows_iterator.close()

    # then
    assert header == (1, ["身份证号码"])
    assert table.unpacked_bytes < len(shared.encode()) // 2


def test_declared_dimension_is_ignored_and_row_gaps_keep_their_numbers():
    # given
    rows = '<row r="2"><c r="B2"><v>1</v></c></row><row r="900"><c r="A900"><v>2</v></c></row>'

    # when
    read = _read(xlsx(sheet_xml(rows, dimension="A1")))

    # then
    assert read == [(2, ("", 1)), (900, (2,))]


def test_rows_are_cut_to_max_columns_but_a_row_with_values_only_beyond_is_not_blank():
    # given
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="D1"><v>4</v></c></row><row r="2"><c r="C2"><v>3</v></c></row>'
    text = b"1,,,4\r\n,,3\r\n,,\r\n"

    # when
    from_xlsx = _read(xlsx(sheet_xml(rows)), max_columns=2)
    from_text = _read(text, max_columns=2)

    # then
    assert from_xlsx == [(1, (1, "")), (2, ("", ""))]
    assert from_text == [(1, ("1", "")), (2, ("", ""))]


def test_xlsx_cell_values_of_every_kind():
    # given: built-in date style 14, a custom datetime format, a duration, a 1900 serial
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="2">'
        '<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
        '<numFmt numFmtId="165" formatCode="[h]:mm:ss"/></numFmts>'
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
        '<xf numFmtId="165"/></cellXfs></styleSheet>'
    )
    cells = (
        '<row r="1"><c r="A1" s="1"><v>46082</v></c><c r="B1" s="2"><v>46082.5</v></c>'
        '<c r="C1" s="3"><v>1.5</v></c><c r="D1"><v>3.0</v></c><c r="E1"><v>2.5</v></c>'
        '<c r="F1" t="b"><v>1</v></c><c r="G1" t="b"><v>0</v></c><c r="H1" t="e"><v>#N/A</v></c>'
        '<c r="I1" t="d"><v>2026-03-01T00:00:00</v></c><c r="J1"><v>1e999</v></c>'
        '<c r="K1" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r><rPh><t>ふ</t></rPh></is></c>'
        '<c r="L1" t="inlineStr"><is><t> 行1_x000D_行2 </t></is></c></row>'
    )

    # when
    read = _read(xlsx(sheet_xml(cells), styles=styles))

    # then
    assert read == [
        (
            1,
            (
                date(2026, 3, 1),
                datetime(2026, 3, 1, 12, 0),  # noqa: DTZ001 - a naive Excel cell value
                1.5,
                3,
                2.5,
                True,
                False,
                "#N/A",
                date(2026, 3, 1),
                "1e999",
                "富文本",
                "行1\r行2",
            ),
        )
    ]


def test_dates_of_a_1904_workbook_count_from_1904():
    # given
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'
    cells = '<row r="1"><c r="A1" s="1"><v>44620</v></c></row>'

    # when
    read = _read(xlsx(sheet_xml(cells), styles=styles, date1904=True))

    # then
    assert read == [(1, (date(2026, 3, 1),))]


def test_prefixed_namespaces_and_part_names_in_other_case_are_read():
    # given: an exporter writing x: prefixes and upper-case part names
    sheet = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'
        '<x:c r="A1" t="inlineStr"><x:is><x:t>张三</x:t></x:is></x:c></x:row></x:sheetData>'
        "</x:worksheet>"
    )
    parts = workbook_parts(sheet, sheet_target="Worksheets/Sheet1.xml")
    parts["xl/Worksheets/Sheet1.xml"] = parts.pop(SHEET)

    # when
    read = _read(zipped(parts))

    # then
    assert read == [(1, ("张三",))]


def test_a_workbook_without_package_relationships_is_found_at_its_usual_place():
    # given
    parts = workbook_parts(sheet_xml('<row r="1">' + inline("A", 1, "一") + "</row>"))
    del parts["_rels/.rels"]

    # when
    read = _read(zipped(parts))

    # then
    assert read == [(1, ("一",))]


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("身份证号码,姓名\r\n230202198005170015,张三\r\n", "utf-8", "utf-8-sig"),
        ("\ufeff身份证号码,姓名\r\n230202198005170015,张三\r\n", "utf-8", "utf-8-sig"),
        ("\ufeff身份证号码\t姓名\r\n", "utf-16-le", "utf-16"),
        ("\ufeff身份证号码\t姓名\r\n", "utf-16-be", "utf-16"),
        ("身份证号码,姓名\r\n230202198005170015,王喆\r\n", "gbk", "gb18030"),
        ("id_number,name\r\n230202198005170015,王\U00020000明\r\n", "gb18030", "gb18030"),
    ],
)
def test_accepted_encodings_are_detected(text, encoding, expected):
    # when
    table = open_tabular(text.encode(encoding), limits=LIMITS)

    # then
    assert table.encoding == expected
    assert next(table.rows())[1][0] in {"身份证号码", "id_number"}


def test_gb18030_is_only_accepted_for_plausible_chinese():
    # given: the same records in Chinese (GBK) and Japanese (Shift-JIS, EUC-JP), both decoded
    # as GB18030
    chinese = "齐齐哈尔市市场监督管理局，违法事实：发布虚假广告。王喆、李玥、赵镕".encode("gbk")
    japanese = "東京都千代田区役所、違反事実：虚偽広告を掲載した。山田太郎".encode("shift_jis")
    kana = "やまだたろう、さとうはなこ、すずきいちろう".encode("euc_jp")
    latin = "Müller Jürgen Sørensen Ærøskøbing".encode("latin-1")

    # when / then
    assert plausibly_chinese(chinese.decode("gb18030")) is True
    assert plausibly_chinese(japanese.decode("gb18030")) is False
    assert plausibly_chinese(kana.decode("gb18030")) is False
    assert plausibly_chinese(latin.decode("gb18030")) is False


def test_refusals_name_the_problem_in_chinese():
    # when
    with pytest.raises(TabularRefused) as refused:
        open_tabular(
            "氏名,住所\r\n山田太郎,東京都千代田区役所\r\n".encode("shift_jis"), limits=LIMITS
        )

    # then
    assert (refused.value.code, refused.value.message, refused.value.message_en) == (
        error_codes.FILE_ENCODING_INVALID,
        "文件编码无法识别，请保存为UTF-8或GB18030编码的CSV文件。",
        "The file's encoding is not recognised; save the CSV file as UTF-8 or GB18030.",
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", error_codes.FILE_EMPTY),
        (b"x" * (4 * MIB + 1), error_codes.FILE_TOO_LARGE),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", error_codes.FILE_TYPE_UNSUPPORTED),
        (b"\xff\xfe\x00\x00a\x00\x00\x00", error_codes.FILE_ENCODING_INVALID),
    ],
)
def test_size_kind_and_encoding_are_checked_before_reading(data, code):
    # when
    with pytest.raises(TabularRefused) as refused:
        open_tabular(data, limits=LIMITS)

    # then
    assert refused.value.code == code


def test_estimated_rows_count_without_parsing():
    # given: 上 is 0x4E0A, a 0x0A byte that is no line feed in UTF-16
    utf16 = "\ufeff上\t上\r\n上\t上\r\n上\t上".encode("utf-16-le")
    utf8 = b"a,b\r\nc,d\r\n"
    sheet = xlsx(
        sheet_xml("".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in (1, 2, 5)))
    )

    # when
    counts = [open_tabular(data, limits=LIMITS).estimated_rows() for data in (utf16, utf8, sheet)]

    # then
    assert counts == [3, 2, 3]


def test_upload_limits_follow_the_settings(settings):
    # given
    settings.CHENGXIN_UPLOAD_MAX_BYTES = 1000
    settings.CHENGXIN_XLSX_MAX_UNPACKED_BYTES = 2000
    settings.CHENGXIN_XLSX_MAX_COMPRESSION_RATIO = 30

    # when
    limits = tabular.upload_limits()

    # then
    assert limits == Limits(max_bytes=1000, max_unpacked_bytes=2000, max_compression_ratio=30)
    assert tabular.upload_limits(max_bytes=5000).max_bytes == 5000
