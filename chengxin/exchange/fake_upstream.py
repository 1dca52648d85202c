"""A reference receiver of the upstream push, for tests and pilots (``chengxin fake-upstream``).

A real HTTP server (threaded, standard library) that does what docs/exchange.md asks of the
provincial platform: it verifies each batch's signature, deduplicates events by ``message_id``,
stores what it applied as JSON Lines in its folder (``received.jsonl``, one line per event,
flushed and synced before it answers, read back at start so deduplication survives a restart),
and answers a signed receipt per event.

It can be told to misbehave, from the command line or at ``/_control`` (loopback clients only):
``fail`` (HTTP 500), ``timeout`` (no answer for ``delay`` seconds, nothing applied), ``slow``
(a correct answer after ``delay`` seconds), ``lose-ack`` (apply the batch, then drop the
connection without answering), each for the next ``count`` requests or until told otherwise;
and ``chaos`` (each request meets one of those faults with probability ``rate``).
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import os
import random
import socket
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chengxin.exchange import error_codes
from chengxin.exchange.choices import ReceiptStatus, SignatureAlgorithm
from chengxin.exchange.signing import (
    HEADER_ALGORITHM,
    HEADER_KEY_ID,
    HEADER_SIGNATURE,
    SigningKey,
    verifies,
)

CONTROL_PATH = "/_control"
STORE_FILE = "received.jsonl"
MAX_BODY_BYTES = 10 * 1024 * 1024
OK = "ok"
FAIL = "fail"
TIMEOUT = "timeout"
SLOW = "slow"
LOSE_ACK = "lose-ack"
CHAOS = "chaos"
MODES = (OK, FAIL, TIMEOUT, SLOW, LOSE_ACK, CHAOS)
CHAOS_FAULTS = (FAIL, TIMEOUT, LOSE_ACK)


@dataclass
class Faults:
    """What the next requests meet. ``count``: how many requests the mode applies to before it
    falls back to ``ok`` (``None``: until changed)."""

    mode: str = OK
    count: int | None = None
    delay: float = 5.0
    rate: float = 0.0
    random_source: random.Random = field(default_factory=random.Random)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, *, mode: str, count: int | None = None, delay=None, rate=None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        with self.lock:
            self.mode, self.count = mode, count
            if delay is not None:
                self.delay = float(delay)
            if rate is not None:
                self.rate = float(rate)

    def take(self) -> str:
        """The fault of the request arriving now."""
        with self.lock:
            mode = self.mode
            if self.count is not None:
                self.count -= 1
                if self.count <= 0:
                    self.mode, self.count = OK, None
            if mode == CHAOS:
                hit = self.random_source.random() < self.rate
                mode = self.random_source.choice(CHAOS_FAULTS) if hit else OK
            return mode

    def describe(self) -> dict[str, Any]:
        with self.lock:
            return {"mode": self.mode, "count": self.count, "delay": self.delay, "rate": self.rate}


class UpstreamStore:
    """What the receiver applied: one JSON line per event, and the receipt id of each message id
    (read back from the file at start)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / STORE_FILE
        self.lock = threading.Lock()
        self.receipts: dict[str, str] = {}
        self.counts = {"requests": 0, "applied": 0, "duplicates": 0, "refused": 0, "faults": 0}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    self.receipts[entry["message_id"]] = entry["receipt_id"]

    def count(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1

    def apply(self, batch: dict[str, Any]) -> list[dict[str, Any]]:
        """Apply the batch's events in order, each once; their receipts."""
        now = datetime.datetime.now(datetime.UTC).isoformat()
        receipts = []
        with self.lock, self.path.open("a", encoding="utf-8") as output:
            for event in batch["events"]:
                message_id = event["message_id"]
                known = self.receipts.get(message_id)
                if known is not None:
                    self.counts["duplicates"] += 1
                    receipts.append(_receipt(message_id, known, ReceiptStatus.DUPLICATE, now))
                    continue
                receipt_id = uuid.uuid4().hex
                line = {
                    "message_id": message_id,
                    "receipt_id": receipt_id,
                    "batch_id": batch["batch_id"],
                    "event_type": event.get("event_type"),
                    "subject": event.get("subject"),
                    "payload": event.get("payload"),
                    "received_at": now,
                }
                output.write(json.dumps(line, ensure_ascii=False) + "\n")
                self.receipts[message_id] = receipt_id
                self.counts["applied"] += 1
                receipts.append(_receipt(message_id, receipt_id, ReceiptStatus.ACCEPTED, now))
            output.flush()
            os.fsync(output.fileno())
        return receipts

    def stats(self) -> dict[str, int]:
        with self.lock:
            return {**self.counts, "stored": len(self.receipts)}


def _receipt(message_id: str, receipt_id: str, status: str, now: str) -> dict[str, str]:
    return {
        "message_id": message_id,
        "receipt_id": receipt_id,
        "status": status,
        "received_at": now,
    }


def stored_events(directory: Path) -> list[dict[str, Any]]:
    """The events a receiver stored in ``directory``, in the order it applied them."""
    path = Path(directory) / STORE_FILE
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


class FakeUpstreamServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, *, store: UpstreamStore, key: SigningKey, faults: Faults):
        self.store, self.key, self.faults = store, key, faults
        super().__init__(address, UpstreamHandler)

    def shutdown(self) -> None:
        self.faults.stopping.set()
        super().shutdown()


