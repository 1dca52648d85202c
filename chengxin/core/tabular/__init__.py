"""One bounded reader for every uploaded table: CSV, tab-separated text and XLSX.

Collection imports (``chengxin.collection.ingest.files``) and batch checks
(``chengxin.measures.checks.batch``) both read uploads through ``open_tabular``. The kind of
file is decided by its content, never by its name: a ZIP is read as XLSX (refused unless it
holds ``[Content_Types].xml``), anything else as text in an encoding detected honestly
(``encodings``), with the delimiter of its first line (comma, tab or semicolon). Every limit is
checked before the parsing it guards: the size first, an XLSX's ZIP directory (sizes, ratio,
names, overlaps) before any part is unpacked. Rows are streamed, one at a time, in bounded
memory; what cannot be read is a ``TabularRefused`` with a machine code, never another exception.
See docs/collection-files.md.
"""

from __future__ import annotations

from pathlib import Path

from chengxin.core import error_codes
from chengxin.core.tabular.archive import ZIP_MAGIC
from chengxin.core.tabular.encodings import SAMPLE_BYTES, detect_encoding
from chengxin.core.tabular.refusals import (
    Limits,
    Source,
    TabularRefused,
    megabytes,
    refusal,
    upload_limits,
)
from chengxin.core.tabular.text import KIND_CSV, TextTable, sniffed_delimiter
from chengxin.core.tabular.xlsx import KIND_XLSX, MAX_COLUMNS, XlsxTable

TabularFile = TextTable | XlsxTable

__all__ = [
    "KIND_CSV",
    "KIND_XLSX",
    "MAX_COLUMNS",
    "SAMPLE_BYTES",
    "Limits",
    "Source",
    "TabularFile",
    "TabularRefused",
    "open_tabular",
    "refusal",
    "size_refusal",
    "upload_limits",
]


def open_tabular(data: bytes | str | Path, *, limits: Limits) -> TabularFile:
    """The table in ``data`` (bytes, or a path read in chunks), checked up to its first row:
    size, kind, encoding and delimiter, or the XLSX package. Raises ``TabularRefused``.

    ``rows(max_columns=None)`` then yields ``(row number, cells)`` for each non-blank row (the
    first row is 1; blank rows are skipped but counted) and may raise ``TabularRefused`` for what
    is found further on; ``estimated_rows()`` counts lines (CSV) or ``<row`` elements (XLSX)
    without parsing.
    """
    source = Source.of(data)
    size = source.size()
    too_large = size_refusal(size, max_bytes=limits.max_bytes)
    if too_large is not None:
        raise too_large
    if size == 0:
        raise refusal(error_codes.FILE_EMPTY)
    with source.open() as stream:
        sample = stream.read(SAMPLE_BYTES)
    if sample.startswith(ZIP_MAGIC):
        return XlsxTable(source, limits=limits, size=size)
    encoding, text = detect_encoding(sample, is_whole=size <= len(sample))
    return TextTable(source, encoding=encoding, delimiter=sniffed_delimiter(text), size=size)


def size_refusal(size: int, *, max_bytes: int) -> TabularRefused | None:
    """The refusal of a file of ``size`` bytes, if it is over ``max_bytes``."""
    if size > max_bytes:
        return refusal(error_codes.FILE_TOO_LARGE, limit=megabytes(max_bytes))
    return None
