"""The leak scan itself finds what it is there to find (tests/leakscan.py, scripts/leak_scan.py)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chengxin.accounts.models import Department
from chengxin.identity.synthetic import synthetic_id_number
from tests import leakscan

PROJECT_DIR = Path(__file__).resolve().parents[2]
NUMBER = synthetic_id_number(region_code="230203", birth_date=datetime.date(1979, 2, 3), sequence=5)
DIGEST = "ab" + NUMBER + "cdef" * 5  # 40 characters: a department's short name holds it


@pytest.mark.django_db
@pytest.mark.stores_id_number_on_purpose("the scan must find a number planted in a text column")
def test_the_database_scan_names_the_table_and_column_of_a_stored_number():
    # given
    Department.objects.create(code="planted", name=f"部门{NUMBER}", short_name=DIGEST)
    # when
    hits = leakscan.database_leaks()
    # then
    assert hits == [{"table": "accounts_department", "column": "name", "rows": 1}]


def _scan(tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "leak_scan.py"), "probe"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_end_of_run_scan_fails_on_a_number_in_a_log_a_page_or_the_database(tmp_path):
    # given
    artifacts = tmp_path / "test-artifacts"
    for folder in ("logs", "pages", "server"):
        (artifacts / folder).mkdir(parents=True)
    (artifacts / "logs" / "probe-gw0.log").write_text(f"INFO x {NUMBER}\n", encoding="utf-8")
    (artifacts / "pages" / "a.html").write_text(f"<p>{NUMBER}</p>", encoding="utf-8")
    (artifacts / "server" / "probe-serve.log").write_text(f"GET /{DIGEST}\n", encoding="utf-8")
    hit = {"test": "t::x", "table": "accounts_department", "column": "name", "rows": 1}
    (artifacts / "leaks-probe.jsonl").write_text(json.dumps(hit) + "\n", encoding="utf-8")
    # when
    result = _scan(tmp_path)
    # then
    assert result.returncode == 1
    assert "test logs: 1 files" in result.stdout and "1 hits" in result.stdout
    assert "server logs: 1 files, " in result.stdout
    assert result.stderr.count("a full ID number") == 2
    assert "t::x: accounts_department.name (1 rows)" in result.stderr
    assert NUMBER not in result.stdout + result.stderr


def test_the_end_of_run_scan_passes_a_clean_run(tmp_path):
    # given
    (tmp_path / "test-artifacts" / "logs").mkdir(parents=True)
    (tmp_path / "test-artifacts" / "logs" / "probe-gw0.log").write_text("INFO ok\n")
    # when
    result = _scan(tmp_path)
    # then
    assert result.returncode == 0
    assert "stored text columns: 0 hits" in result.stdout
