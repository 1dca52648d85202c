"""CSV and tab-separated text, read as a stream of rows."""

from __future__ import annotations

import csv
import io
import sys
from array import array
from collections.abc import Iterator
from typing import IO

from chengxin.core import error_codes
from chengxin.core.tabular.encodings import UTF16
from chengxin.core.tabular.refusals import Source, refusal

KIND_CSV = "csv"
CHUNK_BYTES = 1024 * 1024
DELIMITERS = (",", "\t", ";")


def sniffed_delimiter(text: str) -> str:
    """The delimiter of the first line: the most frequent of comma, tab and semicolon (comma when
    none appears)."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


class TextTable:
    """A CSV or tab-separated file in a known encoding."""

    kind = KIND_CSV

    def __init__(self, source: Source, *, encoding: str, delimiter: str, size: int) -> None:
        self._source = source
        self.encoding = encoding
        self.delimiter = delimiter
        self.size = size

    def rows(self, *, max_columns: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every non-blank row: cells stripped of surrounding spaces, at
        most ``max_columns`` of them (a row is blank when all its cells are). A record whose
        quoted cell spans lines is one row, as in Excel. Raises ``TabularRefused`` on a decoding
        error (``file_encoding_invalid``), a NUL character or a cell over the ``csv`` module's
        field limit (``file_corrupt``)."""
        with (
            self._source.open() as stream,
            io.TextIOWrapper(stream, encoding=self.encoding, newline="") as text,
        ):
            reader = csv.reader(_checked_lines(text), delimiter=self.delimiter)
            try:
                for number, record in enumerate(reader, start=1):
                    cells = [cell.strip() for cell in record]
                    if not any(cells):
                        continue
                    if max_columns is not None and len(cells) > max_columns:
                        del cells[max_columns:]
                    yield number, cells
            except UnicodeDecodeError:
                raise refusal(error_codes.FILE_ENCODING_INVALID) from None
            except csv.Error:
                raise refusal(error_codes.FILE_CORRUPT) from None

    def estimated_rows(self) -> int:
        """The number of lines, counted without decoding (a last line without a line break
        counts too)."""
        with self._source.open() as stream:
            if self.encoding == UTF16:
                return _count_utf16_lines(stream)
            return _count_lines(stream)

    @property
    def unpacked_bytes(self) -> int:
        return 0


def _checked_lines(text: IO[str]) -> Iterator[str]:
    for line in text:
        if "\x00" in line:
            raise refusal(error_codes.FILE_CORRUPT)
        yield line


def _count_lines(stream: IO[bytes]) -> int:
    count, last = 0, b""
    while chunk := stream.read(CHUNK_BYTES):
        count += chunk.count(b"\n")
        last = chunk
    if last and not last.endswith(b"\n"):
        count += 1
    return count


def _count_utf16_lines(stream: IO[bytes]) -> int:
    """Line feeds counted as 16-bit units (a byte 0x0A may be half of another character)."""
    big_endian = stream.read(2) == b"\xfe\xff"
    line_feed = 0x000A if big_endian == (sys.byteorder == "big") else 0x0A00
    count, last, carry = 0, None, b""
    while chunk := stream.read(CHUNK_BYTES):
        data = carry + chunk
        even = len(data) - len(data) % 2
        units = array("H", data[:even])
        carry = data[even:]
        count += units.count(line_feed)
        if units:
            last = units[-1]
    if last is not None and last != line_feed:
        count += 1
    return count
