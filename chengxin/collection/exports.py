"""Rejected rows as CSV or XLSX, with the errors beside the original values.

The provider downloads the file, fixes the values and uploads it again: the header uses the
item's Chinese titles, so ``chengxin.collection.ingest.files.open_table`` reads it back, and the three
error columns (and the row-number column) are ignored on the way in. Every text cell passes
``neutralise_cell`` (OWASP "CSV Injection": a cell starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return is prefixed with ``'`` so a spreadsheet never evaluates it as a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook

SOURCE_ROW_TITLE = "原行号"
ERROR_FIELD_TITLE = "错误字段"
ERROR_CODE_TITLE = "错误代码"
ERROR_MESSAGE_TITLE = "错误说明"
ERROR_COLUMN_TITLES = (SOURCE_ROW_TITLE, ERROR_FIELD_TITLE, ERROR_CODE_TITLE, ERROR_MESSAGE_TITLE)
SHEET_TITLE = "数据"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ERROR_SEPARATOR = "\n"


def neutralise_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text starting a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def rejected_rows_csv(rows: Iterable[Any], *, columns: Sequence[Mapping[str, Any]]) -> bytes:
    """The rejected ``rows`` as CSV in UTF-8 with a BOM (so Excel reads the Chinese text).

    ``columns`` are field descriptors (``name``, ``title``) in file order, usually the item's
    Table Schema ``fields``; each row has ``row_number``, ``values`` (field → original value)
    and ``errors`` (objects or dicts with ``field``, ``code``, ``message``).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(columns))
    for row in rows:
        writer.writerow(_line(row, columns))
    return buffer.getvalue().encode("utf-8-sig")


def rejected_rows_xlsx(rows: Iterable[Any], *, columns: Sequence[Mapping[str, Any]]) -> bytes:
    """The rejected ``rows`` as an XLSX workbook (one sheet ``数据``), written row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(_header(columns))
    for row in rows:
        sheet.append(_line(row, columns))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(columns: Sequence[Mapping[str, Any]]) -> list[Any]:
    return [neutralise_cell(column["title"]) for column in columns] + list(ERROR_COLUMN_TITLES)


def _line(row: Any, columns: Sequence[Mapping[str, Any]]) -> list[Any]:
    values = _read(row, "values")
    titles = {column["name"]: column["title"] for column in columns}
    errors = list(_read(row, "errors"))
    cells = [_cell(values.get(column["name"], "")) for column in columns]
    return [
        *cells,
        _read(row, "row_number"),
        _joined(titles.get(_read(error, "field"), _read(error, "field")) for error in errors),
        _joined(_read(error, "code") for error in errors),
        _joined(_read(error, "message") for error in errors),
    ]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise_cell(str(value))


def _joined(texts: Iterable[Any]) -> str:
    return neutralise_cell(_ERROR_SEPARATOR.join(str(text) for text in texts))


def _read(source: Any, name: str) -> Any:
    if isinstance(source, Mapping):
        return source[name]
    return getattr(source, name)
