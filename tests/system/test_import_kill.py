"""Crash safety of file imports: ``chengxin import`` is killed with SIGKILL at random points, then
resumed; afterwards every row of the file is in the database exactly once. Run with the rows
validated in the importing process and by its helper process (``collection.preparation``).

The import runs in real subprocesses against a database of its own: a SQLite file in the SQLite
suite, a fresh PostgreSQL database in the PostgreSQL suite (``DATABASE_URL`` set).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ITEM = "tax-agent-violation"
DEPARTMENT = "tax"
ROWS = 3_000
PERSONS = 2_000
CHUNK_ROWS = 100
KILLS = 4
TIMEOUT = 240

WRITE_FILE = """
import csv, random, sys
from datetime import date
import django
django.setup()
from chengxin.catalog.selectors import catalog_item_get, catalog_item_table_schema
from chengxin.collection.synthetic import synthetic_rows
from chengxin.identity.synthetic import demo_people
schema = catalog_item_table_schema(catalog_item_get(code=sys.argv[2]))
people = demo_people(count=int(sys.argv[4]), seed=11)
people = (people * (int(sys.argv[3]) // len(people) + 1))[: int(sys.argv[3])]
rows = list(synthetic_rows(item_schema=schema, people=people, rng=random.Random(5),
                           today=date(2026, 11, 1), source_prefix="K-"))
names = [field["name"] for field in schema["fields"]]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as handle:
    writer = csv.DictWriter(handle, fieldnames=names)
    writer.writeheader()
    writer.writerows(rows)
"""


class Database:
    """The import's own database and a way to read it from the test process."""

    def __init__(self, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.development",
            "CHENGXIN_VAR_DIR": str(tmp_path / "var"),
        }
        suite_url = os.environ.get("DATABASE_URL", "")
        self.pg_name = ""
        if suite_url.startswith("postgres"):
            self.pg_name = f"chengxin_kill_{uuid.uuid4().hex[:8]}"
            self.admin_url = suite_url.rsplit("/", 1)[0] + "/postgres"
            self.url = suite_url.rsplit("/", 1)[0] + "/" + self.pg_name
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = self.url
        else:
            self.sqlite_path = tmp_path / "kill.sqlite3"
            self.env.pop("DATABASE_URL", None)
            self.env["CHENGXIN_SQLITE_PATH"] = str(self.sqlite_path)

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def query(self, sql: str) -> list[tuple]:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.url) as connection:
                return connection.execute(sql).fetchall()
        connection = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()


def _chengxin(database: Database, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chengxin.cli", *args],
        env=database.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _import_command(path: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "chengxin.cli",
        "import",
        str(path),
        f"--item={ITEM}",
        f"--department={DEPARTMENT}",
        f"--chunk-rows={CHUNK_ROWS}",
        "--no-progress",
    ]


def _position(database: Database) -> int:
    rows = database.query("SELECT position FROM collection_submission")
    return rows[0][0] if rows else 0


@pytest.fixture(params=["here", "helper-process"])
def database(request, tmp_path):
    database = Database(tmp_path)
    # The file is smaller than the helper's default threshold: 1 makes every run use it.
    database.env["CHENGXIN_IMPORT_BACKGROUND_MIN_ROWS"] = "1" if request.param != "here" else "0"
    try:
        for command in (("migrate", "--verbosity=0"), ("seed",)):
            done = _chengxin(database, *command)
            assert done.returncode == 0, done.stderr
        yield database
    finally:
        database.drop()


def test_import_killed_at_random_points_loses_and_doubles_nothing(database, tmp_path):
    # given: a file of ROWS rows (people repeat, as in a department's real file)
    path = tmp_path / "tax.csv"
    written = subprocess.run(
        [sys.executable, "-c", WRITE_FILE, str(path), ITEM, str(ROWS), str(PERSONS)],
        env=database.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert written.returncode == 0, written.stderr
    rng = random.Random()
    kill_positions = []

    # when: started and killed with SIGKILL several times, each time after it made progress
    for _ in range(KILLS):
        before = _position(database)
        process = subprocess.Popen(
            _import_command(path),
            env=database.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Wait until the run has committed a chunk (or ended); the deadline only stops a hung
        # run from hanging the test: whatever the timing, the checks below judge the data.
        deadline = time.monotonic() + TIMEOUT
        while (
            _position(database) <= before and process.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kill_positions.append(_position(database))
    finished = subprocess.run(
        _import_command(path),
        env=database.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    # then: the kills fell mid-file, and the file is there exactly once
    assert finished.returncode == 0, finished.stderr
    assert any(0 < position < ROWS + 1 for position in kill_positions), kill_positions
    [(status, received, accepted, rejected, position)] = database.query(
        "SELECT status, received, accepted, rejected, position FROM collection_submission"
    )
    assert (status, received, accepted, rejected) == ("completed", ROWS, ROWS, 0)
    assert position == ROWS + 1  # the header is row 1
    [(records, distinct_sources)] = database.query(
        "SELECT COUNT(*), COUNT(DISTINCT source_id) FROM collection_creditrecord"
    )
    assert records == distinct_sources == ROWS
    [(versions, versioned_records)] = database.query(
        "SELECT COUNT(*), COUNT(DISTINCT record_id) FROM collection_recordversion"
    )
    assert versions == versioned_records == ROWS
    assert database.query("SELECT COUNT(*) FROM collection_quarantineentry") == [(0,)]
    [(subjects,)] = database.query("SELECT COUNT(*) FROM identity_subject")
    assert subjects == PERSONS
