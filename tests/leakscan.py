"""The personal-data leak scan of the test run (docs/development.md, "Leak scan").

Full ID numbers must never be stored in clear or written to a log or a page. During the run:

- after every test that used the database, every text column of every table (the platform's, and
  the third-party apps' such as the lockout records) is searched, before the test's data is rolled
  back or flushed; a hit fails the test and is recorded;
- every log record of the run goes to ``test-artifacts/logs/`` (one file per test process);
- the browser tests keep every HTML page they were served in ``test-artifacts/pages/``;
- a real server started by ``tests/system/test_server_log.py`` writes its log to
  ``test-artifacts/server/``.

``scripts/leak_scan.py`` searches those files at the end of the run with the platform's own
detector (``chengxin.identity.detection``), which finds any valid number, not only the ones the
tests made, and fails the run on any hit. Hits name the place, never the number.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from pathlib import Path

from django.apps import apps
from django.db import connection, models

ARTIFACTS = Path("test-artifacts")
LOGS = ARTIFACTS / "logs"
PAGES = ARTIFACTS / "pages"
SERVER_LOGS = ARTIFACTS / "server"
_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)
# Digests, blind indexes, signatures and tokens: long runs of hex or base64 characters, in which
# 18 digits in a row turn up by chance (about twice in 10,000 blind indexes) and are no one's
# number.
_DIGEST = re.compile(r"[A-Za-z0-9+/=_-]{32,}")


def without_digests(text: str) -> str:
    """``text`` with every digest-like run replaced by a space, for the detector."""
    return _DIGEST.sub(" ", text)


def label() -> str:
    """The run's label (the database it runs on, from scripts/test.sh), or ``local``."""
    return os.environ.get("CHENGXIN_TEST_LABEL", "local")


def database_hits_path() -> Path:
    return ARTIFACTS / f"leaks-{label()}.jsonl"


@functools.cache
def stored_text_columns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every table with its text columns (char, text and JSON fields of every installed model)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = tuple(
            field.column for field in model._meta.concrete_fields if isinstance(field, _TEXT_FIELDS)
        )
        if columns:
            found.append((model._meta.db_table, columns))
    return tuple(sorted(set(found)))


def database_leaks() -> list[dict[str, object]]:
    """Where a full ID number is stored in clear now: table, column, and how many rows."""
    from chengxin.identity.detection import contains_id_number

    existing = set(connection.introspection.table_names())
    hits = []
    with connection.cursor() as cursor:
        for table, columns in stored_text_columns():
            if table not in existing:
                continue
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608 - own table names
            lines = cursor.fetchall()
            for position, column in enumerate(columns):
                rows = sum(1 for line in lines if _holds_number(line[position], contains_id_number))
                if rows:
                    hits.append({"table": table, "column": column, "rows": rows})
    return hits


def _holds_number(value: object, contains_id_number) -> bool:
    return value is not None and contains_id_number(without_digests(_text(value)))


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def record_database_leaks(test_id: str, hits: list[dict[str, object]]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with open(database_hits_path(), "a", encoding="utf-8") as out:
        for hit in hits:
            out.write(json.dumps({"test": test_id, **hit}, ensure_ascii=False) + "\n")


def log_handler(worker: str) -> logging.Handler:
    """A handler that keeps every log record of this test process for the end-of-run scan."""
    LOGS.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(LOGS / f"{label()}-{worker}.log", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler
