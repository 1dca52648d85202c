"""Reading and validating a file's chunks, in the importing process or in a helper process.

A file import spends about half its time on pure Python work per row: reading the file,
validating each row against the item's Table Schema, the blind index, the JSON text and the
content hash of the values (``checked_rows.prepare_rows``). None of it touches the database, so
for a large file a helper process does it for the next chunks while the importing process writes
the current one (docs/performance.md). The helper only reads the file and sends prepared chunks over
a bounded queue (at most ``QUEUE_CHUNKS`` waiting, so memory stays bounded); the importing
process still applies every chunk in file order, each with its position in one transaction, so
crash safety and resumption are the same as without it.

The helper is a fresh interpreter (``spawn``), not a fork: it must not share the importing
process's database connection or the lock that says who runs the import. It stops by itself when
the importing process goes away (a killed import leaves no helper behind for long). This module
imports no models at import time: the helper loads it before it sets Django up.
"""

from __future__ import annotations

import datetime
import itertools
import multiprocessing
import os
import queue as queue_module
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from chengxin.collection.ingest.checked_rows import PreparedRows
    from chengxin.collection.ingest.files import FileError, SourceRow
    from chengxin.collection.ingest.rows import RowValidator

QUEUE_CHUNKS = 2
POLL_SECONDS = 1.0
DEFAULT_BACKGROUND_MIN_ROWS = 20_000


@dataclass
class PreparedChunk:
    """One chunk of a file: its raw rows (row number → values, in file order) and the rows
    validated and prepared (``None`` for a revocation, whose rows name only a ``source_id``)."""

    raw: dict[int, Any]
    prepared: PreparedRows | None = None

    @property
    def last_row(self) -> int:
        return next(reversed(self.raw))


@dataclass(frozen=True)
class PreparationJob:
    """What the helper needs to read and prepare a file from a position on."""

    source: bytes | Path
    schema: dict
    today: datetime.date
    start_after: int
    chunk_rows: int
    max_bytes: int | None
    language: str | None
    # The key of the blind indexes the helper computes: the importing process's own, whatever
    # the helper's settings would read (they are the same in a deployment; tests override them).
    blind_index_key: str


@dataclass
class _End:
    file_errors: list[FileError] = field(default_factory=list)


@dataclass
class _Failure:
    trace: str


class PreparationFailed(RuntimeError):
    """The helper process failed or died; the import stops at its last committed chunk."""


def background_min_rows() -> int:
    """Files with at least this many rows left to import are prepared by a helper process (0:
    never)."""
    return getattr(settings, "CHENGXIN_IMPORT_BACKGROUND_MIN_ROWS", DEFAULT_BACKGROUND_MIN_ROWS)


def chunks(rows: Iterator[SourceRow], size: int) -> Iterator[dict[int, Any]]:
    """The rows in chunks of ``size``, each as row number → raw values."""
    while chunk := list(itertools.islice(rows, size)):
        yield {row.row_number: row.values for row in chunk}


def prepared_here(
    rows: Iterator[SourceRow], *, chunk_rows: int, validator: RowValidator
) -> Iterator[PreparedChunk]:
    """The chunks prepared in this process, one at a time."""
    from chengxin.collection.ingest.checked_rows import prepare_rows

    for raw in chunks(rows, chunk_rows):
        yield PreparedChunk(raw=raw, prepared=prepare_rows(raw, validator=validator))


def prepared_in_background(job: PreparationJob, *, file_errors: list[FileError]):
    """The chunks prepared by a helper process, in file order; the file errors the helper met
    while reading are added to ``file_errors``. Raises ``PreparationFailed`` if the helper fails.
    The helper is stopped when the caller stops iterating."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=QUEUE_CHUNKS)
    helper = context.Process(
        target=_prepare, args=(job, channel, os.getpid()), daemon=True, name="chengxin-prepare"
    )
    helper.start()
    # A thread takes the chunks off the pipe (unpickling them) while this thread waits for the
    # database with the previous one.
    received: queue_module.Queue = queue_module.Queue(maxsize=1)
    stop = threading.Event()
    reader = threading.Thread(
        target=_read_ahead, args=(channel, helper, received, stop), daemon=True
    )
    reader.start()
    try:
        while True:
            message = received.get()
            if isinstance(message, PreparationFailed):
                raise message
            if isinstance(message, _End):
                file_errors.extend(message.file_errors)
                return
            if isinstance(message, _Failure):
                raise PreparationFailed(message.trace)
            yield message
    finally:
        stop.set()
        if helper.is_alive():
            helper.terminate()
        helper.join(timeout=10)
        reader.join(timeout=10)
        channel.close()


def _read_ahead(channel, helper, received: queue_module.Queue, stop: threading.Event) -> None:
    """Move the helper's messages to ``received`` until the last one, a failure, or ``stop``."""
    while not stop.is_set():
        try:
            message = _receive(channel, helper, stop=stop)
        except PreparationFailed as failure:
            message = failure
        if message is None:
            return
        while not stop.is_set():
            try:
                received.put(message, timeout=POLL_SECONDS)
                break
            except queue_module.Full:
                continue
        if not isinstance(message, PreparedChunk):
            return


def _receive(channel, helper, *, stop: threading.Event):
    """The helper's next message (``None`` once ``stop`` is set)."""
    while not stop.is_set():
        try:
            return channel.get(timeout=POLL_SECONDS)
        except queue_module.Empty:
            if not helper.is_alive():
                raise PreparationFailed(
                    f"The preparing process ended (exit code {helper.exitcode})."
                ) from None


def _prepare(job: PreparationJob, channel, parent_pid: int) -> None:
    """The helper's main: set Django up, read and prepare every chunk, then say it ended."""
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    try:
        import django

        django.setup()
        from django.utils import translation

        from chengxin.collection.ingest.files import open_table
        from chengxin.collection.ingest.rows import RowValidator
        from chengxin.core import crypto

        settings.CHENGXIN_BLIND_INDEX_KEY = job.blind_index_key
        crypto.reset_key_cache()
        if job.language:
            translation.activate(job.language)
        table = open_table(job.source, schema=job.schema, max_bytes=job.max_bytes)
        validator = RowValidator(job.schema, today=job.today)
        rows = table.rows(start_after=job.start_after)
        for chunk in prepared_here(rows, chunk_rows=job.chunk_rows, validator=validator):
            channel.put(chunk)
        channel.put(_End(file_errors=list(table.file_errors)))
    except Exception:  # noqa: BLE001 - whatever failed, the importing process must learn of it
        channel.put(_Failure(trace=traceback.format_exc()))
    channel.close()
    channel.join_thread()


def _watch_parent(parent_pid: int) -> None:
    """End the helper as soon as the importing process is gone (killed, or ended early)."""
    while os.getppid() == parent_pid:
        time.sleep(POLL_SECONDS)
    os._exit(0)
