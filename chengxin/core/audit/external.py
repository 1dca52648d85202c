"""The external checkpoint file: signed copies of the audit log's checkpoints, kept outside the
database.

Someone who can write to the database can delete the newest events together with their seals and
the checkpoints after them, and nothing left in the database shows that the chain was longer. So
every checkpoint that the worker makes (by time, at shutdown) or an operator asks for is also
appended to a file the database's users cannot rewrite: ``CHENGXIN_AUDIT_CHECKPOINT_FILE``, best
an append-only or WORM volume on another host, with an optional copy of each line sent to a syslog
collector (``CHENGXIN_AUDIT_CHECKPOINT_SYSLOG``). ``audit verify`` reads the file back and compares
it with the chain.

One JSON object per line, each signed on its own (``hashing.external_checkpoint_signature``)::

    {"algorithm":"hmac-sha256","chain_algorithm":"sha256","chain_hash":"…","created_at":"…",
     "event_id":12,"key_id":"s1","kind":"checkpoint","restored_seq":null,"seq":7,"signature":"…",
     "v":1}

A ``restore`` line records that the database was knowingly restored from a backup that ends at
``restored_seq``: lines before it with a higher seq no longer bind (``audit checkpoint
--after-restore``).

Writers take an exclusive lock on the file (several worker processes, or hosts sharing a mount),
append a checkpoint only when it is newer than the newest genuine line, so the file's seqs only
grow, and fsync before they return.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from chengxin.config.env import VAR_DIR
from chengxin.core.audit import hashing
from chengxin.core.audit.choices import ExternalCheckpointKind, HashAlgorithm
from chengxin.core.json import canonical

LINE_VERSION = 1
TAIL_BLOCK_SIZE = 8192
FILE_MODE = 0o640
SYSLOG_TAG = "chengxin-audit-checkpoint"
SYSLOG_PRIORITY = 10 * 8 + 6  # facility authpriv (10), severity informational (6); RFC 5424
SYSLOG_TIMEOUT_SECONDS = 5.0

logger = logging.getLogger(__name__)


class ExternalCheckpointError(Exception):
    """The external checkpoint file cannot be read or written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class ExternalCheckpoint:
    """One signed line of the external checkpoint file.

    ``fields`` are every field of the line but the signature, exactly as read (what the signature
    covers); ``line_number`` is where it was read, 0 for a line not read from a file.
    """

    fields: dict[str, Any]
    signature: str
    line_number: int = 0

    @property
    def kind(self) -> str:
        return self.fields["kind"]

    @property
    def seq(self) -> int:
        return self.fields["seq"]

    @property
    def event_id(self) -> int:
        return self.fields["event_id"]

    @property
    def chain_hash(self) -> str:
        return self.fields["chain_hash"]

    @property
    def chain_algorithm(self) -> str:
        return self.fields["chain_algorithm"]

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.fields["created_at"])

    @property
    def key_id(self) -> str:
        return self.fields["key_id"]

    @property
    def algorithm(self) -> str:
        return self.fields["algorithm"]

    @property
    def restored_seq(self) -> int | None:
        return self.fields["restored_seq"]

    def to_line(self) -> bytes:
        """The line as written to the file, without its newline."""
        return canonical({**self.fields, "signature": self.signature})

    def expected_signature(self) -> str:
        """The signature its fields should carry (raises ``hashing.UnknownKeyError`` or
        ``hashing.UnknownAlgorithmError``)."""
        return hashing.external_checkpoint_signature(
            self.fields, algorithm=self.algorithm, key_id=self.key_id
        )

    def is_genuine(self) -> bool:
        """Whether the signature verifies under a configured key."""
        try:
            expected = self.expected_signature()
        except (hashing.UnknownKeyError, hashing.UnknownAlgorithmError):
            return False
        return hashing.digests_equal(expected, self.signature)


def external_checkpoint_path() -> Path | None:
    """The external checkpoint file this deployment names, or ``None`` when it keeps none."""
    value = getattr(settings, "CHENGXIN_AUDIT_CHECKPOINT_FILE", None)
    return Path(value) if value else None


def external_checkpoint_required() -> bool:
    """Whether ``audit verify`` fails when no external checkpoint covers the chain."""
    return bool(getattr(settings, "CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED", False))


