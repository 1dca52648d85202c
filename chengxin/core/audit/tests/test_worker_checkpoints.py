"""``chengxin worker`` as a real process: it seals committed events every second, copies the
chain's end to the external checkpoint file when it starts, and signs a last checkpoint when it is
stopped with SIGTERM or SIGINT.

The worker runs against a database of its own (a SQLite file in the SQLite suite, a fresh
PostgreSQL database in the PostgreSQL suite), which the test fills through short subprocesses.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TIMEOUT = 120
POLL_SECONDS = 0.05

RECORD_EVENTS = """
import sys
import django
django.setup()
from chengxin.core.audit import events
for number in range(int(sys.argv[1])):
    events.record(actor=None, action="update", object_type="record", object_id=str(number))
"""

COUNT_SEALS = """
import django
django.setup()
from chengxin.core.audit.models import AuditPending, AuditSeal
print(AuditSeal.objects.count(), AuditPending.objects.count())
"""


class WorkerSite:
    """A database and var directory for the worker, and how to run commands against them."""

    def __init__(self, root: Path) -> None:
        self.checkpoint_file = root / "store" / "checkpoints.jsonl"
        self.checkpoint_file.parent.mkdir(parents=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.development",
            "CHENGXIN_VAR_DIR": str(root / "var"),
            "CHENGXIN_AUDIT_CHECKPOINT_FILE": str(self.checkpoint_file),
        }
        suite_url = os.environ.get("DATABASE_URL", "")
        self.pg_name = ""
        if suite_url.startswith("postgres"):
            self.pg_name = f"chengxin_worker_{uuid.uuid4().hex[:8]}"
            self.admin_url = suite_url.rsplit("/", 1)[0] + "/postgres"
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = suite_url.rsplit("/", 1)[0] + "/" + self.pg_name
        else:
            self.env.pop("DATABASE_URL", None)
            self.env["CHENGXIN_SQLITE_PATH"] = str(root / "worker.sqlite3")

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def run(self, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done

    def record_events(self, count: int) -> None:
        self.run("-c", RECORD_EVENTS, str(count))

    def sealed_and_queued(self) -> tuple[int, int]:
        sealed, queued = self.run("-c", COUNT_SEALS).stdout.split()
        return int(sealed), int(queued)

    def seqs(self) -> list[int]:
        if not self.checkpoint_file.exists():
            return []
        text = self.checkpoint_file.read_text(encoding="utf-8")
        return [json.loads(line)["seq"] for line in text.splitlines()]

    def start_worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "chengxin.cli", "worker", "--interval=0.2"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture
def site(tmp_path):
    site = WorkerSite(tmp_path)
    try:
        site.run("-m", "chengxin.cli", "migrate", "--verbosity=0")
        yield site
    finally:
        site.drop()


def _wait_for(condition, process: subprocess.Popen) -> None:
    """Wait until ``condition()`` holds or the worker has exited; the deadline only keeps a hung
    worker from hanging the suite, the assertions after it judge the outcome."""
    deadline = time.monotonic() + TIMEOUT
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_worker_signs_a_last_checkpoint_when_it_is_stopped(site, stop_signal):
    # given: a running worker that has copied the end of the chain out at start
    site.record_events(3)
    worker = site.start_worker()
    try:
        _wait_for(lambda: site.seqs() == [3], worker)
        started = site.seqs()
        site.record_events(2)

        # when
        worker.send_signal(stop_signal)
        output, errors = worker.communicate(timeout=TIMEOUT)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    # then
    assert worker.returncode == 0, errors
    assert (started, site.seqs()) == ([3], [3, 5])
    assert output.endswith(
        "退出前已在序号 5 处签署审计检查点。\nFinal audit checkpoint at seq 5.\n"
    )
    verified = site.run("-m", "chengxin.cli", "audit", "verify")
    assert verified.stdout.splitlines()[1] == "OK: 5 events, chain intact"


def test_the_running_worker_seals_what_is_committed_without_being_asked(site):
    # given: a worker whose start-up has sealed the three events written before it
    site.record_events(3)
    worker = site.start_worker()
    try:
        _wait_for(lambda: site.sealed_and_queued() == (3, 0), worker)
        started = site.sealed_and_queued()

        # when: a process writes five more events and exits, sealing nothing itself
        site.record_events(5)
        _wait_for(lambda: site.sealed_and_queued() == (8, 0), worker)
        running = site.sealed_and_queued()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=TIMEOUT)

    # then
    assert (started, running) == ((3, 0), (8, 0))
