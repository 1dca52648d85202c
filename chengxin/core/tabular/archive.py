"""The ZIP container of an XLSX: checked from its directory before anything is unpacked, then
read part by part within a budget, each part's XML streamed with one subtree in memory.

Refused from the directory alone (``file_corrupt`` unless said otherwise): more than
``MAX_MEMBERS`` parts; a name that is absolute, climbs out (``..``), uses backslashes or holds a
NUL; two parts with the same name (compared case-insensitively, as OPC does); encrypted or
patched parts, compression other than stored and deflate; parts whose data overlap (the
overlapping-entry zip bomb) or lie beyond the end of the file; no ``[Content_Types].xml`` (``file_type_unsupported``);
declared sizes adding up to more than the limit, or a part over 1 MiB compressed more than the
ratio limit (``file_unpacked_too_large``).

XML parts must be UTF-8 and may not declare a document type: no part of an XLSX has one, and
refusing it rules out entity expansion (billion laughs) and external entities whatever the XML
parser would do with them.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from chengxin.core import error_codes
from chengxin.core.tabular.refusals import Limits, Source, megabytes, refusal

XLSX_MARKER = "[Content_Types].xml"
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 10_000
# Small parts (styles, the content types) may compress far better than sheets; the ratio is
# only checked for parts larger than this.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024
LOCAL_HEADER_BYTES = 30
# Elements below the streamed depth that one subtree (a row, a shared string) may hold: a row of
# Excel's 16,384 cells, each with a value, a formula and an inline string, stays under it. In
# memory such a subtree takes some 30 MB at most.
MAX_SUBTREE_ELEMENTS = 100_000
_ALLOWED_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
# General purpose flags of parts the platform does not read: encrypted (bit 0), compressed
# patched data (bit 5), strong encryption (bit 6).
_REFUSED_FLAGS = 0x1 | 0x20 | 0x40
_DOCTYPE = b"<!DOCTYPE"
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# What reading a damaged archive raises: zipfile (a bad header, a bad CRC, a feature it does not
# support), zlib (bad deflate data), a truncated file (EOFError, struct.error), a name that is no
# valid UTF-8 (ValueError).
_ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    NotImplementedError,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    struct.error,
)


@contextmanager
def archive_errors() -> Iterator[None]:
    """Inside: whatever a damaged archive raises becomes the refusal ``file_corrupt``."""
    try:
        yield
    except _ARCHIVE_ERRORS:
        raise refusal(error_codes.FILE_CORRUPT) from None


@contextmanager
def opened_archive(source: Source) -> Iterator[zipfile.ZipFile]:
    with archive_errors(), source.open() as stream, zipfile.ZipFile(stream) as archive:
        yield archive


def checked_members(source: Source, *, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """The archive's parts by case-folded name, once its directory passed every check (module
    docstring); raises ``TabularRefused``."""
    with opened_archive(source) as archive:
        members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise refusal(error_codes.FILE_CORRUPT)
    by_name: dict[str, zipfile.ZipInfo] = {}
    for member in members:
        key = _checked_name(member.filename)
        if key in by_name:
            raise refusal(error_codes.FILE_CORRUPT)
        by_name[key] = member
    if XLSX_MARKER.casefold() not in by_name:
        raise refusal(error_codes.FILE_TYPE_UNSUPPORTED)
    _check_entries(members, size=source.size())
    _check_sizes(members, limits=limits)
    return by_name


def _checked_name(name: str) -> str:
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or ":" in parts[0]
        or ".." in parts
    ):
        raise refusal(error_codes.FILE_CORRUPT)
    return name.casefold()


def _check_entries(members: list[zipfile.ZipInfo], *, size: int) -> None:
    spans = []
    for member in members:
        if member.flag_bits & _REFUSED_FLAGS or member.compress_type not in _ALLOWED_COMPRESSION:
            raise refusal(error_codes.FILE_CORRUPT)
        start = member.header_offset
        end = start + LOCAL_HEADER_BYTES + len(member.orig_filename) + member.compress_size
        if end > size:
            raise refusal(error_codes.FILE_CORRUPT)
        spans.append((start, end))
    spans.sort()
    for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            raise refusal(error_codes.FILE_CORRUPT)


def _check_sizes(members: list[zipfile.ZipInfo], *, limits: Limits) -> None:
    too_large = refusal(
        error_codes.FILE_UNPACKED_TOO_LARGE, limit=megabytes(limits.max_unpacked_bytes)
    )
    if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
        raise too_large
    for member in members:
        if (
            member.file_size > RATIO_CHECK_MIN_BYTES
            and member.file_size > limits.max_compression_ratio * max(member.compress_size, 1)
        ):
            raise too_large


class UnpackBudget:
    """Bytes unpacked in one reading of the file, refused past the limit. The ZIP module already
    stops each part at its declared size; this counts what was really read."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.used = 0

    def take(self, size: int) -> None:
        self.used += size
        if self.used > self.limits.max_unpacked_bytes:
            raise refusal(
                error_codes.FILE_UNPACKED_TOO_LARGE,
                limit=megabytes(self.limits.max_unpacked_bytes),
            )


