"""Reading an uploaded file into a header and a stream of rows, in bounded memory.

The kind of file is decided by its content, never by its name: a ZIP holding
``[Content_Types].xml`` is XLSX, text is CSV (UTF-8 with or without BOM, else GB18030), anything
else is refused. The header row is matched against the catalog item's fields (name, Chinese title
or alias, normalised as in ``chengxin.catalog.schema.normalise_header``). Row numbers are those
the provider sees in the file (the header is row 1; blank rows are skipped but still counted).
See docs/collection-files.md.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from chengxin.catalog.models import CatalogItem
from chengxin.catalog.schema import header_map, normalise_header
from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.collection import row_error_codes
from chengxin.collection.exports import ERROR_COLUMN_TITLES
from chengxin.core.personal_data import redact_id_numbers

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_MAX_UNPACKED_BYTES = 500 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 200
# Small members (styles, the content types) may compress far better than sheets; the ratio is
# only checked for members larger than this.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
ENCODING_SAMPLE_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
XLSX_MARKER = "[Content_Types].xml"
KIND_CSV = "csv"
KIND_XLSX = "xlsx"
_CHUNK_BYTES = 1024 * 1024
_DELIMITERS = (",", "\t", ";")
# An unknown column's header is repeated in a warning; a longer one is shown cut, with an ellipsis.
HEADER_SHOWN = 64
# What reading a damaged file raises: csv (a NUL byte, an oversized field), openpyxl (a missing
# part is an OSError or KeyError, broken XML a ParseError, a bad value a ValueError) and a
# decoding error (a ValueError too, told apart in ``_unreadable``).
UNREADABLE_ERRORS = (csv.Error, KeyError, ValueError, OSError, zipfile.BadZipFile, ParseError)
_IGNORED_HEADERS = frozenset(normalise_header(title) for title in ERROR_COLUMN_TITLES)


@dataclass(frozen=True)
class FileError:
    """A problem of the whole file: a machine code and its message in Chinese and English."""

    code: str
    message: str
    message_en: str


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

    ``encoding`` is the detected text encoding of a CSV file (``utf-8-sig`` or ``gb18030``).

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
    _source: _Source | None = None

    def rows(self, *, start_after: int = 0) -> Iterator[SourceRow]:
        """The data rows, skipping blank ones and those numbered up to ``start_after``."""
        if self.file_errors or self.layout is None or self._source is None:
            return
        layout = self.layout
        max_rows = getattr(settings, "CHENGXIN_UPLOAD_MAX_ROWS", DEFAULT_MAX_ROWS)
        count = 0
        try:
            for row_number, cells in _raw_rows(self._source, self.kind):
                if row_number < layout.first_data_row or _is_blank(cells):
                    continue
                count += 1
                if count > max_rows:
                    self.file_errors.append(_too_many_rows(max_rows))
                    return
                if row_number > start_after:
                    yield SourceRow(row_number=row_number, values=_row_values(cells, layout))
        except UNREADABLE_ERRORS as error:
            self.file_errors.append(_unreadable(error))

    def estimated_rows(self) -> int | None:
        """About how many data rows the file holds (for a progress bar), counted without
        parsing: line breaks of a CSV, ``<row`` elements of an XLSX's first worksheet."""
        if self._source is None or self.layout is None:
            return None
        try:
            lines = _count_lines(self._source, self.kind)
        except UNREADABLE_ERRORS:
            return None
        if lines is None:
            return None
        return max(lines - self.layout.first_data_row + 1, 0)


