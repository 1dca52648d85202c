"""Hostile and malformed uploads, built in memory: the seed corpus of the fuzz harness
(``tests/fuzz``) and the cases of ``test_tabular.py``.

Each ``HostileFile`` says what the reader must make of it under ``LIMITS``: a refusal with its
code, or the rows it holds. Every file is small (the largest is a few hundred KiB); the zip bombs
are small because ``LIMITS`` are.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from typing import Any

from chengxin.core import error_codes
from chengxin.core.tabular import Limits

MIB = 1024 * 1024
LIMITS = Limits(max_bytes=4 * MIB, max_unpacked_bytes=8 * MIB, max_compression_ratio=200)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


@dataclass(frozen=True)
class HostileFile:
    """A file and what reading it must give: ``refusal`` (a code) or ``rows``."""

    name: str
    data: bytes
    refusal: str | None = None
    rows: tuple[tuple[int, tuple[Any, ...]], ...] | None = None


def sheet_xml(rows: str, *, dimension: str = "A1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def shared_strings_xml(items: list[str]) -> str:
    body = "".join(f"<si><t>{item}</t></si>" for item in items)
    return f'<sst xmlns="{MAIN}" count="{len(items)}">{body}</sst>'


def workbook_parts(
    sheet: str | bytes,
    *,
    shared_strings: str | bytes | None = None,
    styles: str | None = None,
    sheet_target: str = "worksheets/sheet1.xml",
    date1904: bool = False,
) -> dict[str, str | bytes]:
    """The parts of a minimal XLSX: content types, package and workbook relationships, the
    workbook, its first sheet and optionally shared strings and styles."""
    related = [("rId1", "worksheet", sheet_target)]
    parts: dict[str, str | bytes] = {"[Content_Types].xml": CONTENT_TYPES}
    if shared_strings is not None:
        related.append(("rId2", "sharedStrings", "sharedStrings.xml"))
        parts["xl/sharedStrings.xml"] = shared_strings
    if styles is not None:
        related.append(("rId3", "styles", "styles.xml"))
        parts["xl/styles.xml"] = styles
    relationships = "".join(
        f'<Relationship Id="{rel_id}" Type="{RELATIONSHIPS}/{kind}" Target="{target}"/>'
        for rel_id, kind, target in related
    )
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PACKAGE}">{relationships}</Relationships>'
    )
    properties = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">{properties}'
        '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    parts[SHEET] = sheet
    return parts


def zipped(parts: dict[str, str | bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def xlsx(sheet: str | bytes, **options: Any) -> bytes:
    return zipped(workbook_parts(sheet, **options))


def inline(column: str, row: int, text: str) -> str:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def _number_sheet(count: int, *, dimension: str = "A1") -> str:
    """A sheet of ``count`` rows, row n holding the number n in column A."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, count + 1))
    return sheet_xml(rows, dimension=dimension)


def _with_directory_change(data: bytes, offset: int, value: bytes) -> bytes:
    """``data`` with the first central directory entry's bytes at ``offset`` replaced."""
    changed = bytearray(data)
    entry = changed.index(b"PK\x01\x02")
    changed[entry + offset : entry + offset + len(value)] = value
    return bytes(changed)


def _overlapping_entries(count: int) -> bytes:
    """The overlapping-entry bomb: one deflated kernel that ``count`` directory entries all
    point into, each declaring the whole kernel as its data."""
    good = zipped({"[Content_Types].xml": CONTENT_TYPES, SHEET: b"<a/>" * 50_000})
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        kernel = archive.getinfo(SHEET)
    directory_start = good.index(b"PK\x01\x02")
    head = good[:directory_start]
    entries = b""
    first = good[directory_start : good.index(b"PK\x01\x02", directory_start + 4)]
    for number in range(count):
        name = f"xl/worksheets/sheet{number + 1}.xml".encode()
        entry = bytearray(first[:46]) + name
        struct.pack_into("<H", entry, 28, len(name))
        struct.pack_into("<H", entry, 30, 0)
        struct.pack_into("<I", entry, 20, kernel.compress_size)
        struct.pack_into("<I", entry, 24, kernel.file_size)
        struct.pack_into("<I", entry, 42, kernel.header_offset)
        entries += bytes(entry)
    content_entry = good[good.index(b"PK\x01\x02") :]
    content_entry = content_entry[: content_entry.index(b"PK\x05\x06")]
    directory = entries + content_entry
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, count + 2, count + 2, len(directory), len(head), 0
    )
    return head + directory + end


def _shift_jis_csv() -> bytes:
    lines = ["氏名,住所,id_number"] + [
        f"{name},東京都千代田区,230202198005170015"
        for name in ("山田太郎", "佐藤花子", "鈴木一郎", "高橋健", "田中美咲")
    ]
    return "\r\n".join(lines).encode("shift_jis")