def part_chunks(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    budget: UnpackBudget,
    *,
    max_bytes: int | None = None,
) -> Iterator[bytes]:
    """The part's bytes in chunks, counted against ``budget``; a part over ``max_bytes`` is
    refused as ``file_corrupt`` before it is read."""
    if max_bytes is not None and member.file_size > max_bytes:
        raise refusal(error_codes.FILE_CORRUPT)
    with archive_errors(), archive.open(member) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            budget.take(len(chunk))
            yield chunk


def resolved_target(base: str, target: str) -> str:
    """The part a relationship ``target`` names, relative to the folder ``base`` of its source
    part (or absolute); a target outside the package is refused."""
    if "\\" in target or "\x00" in target or "://" in target:
        raise refusal(error_codes.FILE_CORRUPT)
    path = target[1:] if target.startswith("/") else posixpath.join(base, target)
    path = posixpath.normpath(path)
    if path.startswith(("../", "/")) or path in {"..", "."}:
        raise refusal(error_codes.FILE_CORRUPT)
    return path


def streamed(chunks: Iterator[bytes], *, depth: int) -> Iterator[tuple[int, Element, Element]]:
    """(depth, element, parent) of every element at ``depth`` or above, once it has ended (its
    subtree complete), in document order. Each is dropped from the tree after it was handed on,
    so memory holds one subtree at a time; a subtree of more than ``MAX_SUBTREE_ELEMENTS``
    elements is refused. The root has depth 1 and is its own parent."""
    parser = XMLPullParser(events=("start", "end"))
    path: list[Element] = []
    inside = 0
    for chunk in _checked_chunks(chunks):
        # The parser keeps a syntax error among the events, raised where it occurred.
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            events = list(parser.read_events())
        except ParseError:
            raise refusal(error_codes.FILE_CORRUPT) from None
        for event, element in events:
            if event == "start":
                path.append(element)
                if len(path) > depth:
                    inside += 1
                    if inside > MAX_SUBTREE_ELEMENTS:
                        raise refusal(error_codes.FILE_CORRUPT)
                continue
            level = len(path)
            path.pop()
            if level > depth:
                continue
            parent = path[-1] if path else element
            yield level, element, parent
            if path:
                # The earlier siblings were dropped when they ended, so this element comes first.
                del parent[0]
            if level == depth:
                inside = 0


def _checked_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks of a UTF-8 XML part without a document type, then ``b""`` for its end."""
    tail = b""
    first = True
    for chunk in chunks:
        if first:
            _check_prolog(chunk)
            first = False
        if _DOCTYPE in chunk or _DOCTYPE in tail + chunk[: len(_DOCTYPE)]:
            raise refusal(error_codes.FILE_CORRUPT)
        tail = chunk[-len(_DOCTYPE) :]
        yield chunk
    yield b""


def _check_prolog(chunk: bytes) -> None:
    """Refuse XML that is not UTF-8: a UTF-16 or UTF-32 part, or another declared encoding."""
    if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in chunk[:4]:
        raise refusal(error_codes.FILE_CORRUPT)
    head = chunk.removeprefix(codecs.BOM_UTF8)
    if not head.startswith(b"<?xml"):
        return
    end = head.find(b"?>")
    if end < 0:
        raise refusal(error_codes.FILE_CORRUPT)
    declared = _DECLARED_ENCODING.search(head[:end])
    if declared and declared.group(1).lower() not in {b"utf-8", b"utf8"}:
        raise refusal(error_codes.FILE_CORRUPT)
