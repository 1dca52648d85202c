"""Load test: a mix of checks, officer queries, public pages and submissions against gunicorn on
127.0.0.1 at 50, 100 and 200 concurrent clients, each run bounded in requests and in time.

``python bench/load.py [--records N] [--levels 50,100,200] [--requests N] [--seconds S]
[--pg-url URL]`` (with the project's venv):

1. builds the database of ``bench/check.py`` (its own PostgreSQL database, fresh keys, migrated
   and seeded; N records over N/5 people, an officer and its token) and adds a provider of the
   tax department with its token;
2. serves the platform as ``chengxin serve`` does (gunicorn, a worker per CPU, four threads
   each; production settings; the public pages' per-address limit off, since one address plays
   every client);
3. after a warm-up of 200 requests (not counted), at each level, that many client threads, each on its own keep-alive connection, send requests
   back to back, the kind of each drawn from the mix (45% checks, 20% officer queries, 25% public
   pages, 10% submissions of one new record each with its own idempotency key), until the level's
   request budget is spent or its time is up;
4. prints per level and kind: requests, throughput, p50, p95, p99 and errors (any answer that
   is not the kind's success); then counts the submissions the platform stored against those it
   accepted (each must be stored exactly once) and searches the PostgreSQL server's log for
   deadlocks reported during the run, when the log is readable.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import check
from benchdb import collect_static, step
from check_load import MATTERS, percentile

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_load"
DEFAULT_RECORDS = 200_000
DEFAULT_LEVELS = "50,100,200"
DEFAULT_REQUESTS = 6_000
DEFAULT_SECONDS = 120.0
PROVIDER = "bench-provider"
PROVIDER_DEPARTMENT = "tax"
ITEM = "major-tax-violation"
MIX = (("check", 0.45), ("query", 0.20), ("public", 0.25), ("submission", 0.10))
PUBLIC_PATHS = ("/", "/disclosure/serious/", "/disclosure/red/", "/disclosure/serious/?page=2")
PG_LOGS = (Path("/var/log/postgresql/postgresql-15-main.log"),)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--levels", default=DEFAULT_LEVELS)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="per level")
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS, help="per level, at most")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--seed", type=int, default=check.DEFAULT_SEED)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--role", choices=["provider", "drive", "count"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "provider":
        return _role_provider(args)
    if args.role == "drive":
        return _role_drive(args)
    if args.role == "count":
        return _role_count(args)
    work = Path(tempfile.mkdtemp(prefix="chengxin-bench-load-"))
    try:
        return _bench(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _bench(args, work: Path) -> int:
    env = check._environment(work, database_url=args.pg_url)
    env["CHENGXIN_RATE_PUBLIC_ADDRESS"] = "off"
    env["DJANGO_SETTINGS_MODULE"] = "chengxin.config.settings.production"
    people = max(args.records // check.RECORDS_PER_PERSON, 1)
    step(f"database {args.pg_url}: drop, create, migrate, seed; fill {args.records:,} records")
    check.recreate_database(args.pg_url)
    check._prepare(env)
    fill_args = SimpleNamespace(
        records=args.records, seed=args.seed, batch=1000, batch_runs=1, pg_url=args.pg_url
    )
    fill_args.profile = None
    check._run_role("fill", env, work, fill_args, extra=["--people", str(people)])
    _run(env, "--role", "provider", "--work", str(work))
    log_mark = _pg_log_size()
    port = check._free_port()
    url = f"http://127.0.0.1:{port}"
    server = _serve(env, port, work)
    try:
        check._wait_for(port, server)
        step(f"serving on {url}: levels {args.levels}, {args.requests:,} requests or "
             f"{args.seconds:.0f} s each")  # fmt: skip
        _run(
            env, "--role", "drive", "--work", str(work), "--url", url, "--levels", args.levels,
            "--requests", str(args.requests), "--seconds", str(args.seconds),
        )  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    _run(env, "--role", "count", "--work", str(work))
    deadlocks = _deadlocks_since(log_mark)
    print(
        "PostgreSQL log: "
        + ("not readable" if deadlocks is None else f"{deadlocks} deadlocks during the run")
    )
    return 0


def _run(env, *arguments: str) -> None:
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *arguments],
        env=env,
        cwd=PROJECT_DIR,
        check=True,
    )


def _serve(env, port: int, work: Path) -> subprocess.Popen:
    sys.path.insert(0, str(PROJECT_DIR))
    from chengxin.config.gunicorn import gunicorn_command

    collect_static(env, cwd=PROJECT_DIR)
    log = (work / "gunicorn.log").open("w")
    return subprocess.Popen(
        gunicorn_command(f"127.0.0.1:{port}"),
        env=env,
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _pg_log_size() -> dict[Path, int]:
    return {path: path.stat().st_size for path in PG_LOGS if os.access(path, os.R_OK)}


def _deadlocks_since(marks: dict[Path, int]) -> int | None:
    if not marks:
        return None
    found = 0
    for path, size in marks.items():
        with path.open("rb") as log:
            log.seek(size)
            found += log.read().decode("utf-8", "replace").count("deadlock detected")
    return found


# --- role: provider -------------------------------------------------------------------------


def _role_provider(args) -> int:
    import django

    django.setup()
    from chengxin.accounts.choices import Role
    from chengxin.accounts.services import api_token_create, user_create

    created = user_create(
        username=PROVIDER, department_code=PROVIDER_DEPARTMENT, role=Role.PROVIDER, actor=None
    )
    _token, plaintext = api_token_create(user=created.user, name="bench", actor=None)
    (args.work / "provider.txt").write_text(plaintext)
    return 0


# --- role: drive ----------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)


def _role_drive(args) -> int:
    work = args.work
    ids = json.loads((work / "ids.json").read_text())["load"]
    officer = (work / "token.txt").read_text().strip()
    provider = (work / "provider.txt").read_text().strip()
    port = int(args.url.rsplit(":", 1)[1])
    summary = []
    warm = SimpleNamespace(requests=200, seconds=60.0)
    warm_tally, _ = _level(port=port, level=8, ids=ids, tokens=(officer, provider), args=warm)
    accepted_all: list[str] = list(warm_tally.accepted)
    step(f"  warmed up: {sum(len(v) for v in warm_tally.latencies.values())} requests, not counted")
    for level in [int(value) for value in args.levels.split(",")]:
        tally, seconds = _level(
            port=port, level=level, ids=ids, tokens=(officer, provider), args=args
        )
        accepted_all += tally.accepted
        for kind, _share in MIX:
            values = sorted(tally.latencies.get(kind, []))
            row = {
                "clients": level,
                "kind": kind,
                "requests": len(values) + tally.errors.get(kind, 0),
                "throughput": len(values) / seconds if seconds else 0.0,
                "p50": percentile(values, 0.50),
                "p95": percentile(values, 0.95),
                "p99": percentile(values, 0.99),
                "errors": tally.errors.get(kind, 0),
                "statuses": tally.statuses.get(kind, {}),
            }
            summary.append(row)
        total = sum(len(v) for v in tally.latencies.values())
        step(f"  {level} clients: {total:,} answered in {seconds:.1f} s")
    (work / "accepted.json").write_text(json.dumps(accepted_all))
    (work / "load.json").write_text(json.dumps(summary))
    print("\nload test, gunicorn on 127.0.0.1 (latencies in ms):")
    print(
        f"{'clients':>7} {'kind':<11} {'requests':>8} {'req/s':>8} {'p50':>8} {'p95':>8} "
        f"{'p99':>8} {'errors':>6}"
    )
    for row in summary:
        print(
            f"{row['clients']:>7} {row['kind']:<11} {row['requests']:>8} {row['throughput']:>8.1f} "
            f"{row['p50']:>8.1f} {row['p95']:>8.1f} {row['p99']:>8.1f} {row['errors']:>6}"
        )
        if row["errors"]:
            print(f"{'':>7} statuses: {row['statuses']}")
    return 0


def _level(*, port: int, level: int, ids: list[str], tokens, args) -> tuple[Tally, float]:
    tally = Tally()
    lock = threading.Lock()
    budget = [args.requests]
    started = time.perf_counter()
    deadline = started + args.seconds
    kinds = [kind for kind, _share in MIX]
    weights = [share for _kind, share in MIX]

    def client(slot: int) -> None:
        rng = random.Random(f"{level}-{slot}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            kind = rng.choices(kinds, weights)[0]
            method, path, body, headers, success, key = _request(kind, rng, ids, tokens, slot)
            began = time.perf_counter()
            try:
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status, payload = 0, b""
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                statuses = tally.statuses.setdefault(kind, {})
                statuses[status] = statuses.get(status, 0) + 1
                if status == success:
                    tally.latencies.setdefault(kind, []).append(elapsed)
                    if kind == "submission" and json.loads(payload).get("accepted") == 1:
                        tally.accepted.append(key)
                else:
                    tally.errors[kind] = tally.errors.get(kind, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(level)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def _request(kind: str, rng: random.Random, ids: list[str], tokens, slot: int):
    officer, provider = tokens
    # The reverse proxy's header: the production settings redirect plain HTTP.
    headers = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
    if kind == "check":
        body = {
            "id_number": rng.choice(ids),
            "matter": rng.choice(MATTERS),
            "case_no": f"审批-{rng.randrange(10**6)}",
            "purpose": "行政审批资格审查",
        }
        headers["Authorization"] = f"Bearer {officer}"
        return "POST", "/api/v1/checks", _utf8(body), headers, 200, ""
    if kind == "query":
        body = {
            "id_number": rng.choice(ids),
            "purpose": "administrative_licensing",
            "case_no": f"许可-{rng.randrange(10**6)}",
        }
        headers["Authorization"] = f"Bearer {officer}"
        return "POST", "/api/v1/profiles", _utf8(body), headers, 200, ""
    if kind == "public":
        return "GET", rng.choice(PUBLIC_PATHS), None, {"X-Forwarded-Proto": "https"}, 200, ""
    key = f"load-{slot}-{rng.getrandbits(64):016x}"
    record = {
        "source_id": key,
        "id_number": rng.choice(ids),
        "name": "测试",
        "decided_on": "2026-06-01",
        "authority": "国家税务总局齐齐哈尔市税务局",
        "document_no": f"齐税罚〔2026〕{rng.randrange(10**5)}号",
        "role": "当事人",
        "case_nature": "其他",
        "main_facts": "负载测试记录",
    }
    headers["Authorization"] = f"Bearer {provider}"
    headers["Idempotency-Key"] = key
    body = {"catalog_item": ITEM, "operation": "upsert", "records": [record]}
    return "POST", "/api/v1/submissions", _utf8(body), headers, 200, key


def _utf8(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# --- role: count ----------------------------------------------------------------------------


def _role_count(args) -> int:
    import django

    django.setup()
    from django.db.models import Count

    from chengxin.collection.models import CreditRecord

    accepted = json.loads((args.work / "accepted.json").read_text())
    stored = dict(
        CreditRecord.objects.filter(source_id__in=accepted)
        .values_list("source_id")
        .annotate(count=Count("id"))
        .values_list("source_id", "count")
    )
    once = sum(1 for key in accepted if stored.get(key) == 1)
    print(
        f"submissions accepted {len(accepted):,}; stored exactly once {once:,}; "
        f"missing {sum(1 for key in accepted if key not in stored):,}; "
        f"stored more than once {sum(1 for count in stored.values() if count > 1):,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
