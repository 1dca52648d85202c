"""The server's own log holds no ID number, whatever clients send (SPEC §2, §14).

A real server (``chengxin serve``) runs on its own SQLite database, and clients send it ID numbers
everywhere a careless client or a person typing in the wrong box would: in paths, queries, a
sign-in name, free-text fields, rejected rows. Its log is kept under test-artifacts/server/ for the
end-of-run leak scan (tests/leakscan.py) and searched here too.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from stdnum.cn import ric

from chengxin.identity.detection import id_number_spans
from chengxin.identity.synthetic import synthetic_id_number
from chengxin.identity.validation import validate_id_number
from tests.leakscan import SERVER_LOGS, label

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHENGXIN = [sys.executable, "-m", "chengxin"]


def _number_stdnum_misses() -> str:
    """A valid number whose county code did not exist in the holder's birth year (python-stdnum's
    ``ric.is_valid`` refuses it; the platform accepts it)."""
    for year in range(1950, 2000):
        number = synthetic_id_number(
            region_code="230208", birth_date=datetime.date(year, 3, 4), sequence=11
        )
        if validate_id_number(number).is_valid and not ric.is_valid(number):
            return number
    raise AssertionError("no such number")


NUMBERS = [
    synthetic_id_number(region_code="230202", birth_date=datetime.date(1985, 7, 9), sequence=21),
    _number_stdnum_misses(),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command(env: dict[str, str], *arguments: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [*CHENGXIN, *arguments],
        cwd=PROJECT_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout


@pytest.fixture
def server(tmp_path):
    """``chengxin serve`` on a fresh database, with an officer and a provider and their tokens;
    its output goes to test-artifacts/server/."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="chengxin.config.settings.development",
        CHENGXIN_VAR_DIR=str(tmp_path),
        CHENGXIN_SQLITE_PATH=str(tmp_path / "server.sqlite3"),
    )
    _command(env, "migrate")
    _command(env, "seed")
    tokens = {}
    for role in ("officer", "provider"):
        _command(env, "user", "create", f"log-{role}", "--role", role, "--department", "tax",
                 "--password-stdin", stdin="a-long-password-for-tests\n")  # fmt: skip
        tokens[role] = _command(env, "token", "create", f"log-{role}").strip()
    SERVER_LOGS.mkdir(parents=True, exist_ok=True)
    log_path = SERVER_LOGS / f"{label()}-serve.log"
    port = _free_port()
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - the platform's own command
            [*CHENGXIN, "serve", f"127.0.0.1:{port}"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base)
            yield base, tokens, log_path
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60  # only ends a wait for a server that never starts
    while True:
        try:
            urllib.request.urlopen(base + "/api/v1/catalog", timeout=5)  # noqa: S310 - own server
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _send(opener, method: str, url: str, *, body=None, headers=None, form=None) -> int:
    data = None
    headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode("utf-8")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - own server
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _csrf_token(opener, url: str) -> str:
    with opener.open(url, timeout=30) as response:
        page = response.read().decode("utf-8")
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _careless_requests(base: str, tokens: dict[str, str], number: str) -> list[int]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    officer = {"Authorization": f"Bearer {tokens['officer']}"}
    provider = {
        "Authorization": f"Bearer {tokens['provider']}",
        "Idempotency-Key": f"k-{number[-6:]}",
    }
    check = {"id_number": number, "matter": "public_procurement", "purpose": "政府采购资格审查"}
    login = base + "/staff/accounts/login/"
    return [
        _send(opener, "GET", f"{base}/api/v1/catalog/{number}"),
        _send(opener, "GET", f"{base}/api/v1/catalog?department={number}"),
        _send(opener, "GET", f"{base}/api/v1/quality?department={number}", headers=officer),
        _send(opener, "GET", f"{base}/api/v1/reports/verify/{number}"),
        _send(opener, "GET", f"{base}/verify/?code={number}"),
        _send(opener, "GET", f"{base}/staff/{number}/"),
        _send(opener, "GET", f"{base}/api/v1/checks/{number}", headers=officer),
        _send(opener, "POST", f"{base}/api/v1/checks", body={**check, "case_no": "采购-1"}, headers=officer),
        _send(opener, "POST", f"{base}/api/v1/checks", body={**check, "case_no": f"采购-{number}"}, headers=officer),
        _send(opener, "POST", f"{base}/api/v1/submissions", headers=provider, body={
            "catalog_item": "major-tax-violation",
            "records": [{"source_id": number, "id_number": number, "name": number, "decided_on": "2026-01-05"}],
        }),
        _send(opener, "POST", login, form={
            "username": number, "password": "wrong", "csrfmiddlewaretoken": _csrf_token(opener, login),
        }),
    ]  # fmt: skip


def test_the_server_log_holds_no_id_number_whatever_clients_send(server):
    # given
    base, tokens, log_path = server
    # when
    answers = [_careless_requests(base, tokens, number) for number in NUMBERS]
    # then: the server answered every request (none crashed it), and logged none of the numbers
    assert [len(statuses) for statuses in answers] == [11, 11]
    assert all(status < 500 for statuses in answers for status in statuses), answers
    log = log_path.read_text(encoding="utf-8")
    assert log.count("HTTP/1.1") >= 22
    assert [line for line in log.splitlines() if id_number_spans(line)] == []


def test_the_server_is_gunicorn_with_hashed_compressed_static_files(server):
    # given
    base, _tokens, log_path = server
    with urllib.request.urlopen(base + "/", timeout=30) as response:  # noqa: S310 - own server
        page = response.read().decode("utf-8")
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)

    # when
    url = base + stylesheet.group(1)
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - own server
        encoding = response.headers.get("Content-Encoding")
        cache = response.headers.get("Cache-Control", "")

    # then
    assert encoding == "gzip"
    assert "max-age=315360000" in cache and "immutable" in cache
    assert "Booting worker" in log_path.read_text(encoding="utf-8")
