"""XLSX read by streaming the first worksheet's XML (not openpyxl's reader).

The package is found as OPC says: ``_rels/.rels`` names the workbook (``xl/workbook.xml`` when
there is none), the workbook names its sheets, and its relationships say where each sheet, the
shared strings and the styles are. The first sheet (in the workbook's order) that is a worksheet
is read. A relationship that points outside the package, or at a part that is not in it, is
``file_corrupt``.

Rows are the ``<row>`` elements as they come; the sheet's declared ``<dimension>`` is never
read (exporters often write ``A1``), and missing rows are not invented: a gap in the row
numbers is only a gap in the numbering. Row numbers must increase and stay within Excel's
1,048,576, columns within XFD (16,384). Cell values:

- shared strings and inline strings (rich text runs joined, phonetic runs left out, the
  ``_xHHHH_`` escapes of control characters undone), the cached result of a formula (the formula
  itself is never evaluated nor returned), error values as their text (``#N/A``);
- numbers as ``int`` when whole (``1001``, not ``1001.0``), else ``float``; a number too large
  for a float stays the text it was;
- numbers in a cell whose style has a date format as ``date`` (``datetime`` with a time of day,
  ``time`` for a time alone), in the workbook's 1900 or 1904 date system; ISO dates of ``t="d"``;
- booleans as ``True``/``False``.

Shared strings are read lazily, as far as the sheet has used them, and kept as UTF-8 in one
buffer: memory grows with the strings' own size, never with their count of Python objects.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
from openpyxl.utils.datetime import from_ISO8601 as from_iso8601

from chengxin.core import error_codes
from chengxin.core.tabular.archive import (
    UnpackBudget,
    checked_members,
    opened_archive,
    part_chunks,
    resolved_target,
    streamed,
)
from chengxin.core.tabular.refusals import Limits, Source, refusal

KIND_XLSX = "xlsx"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# Workbook, relationships and styles: a few KiB in a real file, a few MiB when bloated.
MAX_PART_BYTES = 32 * 1024 * 1024
_WORKBOOK_FALLBACK = "xl/workbook.xml"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIGITS = "0123456789"


@dataclass(frozen=True)
class _Parts:
    """What the workbook says about where to read: the sheet, its shared strings, its date
    styles (cell style indexes as written in ``s``) and its date system."""

    sheet: str
    shared_strings: str | None
    date_styles: frozenset[str]
    epoch: datetime


class XlsxTable:
    """The first worksheet of an XLSX whose package passed the checks."""

    kind = KIND_XLSX
    encoding = ""
    delimiter = ""

    def __init__(self, source: Source, *, limits: Limits, size: int) -> None:
        self._source = source
        self._limits = limits
        self.size = size
        self.unpacked_bytes = 0
        self._members = checked_members(source, limits=limits)
        budget = UnpackBudget(limits)
        with opened_archive(source) as archive:
            self._parts = _workbook_parts(archive, self._members, budget)
        self.unpacked_bytes += budget.used

    def rows(self, *, max_columns: int | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of every row holding a value, with at most ``max_columns``
        cells (up to the last one with a value); an empty cell is ``""``."""
        budget = UnpackBudget(self._limits)
        width = MAX_COLUMNS if max_columns is None else min(max_columns, MAX_COLUMNS)
        try:
            with opened_archive(self._source) as archive:
                strings = _SharedStrings(self._chunks(archive, self._parts.shared_strings, budget))
                sheet = self._chunks(archive, self._parts.sheet, budget)
                yield from _SheetReader(self._parts, strings).rows(sheet, width=width)
        finally:
            self.unpacked_bytes += budget.used

    def estimated_rows(self) -> int:
        """The sheet's ``<row`` elements, counted in its bytes without parsing."""
        budget = UnpackBudget(self._limits)
        count, carry = 0, b""
        try:
            with opened_archive(self._source) as archive:
                for chunk in self._chunks(archive, self._parts.sheet, budget):
                    data = carry + chunk
                    count += data.count(b"<row ") + data.count(b"<row>")
                    carry = data[-4:]
        finally:
            self.unpacked_bytes += budget.used
        return count

    def _chunks(
        self, archive: zipfile.ZipFile, name: str | None, budget: UnpackBudget
    ) -> Iterator[bytes]:
        if name is None:
            return iter(())
        return part_chunks(archive, self._members[name.casefold()], budget)