def hostile_files() -> list[HostileFile]:
    """Every hostile file with what the reader must make of it (module docstring)."""
    big_zeros = b"\x00" * (6 * MIB)
    dimension_lie = xlsx(_number_sheet(6, dimension="A1:A3"))
    formula_cells = (
        '<row r="1"><c r="A1"><f>SUM(1,2)</f><v>3</v></c>'
        '<c r="B1" t="str"><f>CONCAT("=cmd|","x")</f><v>=cmd|x</v></c>'
        '<c r="C1"><f>NOW()</f></c>' + inline("D", 1, "=cmd|' /C calc'!A0") + "</row>"
    )
    return [
        HostileFile(
            "csv-formula-injection",
            b"a,b,c,d\r\n=cmd|' /C calc'!A0,+1+1,-2+3,@SUM(A1)\r\n",
            rows=(
                (1, ("a", "b", "c", "d")),
                (2, ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)")),
            ),
        ),
        HostileFile(
            "xlsx-formula-cells",
            xlsx(sheet_xml(formula_cells)),
            rows=((1, (3, "=cmd|x", "", "=cmd|' /C calc'!A0")),),
        ),
        HostileFile(
            "xlsx-dimension-lies",
            dimension_lie,
            rows=tuple((n, (n,)) for n in range(1, 7)),
        ),
        HostileFile(
            "zip-bomb-ratio",
            zipped({"[Content_Types].xml": CONTENT_TYPES, SHEET: big_zeros}),
            refusal=error_codes.FILE_UNPACKED_TOO_LARGE,
        ),
        HostileFile(
            "zip-bomb-declared-size",
            _with_directory_change(xlsx(_number_sheet(2)), 24, struct.pack("<I", 0xFFFFFFF0)),
            refusal=error_codes.FILE_UNPACKED_TOO_LARGE,
        ),
        HostileFile(
            "zip-bomb-overlapping-entries",
            _overlapping_entries(200),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "zip-traversal-name",
            zipped({**workbook_parts(_number_sheet(1)), "../../x": "owned"}),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "zip-traversal-in-relationship",
            xlsx(_number_sheet(1), sheet_target="../../etc/passwd"),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-sheet-not-where-the-workbook-says",
            xlsx(_number_sheet(1), sheet_target="worksheets/sheet9.xml"),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-external-entity",
            xlsx(
                '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                "<is><t>&x;</t></is></c></row></sheetData></worksheet>"
            ),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-billion-laughs",
            xlsx(
                '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
                + "".join(
                    f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8)
                )
                + f']><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                "<is><t>&i;</t></is></c></row></sheetData></worksheet>"
            ),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-utf16-part",
            xlsx(_number_sheet(1).replace("UTF-8", "UTF-16").encode("utf-16")),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-shared-string-out-of-range",
            xlsx(
                sheet_xml('<row r="1"><c r="A1" t="s"><v>7</v></c></row>'),
                shared_strings=shared_strings_xml(["一"]),
            ),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-rows-going-back",
            xlsx(
                sheet_xml(
                    '<row r="5"><c r="A5"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
                )
            ),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-column-beyond-xfd",
            xlsx(sheet_xml('<row r="1"><c r="XFE1"><v>1</v></c></row>')),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-nul-escape",
            xlsx(sheet_xml('<row r="1">' + inline("A", 1, "a_x0000_b") + "</row>")),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-encrypted-member",
            _with_directory_change(xlsx(_number_sheet(1)), 8, struct.pack("<H", 1)),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-bzip2-member",
            zipped(workbook_parts(_number_sheet(1)), compression=zipfile.ZIP_BZIP2),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-deep-nesting",
            zipped(
                workbook_parts(
                    sheet_xml('<row r="1">' + "<x>" * 300_000 + "</x>" * 300_000 + "</row>")
                ),
                compression=zipfile.ZIP_STORED,
            ),
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile("zip-empty", zipped({}), refusal=error_codes.FILE_TYPE_UNSUPPORTED),
        HostileFile(
            "zip-not-xlsx",
            zipped({"report.txt": "hello"}),
            refusal=error_codes.FILE_TYPE_UNSUPPORTED,
        ),
        HostileFile(
            "zip-truncated",
            dimension_lie[: len(dimension_lie) // 2],
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile("csv-shift-jis", _shift_jis_csv(), refusal=error_codes.FILE_ENCODING_INVALID),
        HostileFile(
            "csv-euc-jp",
            "氏名,ふりがな\r\n山田太郎,やまだたろう\r\n佐藤花子,さとうはなこ\r\n".encode("euc_jp"),
            refusal=error_codes.FILE_ENCODING_INVALID,
        ),
        HostileFile(
            "csv-utf16-without-bom",
            "id_number,name\r\n230202198005170015,Wang\r\n".encode("utf-16-le"),
            refusal=error_codes.FILE_ENCODING_INVALID,
        ),
        HostileFile(
            "csv-latin-1",
            "Nom,Prénom,Ville\r\nMüller,José,Zürich\r\nGarcía,Niño,Málaga\r\n".encode("latin-1"),
            refusal=error_codes.FILE_ENCODING_INVALID,
        ),
        HostileFile(
            "csv-utf8-then-gbk",
            ("姓名,机关\r\n" + "张三,齐齐哈尔市税务局\r\n" * 4000).encode()
            + "李四,市场监督管理局\r\n".encode("gbk"),
            refusal=error_codes.FILE_ENCODING_INVALID,
        ),
        HostileFile(
            "csv-nul-in-sample",
            b"id_number,name\r\n230202198005170015,\x00\x00\r\n",
            refusal=error_codes.FILE_TYPE_UNSUPPORTED,
        ),
        HostileFile(
            "csv-nul-after-sample",
            b"a,b\r\n" + b"x,y\r\n" * 20_000 + b"\x00,z\r\n",
            refusal=error_codes.FILE_CORRUPT,
        ),
        HostileFile(
            "xlsx-that-is-a-csv",
            "身份证号码,姓名\r\n230202198005170015,张三\r\n".encode("gb18030"),
            rows=((1, ("身份证号码", "姓名")), (2, ("230202198005170015", "张三"))),
        ),
        HostileFile(
            "csv-that-is-an-xlsx",
            xlsx(sheet_xml('<row r="1">' + inline("A", 1, "身份证号码") + "</row>")),
            rows=((1, ("身份证号码",)),),
        ),
        HostileFile(
            "utf16-tab-separated",
            ("\ufeff身份证号码\t姓名\r\n230202198005170015\t张三\r\n").encode("utf-16-le"),
            rows=((1, ("身份证号码", "姓名")), (2, ("230202198005170015", "张三"))),
        ),
    ]