class UpstreamHandler(BaseHTTPRequestHandler):
    server: FakeUpstreamServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        return

    def do_GET(self) -> None:
        if self.path != CONTROL_PATH or not self._from_loopback():
            self._answer(404, {"code": "not_found"})
            return
        self._answer(200, {**self.server.store.stats(), **self.server.faults.describe()})

    def do_POST(self) -> None:
        body = self._body()
        if body is None:
            self._answer(413, {"code": error_codes.BATCH_MALFORMED})
        elif self.path == CONTROL_PATH:
            self._control(body)
        else:
            self._batch(body)

    def _from_loopback(self) -> bool:
        return ipaddress.ip_address(self.client_address[0]).is_loopback

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return None
        return self.rfile.read(length)

    def _control(self, body: bytes) -> None:
        if not self._from_loopback():
            self._answer(404, {"code": "not_found"})
            return
        try:
            order = json.loads(body or b"{}")
            self.server.faults.set(
                mode=order.get("mode", OK),
                count=order.get("count"),
                delay=order.get("delay"),
                rate=order.get("rate"),
            )
        except (ValueError, TypeError, AttributeError) as error:
            self._answer(400, {"code": "control_invalid", "detail": str(error)})
            return
        self._answer(200, self.server.faults.describe())

    def _batch(self, body: bytes) -> None:
        store, faults = self.server.store, self.server.faults
        store.count("requests")
        mode = faults.take()
        if mode != OK:
            store.count("faults")
        if mode == FAIL:
            self._answer(500, {"code": error_codes.INJECTED_FAILURE})
            return
        if mode == TIMEOUT:
            faults.stopping.wait(faults.delay)
            self._drop()
            return
        refusal = self._refusal(body)
        if refusal is not None:
            store.count("refused")
            self._answer(*refusal)
            return
        batch = json.loads(body)
        if mode == SLOW:
            faults.stopping.wait(faults.delay)
        receipts = store.apply(batch)
        if mode == LOSE_ACK:
            self._drop()
            return
        self._answer(200, {"batch_id": batch["batch_id"], "receipts": receipts}, signed=True)

    def _refusal(self, body: bytes) -> tuple[int, dict[str, str]] | None:
        algorithm = self.headers.get(HEADER_ALGORITHM, "")
        if algorithm not in SignatureAlgorithm.values:
            return 400, {"code": error_codes.SIGNATURE_ALGORITHM_UNKNOWN}
        if self.headers.get(HEADER_KEY_ID, "") != self.server.key.key_id:
            return 401, {"code": error_codes.SIGNATURE_KEY_UNKNOWN}
        signature = self.headers.get(HEADER_SIGNATURE, "")
        if not verifies(
            body, signature=signature, secret=self.server.key.secret, algorithm=algorithm
        ):
            return 401, {"code": error_codes.SIGNATURE_INVALID}
        try:
            batch = json.loads(body)
            ok = isinstance(batch.get("batch_id"), str) and all(
                isinstance(event.get("message_id"), str) for event in batch["events"]
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            ok = False
        return None if ok else (400, {"code": error_codes.BATCH_MALFORMED})

    def _answer(self, status: int, content: dict[str, Any], *, signed: bool = False) -> None:
        raw = json.dumps(content, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        if signed:
            for name, value in self.server.key.headers(raw).items():
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _drop(self) -> None:
        """Close the connection without an answer (a lost acknowledgement, a timeout)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def make_server(
    *, host: str, port: int, store_dir: Path, key: SigningKey, faults: Faults | None = None
) -> FakeUpstreamServer:
    """A receiver bound to ``host:port`` (port 0: a free one, see ``server_address``)."""
    return FakeUpstreamServer(
        (host, port), store=UpstreamStore(Path(store_dir)), key=key, faults=faults or Faults()
    )