def _count_lines(source: _Source, kind: str) -> int | None:
    if kind == KIND_CSV:
        return _count_in(source.open(), b"\n", tail=b"\n")
    archive = zipfile.ZipFile(source.open())
    with archive:
        sheets = sorted(
            (name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")),
            key=lambda name: (len(name), name),
        )
        if not sheets:
            return None
        return _count_in(archive.open(sheets[0]), b"<row ", tail=None)


def _count_in(stream: IO[bytes], needle: bytes, *, tail: bytes | None) -> int:
    """Occurrences of ``needle`` in ``stream``, read in chunks (a needle may straddle two), plus
    one when the stream does not end with ``tail`` (a last line without a line break)."""
    count, carry, last = 0, b"", b""
    with stream:
        while chunk := stream.read(_CHUNK_BYTES):
            data = carry + chunk
            count += data.count(needle)
            # A needle cut by the chunk boundary is counted in the next round, with this tail.
            carry = data[-(len(needle) - 1) :] if len(needle) > 1 else b""
            last = chunk
    if tail is not None and last and not last.endswith(tail):
        count += 1
    return count


@dataclass(frozen=True)
class _Source:
    """Where the bytes are: a path on disk or bytes in memory."""

    data: bytes | None
    path: Path | None
    encoding: str = ""
    delimiter: str = ","

    def open(self) -> IO[bytes]:
        if self.path is not None:
            return self.path.open("rb")
        return io.BytesIO(self.data or b"")


def open_table(
    data: bytes | str | Path,
    *,
    item: CatalogItem | None = None,
    schema: dict | None = None,
    max_bytes: int | None = None,
) -> Table:
    """Open an uploaded file for ``item`` (or a stored version's full Table ``schema``).

    Checks size, kind, encoding, the unpacked size of an XLSX (before openpyxl sees it) and the
    header; never raises for a bad file, the problems are in ``Table.file_errors``.
    """
    if schema is None:
        schema = catalog_item_table_schema(item)
    source = _Source(data=data, path=None) if isinstance(data, bytes) else _path_source(data)
    content_hash, size = _hash_and_size(source)
    kind, source, errors = _inspect(source, size, max_bytes=max_bytes or upload_max_bytes())
    table = Table(kind=kind, content_hash=content_hash, size=size, layout=None, file_errors=errors)
    table.encoding = source.encoding
    if errors:
        return table
    try:
        layout = _layout(source, kind, schema)
    except UNREADABLE_ERRORS as error:
        table.file_errors.append(_unreadable(error))
        return table
    if isinstance(layout, FileError):
        table.file_errors.append(layout)
        return table
    table.layout = layout
    table._source = source
    table.file_errors.extend(_layout_errors(layout, schema))
    table.file_warnings.extend(_layout_warnings(layout))
    return table


def _path_source(path: str | Path) -> _Source:
    return _Source(data=None, path=Path(path))


def _hash_and_size(source: _Source) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with source.open() as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def upload_max_bytes() -> int:
    """The largest file accepted by upload (a file on the server's disk may be larger)."""
    return getattr(settings, "CHENGXIN_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_error(size: int, *, max_bytes: int) -> FileError | None:
    """The refusal of a file of ``size`` bytes, if it is over ``max_bytes``."""
    if size > max_bytes:
        return _file_error(row_error_codes.FILE_TOO_LARGE, limit=_megabytes(max_bytes))
    return None


def _inspect(source: _Source, size: int, *, max_bytes: int) -> tuple[str, _Source, list[FileError]]:
    """The kind of file, the source with its CSV encoding and delimiter, and refusals."""
    too_large = size_error(size, max_bytes=max_bytes)
    if too_large is not None:
        return "", source, [too_large]
    if size == 0:
        return "", source, [_file_error(row_error_codes.FILE_EMPTY)]
    with source.open() as stream:
        sample = stream.read(ENCODING_SAMPLE_BYTES)
    if sample.startswith(ZIP_MAGIC):
        return KIND_XLSX, source, _zip_errors(source)
    encoding = _text_encoding(sample, is_whole=size <= len(sample))
    if encoding is None:
        return "", source, [_file_error(row_error_codes.FILE_TYPE_UNSUPPORTED)]
    text = sample.decode(encoding, errors="ignore")
    csv_source = _Source(source.data, source.path, encoding, _delimiter(text))
    return KIND_CSV, csv_source, []


def _text_encoding(sample: bytes, *, is_whole: bool) -> str | None:
    """``utf-8-sig`` or ``gb18030`` for a text sample, ``None`` for binary content.

    The sample is decoded incrementally, so a multi-byte character cut at the sample's end does
    not make a UTF-8 file look like GB18030.
    """
    if b"\x00" in sample:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=is_whole)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=is_whole)
    except UnicodeDecodeError:
        return None
    return "gb18030"


def _delimiter(text: str) -> str:
    """The delimiter of the first line: the most frequent of comma, tab and semicolon."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _zip_errors(source: _Source) -> list[FileError]:
    """Refusals of a ZIP before openpyxl opens it: not XLSX, corrupt, or unpacking too large."""
    try:
        with source.open() as stream, zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return [_file_error(row_error_codes.FILE_CORRUPT)]
    if XLSX_MARKER not in {member.filename for member in members}:
        return [_file_error(row_error_codes.FILE_TYPE_UNSUPPORTED)]
    max_unpacked = getattr(settings, "CHENGXIN_XLSX_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)
    if sum(member.file_size for member in members) > max_unpacked or _too_compressed(members):
        return [
            _file_error(row_error_codes.FILE_UNPACKED_TOO_LARGE, limit=_megabytes(max_unpacked))
        ]
    return []


def _too_compressed(members: list[zipfile.ZipInfo]) -> bool:
    max_ratio = getattr(
        settings, "CHENGXIN_XLSX_MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO
    )
    return any(
        member.file_size > RATIO_CHECK_MIN_BYTES
        and member.file_size > max_ratio * max(member.compress_size, 1)
        for member in members
    )


def _raw_rows(source: _Source, kind: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cleaned cell values) for every row of the file, blank ones included."""
    if kind == KIND_XLSX:
        yield from _xlsx_rows(source)
    else:
        yield from _csv_rows(source)


def _csv_rows(source: _Source) -> Iterator[tuple[int, list[Any]]]:
    with (
        source.open() as stream,
        io.TextIOWrapper(stream, encoding=source.encoding, newline="") as text,
    ):
        reader = csv.reader(text, delimiter=source.delimiter)
        for row_number, cells in enumerate(reader, start=1):
            yield row_number, [_clean_cell(cell) for cell in cells]