def external_checkpoint_build(
    *,
    seq: int,
    event_id: int,
    chain_hash: str,
    chain_algorithm: str,
    created_at: datetime,
    kind: str = ExternalCheckpointKind.CHECKPOINT,
    restored_seq: int | None = None,
) -> ExternalCheckpoint:
    """A line for the seal at ``seq``, signed with the active signing key."""
    key_id = hashing.active_signing_key_id()
    algorithm = HashAlgorithm.HMAC_SHA256
    fields = {
        "v": LINE_VERSION,
        "kind": str(kind),
        "seq": seq,
        "event_id": event_id,
        "chain_hash": chain_hash,
        "chain_algorithm": str(chain_algorithm),
        "created_at": hashing.utc_text(created_at),
        "restored_seq": restored_seq,
        "key_id": key_id,
        "algorithm": str(algorithm),
    }
    signature = hashing.external_checkpoint_signature(fields, algorithm=algorithm, key_id=key_id)
    return ExternalCheckpoint(fields=fields, signature=signature)


def external_checkpoint_parse(raw: bytes, *, line_number: int = 0) -> ExternalCheckpoint | None:
    """The checkpoint a line states, or ``None`` when it is not a well-formed line (a write cut
    short by a crash, or anything else that is not one of ours). The signature is not checked."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    signature = data.pop("signature", None)
    if not isinstance(signature, str) or not _well_formed(data):
        return None
    return ExternalCheckpoint(fields=data, signature=signature, line_number=line_number)


def external_checkpoints_read(path: Path) -> Iterator[tuple[int, ExternalCheckpoint | None]]:
    """Every non-empty line of the file in order, with its number, parsed (``None``: malformed).

    Opens the file at once, so a missing or unreadable file raises ``OSError`` here, not on the
    first line. Reads one line at a time: memory stays bounded however long the file grows.
    """
    handle = open(path, "rb")  # noqa: SIM115 (closed by the generator)
    return _numbered_lines(handle)


def external_checkpoint_newest(path: Path) -> ExternalCheckpoint | None:
    """The newest genuine line of the file, read from its end; ``None`` if there is none."""
    try:
        with open(path, "rb") as handle:
            return _newest_genuine(handle)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ExternalCheckpointError(path, error.strerror or str(error)) from error


def external_checkpoint_append(checkpoint: ExternalCheckpoint, *, path: Path) -> bool:
    """Append ``checkpoint`` to the file, unless a genuine line already covers its seq or a later
    one (a ``restore`` line is always appended). Returns whether it was written.

    Holds an exclusive lock on the file while it reads the newest line and writes, so concurrent
    writers neither interleave nor make the seqs go back; the line is on disk (fsync) when this
    returns. A copy goes to the syslog collector if one is configured. Raises
    ``ExternalCheckpointError`` when the file cannot be written.
    """
    try:
        with _locked_for_append(path) as descriptor:
            with open(path, "rb") as reader:
                newest = _newest_genuine(reader)
                ends_cleanly = _ends_with_newline(reader)
            if _already_covered(checkpoint, newest):
                return False
            _write_line(descriptor, checkpoint.to_line(), after_torn_line=not ends_cleanly)
    except OSError as error:
        raise ExternalCheckpointError(path, error.strerror or str(error)) from error
    logger.info("Audit checkpoint at seq %s written to %s.", checkpoint.seq, path)
    _copy_to_syslog(checkpoint)
    return True


def _well_formed(data: dict[str, Any]) -> bool:
    texts = ("chain_hash", "chain_algorithm", "created_at", "key_id", "algorithm")
    if data.get("v") != LINE_VERSION or data.get("kind") not in ExternalCheckpointKind.values:
        return False
    if not all(isinstance(data.get(name), str) for name in texts):
        return False
    if not (_is_count(data.get("seq"), least=1) and _is_count(data.get("event_id"), least=1)):
        return False
    if "restored_seq" not in data:
        return False
    restored_seq = data["restored_seq"]
    if data["kind"] == ExternalCheckpointKind.RESTORE:
        if not _is_count(restored_seq, least=0):
            return False
    elif restored_seq is not None:
        return False
    return _is_aware_time(data["created_at"])


def _is_count(value: object, *, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _is_aware_time(text: str) -> bool:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return False
    return moment.tzinfo is not None


def _numbered_lines(handle: BinaryIO) -> Iterator[tuple[int, ExternalCheckpoint | None]]:
    with handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield number, external_checkpoint_parse(raw, line_number=number)


def _lines_from_end(handle: BinaryIO) -> Iterator[bytes]:
    """The file's lines, last first, read backwards block by block (never the whole file at once
    unless no line before the start qualifies)."""
    position = handle.seek(0, os.SEEK_END)
    rest = b""
    while position > 0:
        size = min(TAIL_BLOCK_SIZE, position)
        position -= size
        handle.seek(position)
        pieces = (handle.read(size) + rest).split(b"\n")
        rest = pieces[0]
        yield from reversed(pieces[1:])
    yield rest


def _newest_genuine(handle: BinaryIO) -> ExternalCheckpoint | None:
    """The last line whose signature verifies: a forged line appended by someone without the key
    must not stop the genuine checkpoints that follow it."""
    for raw in _lines_from_end(handle):
        if not raw.strip():
            continue
        checkpoint = external_checkpoint_parse(raw)
        if checkpoint is not None and checkpoint.is_genuine():
            return checkpoint
    return None


def _ends_with_newline(handle: BinaryIO) -> bool:
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return True
    handle.seek(size - 1)
    return handle.read(1) == b"\n"


def _already_covered(checkpoint: ExternalCheckpoint, newest: ExternalCheckpoint | None) -> bool:
    if checkpoint.kind == ExternalCheckpointKind.RESTORE or newest is None:
        return False
    return newest.seq >= checkpoint.seq


@contextmanager
def _locked_for_append(path: Path) -> Iterator[int]:
    """The file open for appending (created if missing), under an exclusive lock.

    Only the default location's directory (the var directory) is created: a file named elsewhere
    lives on a volume the deployment mounts, and writing into an empty mount point would put the
    checkpoints on the wrong disk.
    """
    created = not path.exists()
    if created and path.parent == VAR_DIR:
        path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
    descriptor = os.open(path, flags, FILE_MODE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield descriptor
        if created:
            _fsync_directory(path.parent)
    finally:
        os.close(descriptor)


def _write_line(descriptor: int, line: bytes, *, after_torn_line: bool) -> None:
    """Write one line and fsync it. A line left without its newline by an interrupted write is
    closed first, so it stays one unreadable line instead of spoiling the new one."""
    data = (b"\n" if after_torn_line else b"") + line + b"\n"
    while data:
        written = os.write(descriptor, data)
        data = data[written:]
    os.fsync(descriptor)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_to_syslog(checkpoint: ExternalCheckpoint) -> None:
    address = getattr(settings, "CHENGXIN_AUDIT_CHECKPOINT_SYSLOG", "")
    if not address:
        return
    try:
        _syslog_send(address, _syslog_message(checkpoint.to_line()))
    except OSError as error:
        logger.warning(
            "The syslog copy of the audit checkpoint at seq %s was not sent to %s: %s",
            checkpoint.seq,
            address,
            error,
        )


def _syslog_message(line: bytes) -> bytes:
    """An RFC 5424 message whose text is the line exactly as in the file."""
    header = (
        f"<{SYSLOG_PRIORITY}>1 {hashing.utc_text(timezone.now())} {socket.gethostname()} "
        f"{SYSLOG_TAG} {os.getpid()} - - "
    )
    return header.encode("ascii") + line


def _syslog_send(address: str, message: bytes) -> None:
    """Send one message to ``udp://host:port``, ``tcp://host:port`` (newline-framed) or a local
    datagram socket given by its absolute path."""
    if address.startswith("/"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.settimeout(SYSLOG_TIMEOUT_SECONDS)
            sender.connect(address)
            sender.send(message)
        return
    target = urlsplit(address)
    if target.scheme not in ("udp", "tcp") or not target.hostname or not target.port:
        raise ImproperlyConfigured(
            "CHENGXIN_AUDIT_CHECKPOINT_SYSLOG must be udp://host:port, tcp://host:port "
            "or the absolute path of a local socket."
        )
    if target.scheme == "tcp":
        endpoint = (target.hostname, target.port)
        with socket.create_connection(endpoint, timeout=SYSLOG_TIMEOUT_SECONDS) as sender:
            sender.sendall(message + b"\n")
        return
    family, kind, protocol, _name, endpoint = socket.getaddrinfo(
        target.hostname, target.port, type=socket.SOCK_DGRAM
    )[0]
    with socket.socket(family, kind, protocol) as sender:
        sender.settimeout(SYSLOG_TIMEOUT_SECONDS)
        sender.sendto(message, endpoint)
