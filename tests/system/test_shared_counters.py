"""Rate-limit counters hold across processes: the embedded default keeps them in a table that
``chengxin migrate`` creates in an SQLite file of its own, next to the main database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

COUNT_ONE_FAILURE = """
import django
django.setup()
from chengxin.accounts.throttles import SIGN_IN_ADDRESS
from chengxin.core import throttle
throttle._now = lambda: 1_800_000_030.0  # one window for both processes
print(SIGN_IN_ADDRESS.count("203.0.113.5").count)
"""


def _run(env: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_two_processes_count_into_the_same_counter(tmp_path):
    # given
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.development",
            "CHENGXIN_VAR_DIR": str(tmp_path),
        }
    )
    _run(env, "manage.py", "migrate", "--verbosity", "0")

    # when
    first = _run(env, "-c", COUNT_ONE_FAILURE)
    second = _run(env, "-c", COUNT_ONE_FAILURE)

    # then
    assert (first, second) == ("1", "2")
    assert "chengxin_cache" in _tables(tmp_path / "chengxin-cache.sqlite3")
    assert "chengxin_cache" not in _tables(tmp_path / "chengxin.sqlite3")
    assert "accounts_user" not in _tables(tmp_path / "chengxin-cache.sqlite3")