def _xlsx_rows(source: _Source) -> Iterator[tuple[int, list[Any]]]:
    workbook = load_workbook(
        source.path if source.path is not None else io.BytesIO(source.data or b""),
        read_only=True,
        data_only=True,
    )
    try:
        sheet = workbook.worksheets[0]
        # Some exporters write a wrong <dimension> (often "A1"); read-only mode would cut every
        # row to it, so the cells are read as they are in the sheet.
        sheet.reset_dimensions()
        for row_number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield row_number, [_clean_cell(cell) for cell in cells]
    finally:
        workbook.close()


def _clean_cell(value: Any) -> Any:
    """Spaces stripped, whole floats as ints, midnight datetimes as dates, empty as ``""``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()
    return value


def _is_blank(cells: list[Any]) -> bool:
    return all(cell == "" for cell in cells)


def _row_values(cells: list[Any], layout: FileLayout) -> dict[str, Any]:
    return {
        name: cells[index] if index < len(cells) else "" for index, name in layout.columns.items()
    }


def _layout(source: _Source, kind: str, schema: dict) -> FileLayout | FileError:
    """Find the header row (the first non-blank one) and map its columns to fields.

    When the row after the header holds field names of the item (the template's hidden row 2),
    the columns are mapped by those names and data starts after it.
    """
    rows = _raw_rows(source, kind)
    try:
        header = _first_non_blank(rows)
        if header is None:
            return _file_error(row_error_codes.FILE_HEADER_MISSING)
        following = next(rows, None)
    finally:
        rows.close()
    header_row, titles = header
    names = {descriptor["name"] for descriptor in schema["fields"]}
    if following is not None and _holds_field_names(following[1], names):
        return _mapped_layout(following[1], schema, header_row=following[0])
    return _mapped_layout(titles, schema, header_row=header_row)


def _first_non_blank(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any]] | None:
    for row_number, cells in rows:
        if not _is_blank(cells):
            return row_number, cells
    return None


def _holds_field_names(cells: list[Any], names: set[str]) -> bool:
    texts = [str(cell) for cell in cells if cell != ""]
    return bool(texts) and all(text in names for text in texts)


def _mapped_layout(headers: list[Any], schema: dict, *, header_row: int) -> FileLayout:
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


def _unreadable(error: Exception) -> FileError:
    if isinstance(error, UnicodeDecodeError):
        return _file_error(row_error_codes.FILE_ENCODING_INVALID)
    return _file_error(row_error_codes.FILE_CORRUPT)


def _too_many_rows(limit: int) -> FileError:
    return _file_error(row_error_codes.FILE_TOO_MANY_ROWS, limit=limit)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _file_error(code: str, **values: Any) -> FileError:
    message, message_en = _MESSAGES[code]
    return FileError(code=code, message=_(message) % values, message_en=message_en % values)


_MESSAGES = {
    row_error_codes.FILE_EMPTY: ("文件是空的。", "The file is empty."),
    row_error_codes.FILE_TYPE_UNSUPPORTED: (
        "无法识别文件类型，请上传CSV或XLSX文件。",
        "The file type is not recognised; upload a CSV or XLSX file.",
    ),
    row_error_codes.FILE_CORRUPT: (
        "文件已损坏，无法打开，请重新导出后上传。",
        "The file is damaged and cannot be opened; export it again and upload it.",
    ),
    row_error_codes.FILE_ENCODING_INVALID: (
        "文件编码无法识别，请保存为UTF-8或GB18030编码的CSV文件。",
        "The file's encoding is not recognised; save the CSV file as UTF-8 or GB18030.",
    ),
    row_error_codes.FILE_TOO_LARGE: (
        "文件超过%(limit)sMB的大小上限，请拆分后分别上传。",
        "The file is larger than the limit of %(limit)s MB; split it and upload the parts.",
    ),
    row_error_codes.FILE_TOO_MANY_ROWS: (
        "文件超过%(limit)s行的行数上限，请拆分后分别上传。",
        "The file has more than the limit of %(limit)s rows; split it and upload the parts.",
    ),
    row_error_codes.FILE_UNPACKED_TOO_LARGE: (
        "XLSX文件解压后超过%(limit)sMB的上限或压缩比异常，请检查文件或另存为CSV。",
        "The XLSX file unpacks to more than %(limit)s MB or is compressed abnormally; "
        "check the file or save it as CSV.",
    ),
    row_error_codes.FILE_HEADER_MISSING: (
        "文件中没有表头行。",
        "The file has no header row.",
    ),
    row_error_codes.FILE_COLUMNS_MISSING: (
        "缺少必填列：%(columns)s。请使用导入模板的列标题。",
        "Required columns are missing: %(columns)s. Use the column titles of the import template.",
    ),
    row_error_codes.FILE_COLUMN_DUPLICATE: (
        "以下字段对应了多个列：%(columns)s。每个字段只能有一列。",
        "These fields have more than one column: %(columns)s. Each field has one column.",
    ),
    row_error_codes.FILE_COLUMNS_UNKNOWN: (
        "以下列不属于该目录项，已忽略：%(columns)s。",
        "These columns do not belong to the catalog item and were ignored: %(columns)s.",
    ),
}
