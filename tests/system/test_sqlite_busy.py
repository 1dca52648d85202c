"""A locked SQLite database answers 503 with Retry-After (problem+json on the API, a page of the
site elsewhere), never a 500; the same request succeeds once the lock is gone.

The platform runs in a process of its own on an SQLite file named by ``DATABASE_URL``, with a
busy timeout of 0.2 s; a second connection holds the file's write lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("busy_probe.py")


def test_a_locked_sqlite_database_answers_503_with_retry_after(tmp_path):
    # given
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.test",
        "CHENGXIN_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'busy.sqlite3'}",
        "CHENGXIN_SQLITE_BUSY_TIMEOUT": "0.2",
    }

    # when
    result = subprocess.run(
        [sys.executable, str(PROBE)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    # then
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["options"]["transaction_mode"] == "IMMEDIATE"
    assert answers["options"]["timeout"] == 0.2
    assert answers["locked_api"] == {
        "status": 503,
        "content_type": "application/problem+json",
        "retry_after": "5",
        "code": "database_busy",
        "text": "",
    }
    page = answers["locked_page"]
    assert (page["status"], page["retry_after"]) == (503, "5")
    assert "<h1>系统繁忙</h1>" in page["text"]
    assert "系统繁忙，数据库暂时无法处理该请求，请稍后重试。" in page["text"]
    assert 'class="site-header staff-header"' in page["text"]
    assert answers["released_api"] == 200
