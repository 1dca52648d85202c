"""Suite-wide hooks: the run summary that CI reads (scripts/check_test_summary.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

_OUTCOMES: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0, "e2e_passed": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count outcomes; under xdist the controller receives every worker's reports here."""
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _OUTCOMES[report.outcome] = _OUTCOMES.get(report.outcome, 0) + 1
        if report.outcome == "passed" and "e2e" in report.keywords:
            _OUTCOMES["e2e_passed"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    label = os.environ.get("CHENGXIN_TEST_LABEL")
    if not label or hasattr(session.config, "workerinput"):
        return
    from django.db import connection

    summary = {"vendor": connection.vendor, "exitstatus": int(exitstatus), **_OUTCOMES}
    path = Path("test-artifacts") / f"summary-{label}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(summary), encoding="utf-8")
