"""Reading an uploaded file into a header and a stream of rows, in bounded memory.

The bytes are read by the platform's one bounded reader, ``chengxin.core.tabular`` (kind by
content, never by name; CSV and tab-separated text in UTF-8, UTF-16 with a byte-order mark or
GB18030; XLSX checked from its ZIP directory before anything is unpacked). This module matches
the header row against the catalog item's fields (name, Chinese title or alias, normalised as in
``chengxin.catalog.schema.normalise_header``). Row numbers are those the provider sees in the
file (the header is row 1; blank rows are skipped but still counted). See
docs/collection-files.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chengxin.catalog.models import CatalogItem
from chengxin.catalog.schema import header_map, normalise_header
from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.collection.exports import ERROR_COLUMN_TITLES
from chengxin.collection.ingest import row_error_codes
from chengxin.core import tabular
from chengxin.core.personal_data import redact_id_numbers
from chengxin.core.tabular import Source, TabularFile, TabularRefused

DEFAULT_MAX_ROWS = 1_000_000
ENCODING_SAMPLE_BYTES = tabular.SAMPLE_BYTES
KIND_CSV = tabular.KIND_CSV
KIND_XLSX = tabular.KIND_XLSX
_CHUNK_BYTES = 1024 * 1024
# An unknown column's header is repeated in a warning; a longer one is shown cut, with an ellipsis.
HEADER_SHOWN = 64
_IGNORED_HEADERS = frozenset(normalise_header(title) for title in ERROR_COLUMN_TITLES)


@dataclass(frozen=True)
class FileError:
    """A problem of the whole file: a machine code and its message in Chinese and English."""

    code: str
    message: str
    message_en: str

    @classmethod
    def of(cls, refused: TabularRefused) -> FileError:
        return cls(code=refused.code, message=refused.message, message_en=refused.message_en)


@dataclass(frozen=True)
class SourceRow:
    """One data row: its number as the provider sees it in the file and field → raw value.

    Raw values are text stripped of surrounding spaces, ``int`` for whole numbers, ``float``,
    ``date`` for Excel date cells (``datetime`` when the cell has a time of day); an empty cell is
    ``""``. Every mapped field of the layout is present.
    """

    row_number: int
    values: dict[str, Any]


@dataclass(frozen=True)
class FileLayout:
    """How the file's columns map to the item's fields.

    ``columns``: column index (0-based) → field name; ``unknown_columns``: headers that name no
    field, once each, in file order; ``missing_fields``: required fields without a column;
    ``duplicate_fields``: fields named by more than one column (the first column is kept);
    ``first_data_row``: the row number where data starts.
    """

    columns: dict[int, str]
    unknown_columns: tuple[str, ...]
    missing_fields: tuple[str, ...]
    duplicate_fields: tuple[str, ...]
    header_row: int
    first_data_row: int


@dataclass
class Table:
    """An opened file: its layout, file-level errors and warnings, and its rows.

    ``encoding`` is the detected text encoding of a CSV file (``utf-8-sig``, ``utf-16`` or
    ``gb18030``).

    ``file_errors`` is complete after ``rows()`` has been exhausted: a decoding error or the row
    limit found while reading is appended there and ends the iteration. A table with file errors
    before reading yields no rows.
    """

    kind: str
    content_hash: str
    size: int
    layout: FileLayout | None
    file_errors: list[FileError]
    file_warnings: list[FileError] = field(default_factory=list)
    encoding: str = ""
    _reader: TabularFile | None = None

    def rows(self, *, start_after: int = 0) -> Iterator[SourceRow]:
        """The data rows, skipping blank ones and those numbered up to ``start_after``."""
        if self.file_errors or self.layout is None or self._reader is None:
            return
        layout = self.layout
        max_rows = getattr(settings, "CHENGXIN_UPLOAD_MAX_ROWS", DEFAULT_MAX_ROWS)
        # Data rows are read only as wide as the last mapped column.
        width = max(layout.columns, default=-1) + 1
        count = 0
        try:
            for row_number, cells in self._reader.rows(max_columns=width):
                if row_number < layout.first_data_row:
                    continue
                count += 1
                if count > max_rows:
                    self.file_errors.append(_too_many_rows(max_rows))
                    return
                if row_number > start_after:
                    yield SourceRow(row_number=row_number, values=_row_values(cells, layout))
        except TabularRefused as refused:
            self.file_errors.append(FileError.of(refused))

    def estimated_rows(self) -> int | None:
        """About how many data rows the file holds (for a progress bar), counted without
        parsing: line breaks of a CSV, ``<row`` elements of an XLSX's first worksheet."""
        if self._reader is None or self.layout is None:
            return None
        try:
            lines = self._reader.estimated_rows()
        except TabularRefused:
            return None
        return max(lines - self.layout.first_data_row + 1, 0)


def open_table(
    data: bytes | str | Path,
    *,
    item: CatalogItem | None = None,
    schema: dict | None = None,
    max_bytes: int | None = None,
) -> Table:
    """Open an uploaded file for ``item`` (or a stored version's full Table ``schema``).

    The shared reader (``chengxin.core.tabular``) checks size, kind, encoding and an XLSX's ZIP
    directory before anything is parsed; then the header is matched. Never raises for a bad
    file: the problems are in ``Table.file_errors``.
    """
    if schema is None:
        schema = catalog_item_table_schema(item)
    content_hash, size = _hash_and_size(Source.of(data))
    table = Table(kind="", content_hash=content_hash, size=size, layout=None, file_errors=[])
    try:
        reader = tabular.open_tabular(data, limits=tabular.upload_limits(max_bytes=max_bytes))
        table.kind, table.encoding = reader.kind, reader.encoding
        layout = _layout(reader, schema)
    except TabularRefused as refused:
        table.file_errors.append(FileError.of(refused))
        return table
    if isinstance(layout, FileError):
        table.file_errors.append(layout)
        return table
    table.layout = layout
    table._reader = reader
    table.file_errors.extend(_layout_errors(layout, schema))
    table.file_warnings.extend(_layout_warnings(layout))
    return table


