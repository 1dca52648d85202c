"""Delivery to the provincial platform through faults and SIGKILL of both sides.

``chengxin exchange push --loop`` delivers an outbox of EVENTS events of PERSONS people to the
reference receiver (``chengxin fake-upstream --chaos``: random HTTP 500s, timeouts and lost
acknowledgements), both real subprocesses; each is killed with SIGKILL several times and started
again. Afterwards: every event delivered, each applied once at the receiver, each person's events
applied in the order they were written, and every delivered event holds the receiver's receipt.
Set ``CHENGXIN_SOAK_EVENTS`` for a larger run (docs/exchange.md gives the figures of one).
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.system.test_import_kill import Database

EVENTS = int(os.environ.get("CHENGXIN_SOAK_EVENTS", "2000"))
PERSONS = max(EVENTS // 5, 1)
KILLS = 6
CHAOS = "0.2"
TIMEOUT = 600
KEY = "soak-upstream-key-0123456789"

WRITE_OUTBOX = """
import datetime, random, sys
import django
django.setup()
from django.db import transaction
from chengxin.exchange.services import RecordFacts, outbox_events_write
events, persons = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(13)
facts = [
    RecordFacts(record_id=n + 1, subject_index=f"{rng.randrange(persons):064x}", department="tax",
                item="major-tax-violation", source_id=f"S-{n}", status="active", disputed=False,
                version=1, decided_on=datetime.date(2026, 1, 1), push_upstream=True)
    for n in range(events)
]
with transaction.atomic():
    outbox_events_write(event_type="record.created", facts=facts)
"""


def _hex(message_id) -> str:
    """A message id as 32 hex digits (SQLite stores them so, psycopg reads a UUID)."""
    return str(message_id).replace("-", "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "chengxin.cli", *args]


@pytest.fixture
def database(tmp_path):
    database = Database(tmp_path)
    port = _free_port()
    database.env.update(
        CHENGXIN_UPSTREAM_URL=f"http://127.0.0.1:{port}/events",
        CHENGXIN_UPSTREAM_KEY=KEY,
        CHENGXIN_UPSTREAM_KEY_ID="u1",
        CHENGXIN_UPSTREAM_CONNECT_TIMEOUT="1",
        CHENGXIN_UPSTREAM_READ_TIMEOUT="1",
        CHENGXIN_UPSTREAM_BATCH_SIZE="200",
        CHENGXIN_UPSTREAM_BACKOFF_BASE_SECONDS="0.05",
        CHENGXIN_UPSTREAM_BACKOFF_CAP_SECONDS="2",
        CHENGXIN_UPSTREAM_PUSH_INTERVAL="0.1",
    )
    database.port = port
    try:
        done = subprocess.run(
            _cli("migrate", "--verbosity=0"),
            env=database.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        # A receiver killed and started again is away for seconds, many short backoffs: no event
        # should become a dead letter here (dead letters wait for an operator, see test_retry).
        done = subprocess.run(
            _cli("policy", "set", "exchange.upstream_max_attempts", "100", "--reason=soak"),
            env=database.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        yield database
    finally:
        database.drop()


def _count(database: Database, status: str) -> int:
    query = f"SELECT COUNT(*) FROM exchange_outboxevent WHERE status = '{status}'"  # noqa: S608
    return database.query(query)[0][0]


def _delivered(database: Database) -> int:
    return _count(database, "delivered")


class Side:
    """One side (pusher or receiver) as a subprocess that can be killed and started again."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command, self.env, self.log = command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def test_delivery_through_faults_and_kills_of_both_sides(database, tmp_path):
    # given: the outbox, and both sides running
    written = subprocess.run(
        [sys.executable, "-c", WRITE_OUTBOX, str(EVENTS), str(PERSONS)],
        env=database.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert written.returncode == 0, written.stderr
    store = tmp_path / "upstream"
    receiver = Side(
        _cli(
            "fake-upstream",
            f"--port={database.port}",
            f"--store={store}",
            f"--key={KEY}",
            f"--chaos={CHAOS}",
            "--delay=2",
        ),
        database.env,
        tmp_path / "receiver.log",
    )
    pusher = Side(_cli("exchange", "push", "--loop"), database.env, tmp_path / "pusher.log")
    receiver.start()
    pusher.start()
    rng = random.Random()
    started = time.monotonic()
    kills: list[tuple[str, int]] = []

    # when: each side is killed in turn once some events got through, and started again
    try:
        for number in range(KILLS):
            side, name = (pusher, "pusher") if number % 2 == 0 else (receiver, "receiver")
            before = _delivered(database)
            deadline = time.monotonic() + TIMEOUT
            # Until more got through, or everything did (then the kill lands on an idle side).
            while time.monotonic() < deadline:
                delivered = _delivered(database)
                if delivered > before or delivered >= EVENTS:
                    break
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.5))
            side.kill()
            kills.append((name, _delivered(database)))
            time.sleep(rng.uniform(0, 0.5))
            side.start()
        # Wait for the rest; the deadline only keeps a hung run from hanging the suite.
        deadline = time.monotonic() + TIMEOUT
        while (
            _delivered(database) < EVENTS
            and not _count(database, "dead")
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
    finally:
        pusher.kill()
        receiver.kill()
    elapsed = time.monotonic() - started

    # then
    outbox = database.query(
        "SELECT id, message_id, subject_index, status, attempts, receipt FROM exchange_outboxevent"
        " ORDER BY id"
    )
    statuses = {row[3] for row in outbox}
    assert statuses == {"delivered"}, (statuses, kills)
    lines = [json.loads(line) for line in (store / "received.jsonl").read_text().splitlines()]
    applied = [line["message_id"] for line in lines]
    assert len(applied) == len(set(applied)) == EVENTS  # each applied once: no duplicates
    ids = {_hex(row[1]): row for row in outbox}
    stored_receipts = {_hex(line["message_id"]): line["receipt_id"] for line in lines}
    for message_id, row in ids.items():
        receipt = json.loads(row[5]) if isinstance(row[5], str) else row[5]
        assert receipt["receipt_id"] == stored_receipts[message_id]
    written_order = defaultdict(list)
    for row in outbox:
        written_order[row[2]].append(_hex(row[1]))
    applied_order = defaultdict(list)
    for line in lines:
        applied_order[line["subject"]].append(_hex(line["message_id"]))
    assert applied_order == written_order
    attempts = sum(row[4] for row in outbox)
    outcomes = dict(
        database.query("SELECT outcome, COUNT(*) FROM exchange_upstreamdelivery GROUP BY outcome")
    )
    print(  # the figures of the run, for the closing note (pytest -s)
        f"\nevents={EVENTS} persons={PERSONS} kills={kills} requests={sum(outcomes.values())}"
        f" outcomes={outcomes} retries={attempts - EVENTS} seconds={elapsed:.1f}"
    )