def _workbook_parts(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], budget: UnpackBudget
) -> _Parts:
    def read(name: str, depth: int) -> Iterator[tuple[int, Element, Element]]:
        member = members.get(name.casefold())
        if member is None:
            raise refusal(error_codes.FILE_CORRUPT)
        return streamed(part_chunks(archive, member, budget, max_bytes=MAX_PART_BYTES), depth=depth)

    def relationships(part: str) -> list[tuple[str, str, str]]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels.casefold() not in members:
            return []
        return _relationships(read(rels, 2), folder)

    workbook = _office_document(relationships(""), members)
    sheet_ids, date1904 = _workbook_sheets(read(workbook, 3))
    related = {rel_id: (kind, target) for rel_id, kind, target in relationships(workbook)}
    sheet = _first_worksheet(sheet_ids, related, members)
    shared = _related_part(related, "sharedStrings", members)
    styles = _related_part(related, "styles", members)
    return _Parts(
        sheet=sheet,
        shared_strings=shared,
        date_styles=_date_styles(read(styles, 3)) if styles else frozenset(),
        epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: Element, local_name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (``r:id``)."""
    for key, value in element.attrib.items():
        if _local(key) == local_name:
            return value
    return None


def _relationships(elements, folder: str) -> list[tuple[str, str, str]]:
    """(id, type's last segment, resolved target) of the internal relationships."""
    found = []
    for level, element, _parent in elements:
        if level != 2 or _local(element.tag) != "Relationship":
            continue
        if (element.get("TargetMode") or "").lower() == "external":
            continue
        target = resolved_target(folder, unquote(element.get("Target") or ""))
        kind = (element.get("Type") or "").rpartition("/")[2]
        found.append((element.get("Id") or "", kind, target))
    return found


def _office_document(package: list[tuple[str, str, str]], members) -> str:
    for _rel_id, kind, target in package:
        if kind == "officeDocument":
            return target
    if _WORKBOOK_FALLBACK in members:
        return _WORKBOOK_FALLBACK
    raise refusal(error_codes.FILE_CORRUPT)


def _workbook_sheets(elements) -> tuple[list[str], bool]:
    """The relationship ids of the workbook's sheets in order, and whether dates count from
    1904."""
    sheet_ids: list[str] = []
    date1904 = False
    for level, element, _parent in elements:
        name = _local(element.tag)
        if level == 2 and name == "workbookPr":
            date1904 = (element.get("date1904") or "").lower() in {"1", "true"}
        elif level == 3 and name == "sheet":
            sheet_ids.append(_attribute(element, "id") or "")
    return sheet_ids, date1904


def _first_worksheet(sheet_ids: list[str], related: dict, members) -> str:
    for rel_id in sheet_ids:
        kind, target = related.get(rel_id, ("", ""))
        if kind == "worksheet":
            if target.casefold() not in members:
                raise refusal(error_codes.FILE_CORRUPT)
            return target
    raise refusal(error_codes.FILE_CORRUPT)


def _related_part(related: dict, kind: str, members) -> str | None:
    for found_kind, target in related.values():
        if found_kind == kind:
            if target.casefold() not in members:
                raise refusal(error_codes.FILE_CORRUPT)
            return target
    return None


def _date_styles(elements) -> frozenset[str]:
    """The indexes of the cell styles (``cellXfs``) whose number format is a date or a time
    (not a duration), as the ``s`` attribute writes them."""
    custom: dict[str, str] = {}
    formats: list[str] = []
    for level, element, parent in elements:
        if level != 3:
            continue
        name, container = _local(element.tag), _local(parent.tag)
        if name == "numFmt" and container == "numFmts":
            custom[element.get("numFmtId") or ""] = element.get("formatCode") or ""
        elif name == "xf" and container == "cellXfs":
            formats.append(element.get("numFmtId") or "0")
    return frozenset(
        str(index)
        for index, format_id in enumerate(formats)
        if _is_date_code(custom.get(format_id) or _builtin_code(format_id))
    )


def _builtin_code(format_id: str) -> str:
    if format_id.isascii() and format_id.isdigit():
        return BUILTIN_FORMATS.get(int(format_id), "")
    return ""


@cache
def _is_date_code(code: str) -> bool:
    return bool(code) and is_date_format(code) and not is_timedelta_format(code)


@cache
def _column_numbers() -> dict[str, int]:
    """Column letters → number, A → 1 … XFD → 16,384."""
    numbers = {}
    for number in range(1, MAX_COLUMNS + 1):
        letters, rest = "", number
        while rest:
            rest, remainder = divmod(rest - 1, 26)
            letters = chr(65 + remainder) + letters
        numbers[letters] = number
    return numbers


def clean_text(text: str) -> str:
    """Cell text as the platform reads it: the ``_xHHHH_`` escapes undone (a surrogate stays
    written out), surrounding spaces stripped; a NUL character is ``file_corrupt``."""
    if "_x" in text:
        text = _ESCAPE.sub(_unescaped, text)
    if "\x00" in text:
        raise refusal(error_codes.FILE_CORRUPT)
    return text.strip()


def _unescaped(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


class _SharedStrings:
    """The shared strings, parsed as far as the highest index asked for."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._items = streamed(chunks, depth=2)
        self._data = bytearray()
        self._ends = array("Q")
        self._tags: tuple[str, str, str] | None = None

    def get(self, index_text: str) -> str:
        try:
            index = int(index_text)
        except ValueError:
            raise refusal(error_codes.FILE_CORRUPT) from None
        if index < 0:
            raise refusal(error_codes.FILE_CORRUPT)
        while index >= len(self._ends):
            if not self._advance():
                raise refusal(error_codes.FILE_CORRUPT)
        start = self._ends[index - 1] if index else 0
        return self._data[start : self._ends[index]].decode("utf-8")

    def _advance(self) -> bool:
        for level, element, _parent in self._items:
            if level == 2 and _local(element.tag) == "si":
                text = item_text(element, self._item_tags(element.tag))
                self._data += text.encode("utf-8")
                self._ends.append(len(self._data))
                return True
        return False

    def _item_tags(self, si_tag: str) -> tuple[str, str, str]:
        if self._tags is None:
            namespace = si_tag[: len(si_tag) - 2]
            self._tags = (namespace + "t", namespace + "r", namespace + "rPh")
        return self._tags


def item_text(item: Element, tags: tuple[str, str, str]) -> str:
    """The text of a shared string or inline string: its ``<t>`` and the ``<t>`` of its rich
    text runs (``<r>``), not its phonetic runs (``<rPh>``)."""
    t_tag, r_tag, _rph_tag = tags
    if len(item) == 1 and item[0].tag == t_tag:
        return clean_text(item[0].text or "")
    parts = []
    for child in item:
        if child.tag == t_tag:
            parts.append(child.text or "")
        elif child.tag == r_tag:
            run = child.find(t_tag)
            if run is not None and run.text:
                parts.append(run.text)
    return clean_text("".join(parts))


class _SheetReader:
    """The rows of one worksheet's XML."""

    def __init__(self, parts: _Parts, strings: _SharedStrings) -> None:
        self._parts = parts
        self._strings = strings
        self._columns = _column_numbers()
        self._tags: dict[str, str] = {}

    def rows(self, chunks: Iterator[bytes], *, width: int) -> Iterator[tuple[int, list[Any]]]:
        previous = 0
        row_tag = None
        for level, element, _parent in streamed(chunks, depth=3):
            if level != 3:
                continue
            if row_tag is None:
                if _local(element.tag) != "row":
                    continue
                row_tag = element.tag
                self._tags = _sheet_tags(row_tag[: len(row_tag) - 3])
            elif element.tag != row_tag:
                continue
            number = _row_number(element.get("r"), previous)
            previous = number
            values = self._values(element)
            if values:
                yield number, _dense(values, width)

    def _values(self, row: Element) -> list[tuple[int, Any]]:
        """(column, value) of the row's cells that hold a value."""
        cell_tag = self._tags["c"]
        columns = self._columns
        found = []
        column = 0
        for cell in row:
            if cell.tag != cell_tag:
                continue
            reference = cell.get("r")
            if reference is None:
                column += 1
            else:
                letters = reference.rstrip(_DIGITS)
                column = columns.get(letters) or columns.get(letters.upper(), 0)
            if not 0 < column <= MAX_COLUMNS:
                raise refusal(error_codes.FILE_CORRUPT)
            value = self._value(cell)
            if value is not None and value != "":
                found.append((column, value))
        return found

    def _value(self, cell: Element) -> Any:
        kind = cell.get("t")
        if kind == "inlineStr":
            inline = cell.find(self._tags["is"])
            if inline is None:
                return None
            return item_text(inline, (self._tags["t"], self._tags["r"], self._tags["rPh"]))
        text = cell.findtext(self._tags["v"])
        if not text:
            return None
        if kind is None or kind == "n":
            return self._number(text, cell.get("s"))
        if kind == "s":
            return self._strings.get(text)
        if kind == "b":
            return _boolean(text)
        if kind == "d":
            return _iso_date(text)
        return clean_text(text)  # "str" (a formula's text), "e" (an error such as #N/A)

    def _number(self, text: str, style: str | None) -> Any:
        number = _number(text)
        if style is None or style not in self._parts.date_styles or isinstance(number, str):
            return number
        try:
            value = from_excel(number, self._parts.epoch)
        except (OverflowError, ValueError):
            return number
        return _midnight_as_date(value)


def _sheet_tags(namespace: str) -> dict[str, str]:
    return {name: namespace + name for name in ("c", "v", "is", "t", "r", "rPh")}


def _row_number(reference: str | None, previous: int) -> int:
    if reference is None:
        number = previous + 1
    else:
        try:
            number = int(reference)
        except ValueError:
            raise refusal(error_codes.FILE_CORRUPT) from None
    if not previous < number <= MAX_ROWS:
        raise refusal(error_codes.FILE_CORRUPT)
    return number


def _dense(values: list[tuple[int, Any]], width: int) -> list[Any]:
    last = min(max(column for column, _value in values), width)
    cells: list[Any] = [""] * last
    for column, value in values:
        if column <= last:
            cells[column - 1] = value
    return cells


def _number(text: str) -> int | float | str:
    """``int`` when whole, else ``float``; a number beyond a float's range as its text."""
    try:
        if "." not in text and "e" not in text and "E" not in text:
            return int(text)
        number = float(text)
    except ValueError:
        raise refusal(error_codes.FILE_CORRUPT) from None
    if not math.isfinite(number):
        return clean_text(text)
    return int(number) if number.is_integer() else number


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true"}:
        return True
    if value in {"0", "false"}:
        return False
    raise refusal(error_codes.FILE_CORRUPT)


def _iso_date(text: str) -> Any:
    try:
        value = from_iso8601(text.strip())
    except (ValueError, TypeError, OverflowError):
        return clean_text(text)
    return _midnight_as_date(value)


def _midnight_as_date(value: Any) -> Any:
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()
    return value