def _hash_and_size(source: Source) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with source.open() as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def upload_max_bytes() -> int:
    """The largest file accepted by upload (a file on the server's disk may be larger)."""
    return tabular.upload_limits().max_bytes


def size_error(size: int, *, max_bytes: int) -> FileError | None:
    """The refusal of a file of ``size`` bytes, if it is over ``max_bytes``."""
    refused = tabular.size_refusal(size, max_bytes=max_bytes)
    return None if refused is None else FileError.of(refused)


def _row_values(cells: list[Any], layout: FileLayout) -> dict[str, Any]:
    return {
        name: cells[index] if index < len(cells) else "" for index, name in layout.columns.items()
    }


def _layout(reader: TabularFile, schema: dict) -> FileLayout | FileError:
    """Find the header row (the first non-blank one) and map its columns to fields.

    When the next non-blank row holds field names of the item (the template's hidden row 2),
    the columns are mapped by those names and data starts after it.
    """
    rows = reader.rows()
    try:
        header = next(rows, None)
        if header is None:
            return _file_error(row_error_codes.FILE_HEADER_MISSING)
        following = next(rows, None)
    finally:
        rows.close()
    header_row, titles = header
    names = {descriptor["name"] for descriptor in schema["fields"]}
    if following is not None and _holds_field_names(following[1], names):
        return match_headers(following[1], schema, header_row=following[0])
    return match_headers(titles, schema, header_row=header_row)


def _holds_field_names(cells: list[Any], names: set[str]) -> bool:
    texts = [str(cell) for cell in cells if cell != ""]
    return bool(texts) and all(text in names for text in texts)


def match_headers(headers: list[Any], schema: dict, *, header_row: int) -> FileLayout:
    """The header matcher: each header (normalised as ``normalise_header``) is the field whose
    name, title or alias it matches; a second column of the same field is a duplicate, a header
    that names no field an unknown column, and the rejected-row exports' own columns are
    ignored. Data starts on the row after ``header_row``."""
    mapping = header_map(schema)
    columns: dict[int, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, header in enumerate(headers):
        key = normalise_header(header)
        if not key or key in _IGNORED_HEADERS:
            continue
        name = mapping.get(key)
        if name is None:
            unknown.append(str(header))
        elif name in columns.values():
            duplicates.append(name)
        else:
            columns[index] = name
    required = [d["name"] for d in schema["fields"] if d.get("constraints", {}).get("required")]
    return FileLayout(
        columns=columns,
        unknown_columns=tuple(dict.fromkeys(unknown)),
        missing_fields=tuple(name for name in required if name not in columns.values()),
        duplicate_fields=tuple(dict.fromkeys(duplicates)),
        header_row=header_row,
        first_data_row=header_row + 1,
    )


def _layout_errors(layout: FileLayout, schema: dict) -> list[FileError]:
    titles = {descriptor["name"]: descriptor["title"] for descriptor in schema["fields"]}
    errors = []
    if layout.missing_fields:
        listed = "、".join(titles[name] for name in layout.missing_fields)
        errors.append(_file_error(row_error_codes.FILE_COLUMNS_MISSING, columns=listed))
    if layout.duplicate_fields:
        listed = "、".join(titles[name] for name in layout.duplicate_fields)
        errors.append(_file_error(row_error_codes.FILE_COLUMN_DUPLICATE, columns=listed))
    return errors


def _layout_warnings(layout: FileLayout) -> list[FileError]:
    if not layout.unknown_columns:
        return []
    listed = "、".join(_header_shown(header) for header in layout.unknown_columns)
    return [_file_error(row_error_codes.FILE_COLUMNS_UNKNOWN, columns=listed)]


def _header_shown(header: str) -> str:
    """An unknown column's header as the warning repeats it (the warning is stored and shown): a
    first row of data taken for the header must not put an ID number there, nor a long text."""
    shown = redact_id_numbers(header)
    return shown if len(shown) <= HEADER_SHOWN else shown[:HEADER_SHOWN] + "…"


def _too_many_rows(limit: int) -> FileError:
    return _file_error(row_error_codes.FILE_TOO_MANY_ROWS, limit=limit)


def _file_error(code: str, **values: Any) -> FileError:
    message, message_en = _MESSAGES[code]
    return FileError(code=code, message=_(message) % values, message_en=message_en % values)


_MESSAGES = {
    row_error_codes.FILE_TOO_MANY_ROWS: (
        gettext_noop("文件超过%(limit)s行的行数上限，请拆分后分别上传。"),
        "The file has more than the limit of %(limit)s rows; split it and upload the parts.",
    ),
    row_error_codes.FILE_HEADER_MISSING: (
        gettext_noop("文件中没有表头行。"),
        "The file has no header row.",
    ),
    row_error_codes.FILE_COLUMNS_MISSING: (
        gettext_noop("缺少必填列：%(columns)s。请使用导入模板的列标题。"),
        "Required columns are missing: %(columns)s. Use the column titles of the import template.",
    ),
    row_error_codes.FILE_COLUMN_DUPLICATE: (
        gettext_noop("以下字段对应了多个列：%(columns)s。每个字段只能有一列。"),
        "These fields have more than one column: %(columns)s. Each field has one column.",
    ),
    row_error_codes.FILE_COLUMNS_UNKNOWN: (
        gettext_noop("以下列不属于该目录项，已忽略：%(columns)s。"),
        "These columns do not belong to the catalog item and were ignored: %(columns)s.",
    ),
}
