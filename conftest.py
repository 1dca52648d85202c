"""Suite-wide hooks: the run summary that CI reads (scripts/check_test_summary.py) and the
personal-data leak scan (tests/leakscan.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

_OUTCOMES: dict[str, int] = {
    "passed": 0,
    "failed": 0,
    "skipped": 0,
    "e2e_passed": 0,
    "private_cluster_passed": 0,
}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count outcomes; under xdist the controller receives every worker's reports here."""
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _OUTCOMES[report.outcome] = _OUTCOMES.get(report.outcome, 0) + 1
        if report.outcome == "passed" and "e2e" in report.keywords:
            _OUTCOMES["e2e_passed"] += 1
        if report.outcome == "passed" and "private_cluster" in report.keywords:
            _OUTCOMES["private_cluster_passed"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    label = os.environ.get("CHENGXIN_TEST_LABEL")
    if not label or hasattr(session.config, "workerinput"):
        return
    from django.db import connection

    summary = {"vendor": connection.vendor, "exitstatus": int(exitstatus), **_OUTCOMES}
    path = Path("test-artifacts") / f"summary-{label}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(summary), encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def audit_triggers_survive_flush():
    """Let Django's table flush between transactional tests pass the audit log's triggers.

    ``transactional_db`` and ``live_server`` tests end with a flush of every table (DELETE on
    SQLite, TRUNCATE on PostgreSQL), which the append-only triggers of the audit tables refuse.
    Here, and only in the test process, the flush drops the triggers, empties the tables and
    re-creates the triggers in one transaction, so every test still runs against the real triggers.
    Production has no code path that drops them.
    """
    from django.db import connections, transaction

    from chengxin.core.audit.triggers import (
        create_append_only_triggers,
        drop_append_only_triggers,
    )

    operations_class = type(connections["default"].ops)
    original_flush = operations_class.execute_sql_flush

    def flush_with_triggers_suspended(operations, sql_list):
        with transaction.atomic(using=operations.connection.alias):
            drop_append_only_triggers(operations.connection)
            original_flush(operations, sql_list)
            create_append_only_triggers(operations.connection)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations_class, "execute_sql_flush", flush_with_triggers_suspended)
        yield


_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "live_server", "django_db_reset_sequences"}
)


@pytest.fixture(autouse=True)
def no_id_number_stored(request):
    """After a test that used the database, no text column of any table holds a full ID number
    in clear (tests/leakscan.py). Set up after the database fixtures, so it looks before the
    test's data is rolled back or flushed."""
    uses_database = request.node.get_closest_marker("django_db") is not None or bool(
        _DATABASE_FIXTURES & set(request.fixturenames)
    )
    if not uses_database or request.node.get_closest_marker("stores_id_number_on_purpose"):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from tests import leakscan

    hits = leakscan.database_leaks()
    if hits:
        leakscan.record_database_leaks(request.node.nodeid, hits)
        pytest.fail(f"full ID numbers stored in clear: {hits}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def every_log_record_kept(request):
    """Every log record of this test process goes to test-artifacts/logs/ for the leak scan."""
    import logging

    from tests import leakscan

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    handler = leakscan.log_handler(worker)
    loggers = [logging.getLogger(), logging.getLogger("django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield
    for logger in loggers:
        logger.removeHandler(handler)
    handler.close()


@pytest.fixture(autouse=True)
def platform_language():
    """Every test starts in the platform's language: a request that switched to English leaves
    it active in its thread, as Django's locale middleware does."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: no rate-limit counter carries over from another."""
    from django.core.cache import cache

    cache.clear()


THROTTLE_CLOCK = 1_800_000_030.0  # 30 s into a window of every period the tests use


@pytest.fixture
def throttle_clock(monkeypatch):
    """The rate limits' clock stands still 30 s into a window, so no window ends during the test
    and ``Retry-After`` is exact (870 s for a 15-minute rate, 30 s for a one-minute rate)."""
    monkeypatch.setattr("chengxin.core.throttle._now", lambda: THROTTLE_CLOCK)
    return THROTTLE_CLOCK
