"""Check benchmark: reward and punishment checks over HTTP against a minimal authenticated
endpoint, and a 100,000-ID batch check against the raw SQL join that finds the same people.

``python bench/check.py [--records N] [--people N] [--pg-url URL]`` (with the project's venv):

1. creates its own PostgreSQL database (dropped and re-created; the name must contain ``bench``)
   and its own ``CHENGXIN_VAR_DIR``; generates every key the production settings ask for;
   migrates and seeds with the ``chengxin`` command;
2. fills it (``--role fill``, a subprocess with Django set up): N/5 synthetic people registered
   through the identity service (validation, AES-GCM number and name, blind index, one audit
   event per chunk), then N records of every active catalog item spread over them (every person
   has at least one; serious and red-list items are a small share, so a realistic minority is on
   a list), with their first versions, through the platform's writer as ``bench/scale.py`` fills
   its stages (``bench/fill.py``: values without the personal fields, content hash, lifecycle
   dates and status, one submission per item and department); a sample of each item's rows is
   checked against the pipeline's own row validation; an officer account and its API token;
3. serves the platform with gunicorn (production settings; ``bench/check_settings.py`` adds the
   minimal endpoints of ``bench/check_site.py`` to the URLconf) on 127.0.0.1;
4. drives it from another process (``--role load``: threads, one keep-alive connection each) at
   several concurrency levels, the endpoints taking turns in ``--rounds`` rounds: the bare
   look-up, the minimal endpoint (the look-up with the audit event every read of personal data
   needs) and ``POST /api/v1/checks``; throughput, p50, p99 for each;
5. runs a batch check of ``--batch`` IDs (``--role batch``: ``batch_create`` then
   ``batch_run``, the code ``chengxin worker`` runs), timed end to end, and the raw join (blind
   indexes of the same list, ``COPY`` into a temporary table, join to subjects and their active
   records, every row fetched): one untimed turn of each, then ``--batch-runs`` turns;
6. prints the figures and the ratios against the targets (single checks >= 0.5 x the minimal
   endpoint's throughput at every level; the median of the turns' batch/raw ratios <= 3).

The roles live beside this file: ``check_fill.py``, ``check_load.py``, ``check_batch.py`` (batch
and profile) and ``check_report.py`` (the closing table).

Exit status 0 when every step completed (whatever the figures); a failed step stops the run with
its error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchdb import (
    bench_environment,
    database_name,
    in_work_folder,
    migrate_and_seed,
    recreate_database,
)
from check_report import report_fill, summary
from fill import step

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
SETTINGS = "check_settings"
DEFAULT_RECORDS = 1_000_000
RECORDS_PER_PERSON = 5
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_check"
DEFAULT_SEED = 20261128
DEFAULT_LEVELS = "1,4,16"
DEFAULT_BATCH = 100_000


# --- the orchestrator -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.role == "load":
        from check_load import role_load

        return role_load(args)
    if args.role:
        return _django_role(args)
    if args.reuse:
        return _bench(args, args.reuse)
    return in_work_folder("chengxin-bench-check-", lambda work: _bench(args, work), keep=args.keep)


def _django_role(args) -> int:
    """The fill, batch and profile roles run with Django set up on the bench settings."""
    sys.path.insert(0, str(BENCH_DIR))
    import django

    django.setup()
    from check_batch import role_batch, role_profile
    from check_fill import role_fill

    return {"fill": role_fill, "batch": role_batch, "profile": role_profile}[args.role](args)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS, help="credit records")
    parser.add_argument("--people", type=int, default=0, help="people (default: records / 5)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL database to create")
    parser.add_argument("--levels", default=DEFAULT_LEVELS, help="concurrency levels, e.g. 1,4,16")
    parser.add_argument(
        "--duration", type=float, default=30.0, help="seconds measured per endpoint and level"
    )
    parser.add_argument("--rounds", type=int, default=3, help="turns the endpoints take")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds not measured per turn")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class (gthread or sync)"
    )
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="IDs in the batch check")
    parser.add_argument(
        "--batch-runs", type=int, default=3, help="turns of the batch check and the raw join"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--skip-http", action="store_true", help="no HTTP runs")
    parser.add_argument("--skip-batch", action="store_true", help="no batch run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--reuse",
        type=Path,
        help="reuse the database and the directory kept by an earlier --keep run (no fill)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="also profile (cProfile) 300 single checks in-process and the batch run; files "
        "are written to this directory (profiled timings are not the benchmark's)",
    )
    parser.add_argument(
        "--role", choices=["fill", "load", "batch", "profile"], help=argparse.SUPPRESS
    )
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _bench(args: argparse.Namespace, work: Path) -> int:
    people = args.people or max(args.records // RECORDS_PER_PERSON, 1)
    if args.reuse:
        env = json.loads((work / "env.json").read_text())
        step(f"reusing {work} and database {database_name(args.pg_url)}")
        fill = json.loads((work / "fill.json").read_text())
    else:
        env = _environment(work, database_url=args.pg_url)
        (work / "env.json").write_text(json.dumps(env))
        step(f"PostgreSQL database {database_name(args.pg_url)}: drop, create, migrate, seed")
        recreate_database(args.pg_url)
        _prepare(env)
        step(f"fill: {args.records:,} records over {people:,} people")
        started = time.perf_counter()
        _run_role("fill", env, work, args, extra=["--people", str(people)])
        fill = json.loads((work / "fill.json").read_text())
        fill["seconds"] = time.perf_counter() - started
        (work / "fill.json").write_text(json.dumps(fill))
        report_fill(fill)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        step(f"profile: 300 single checks in-process, written to {args.profile}")
        _run_role("profile", env, work, args)
    load = None
    if not args.skip_http:
        load = _serve_and_load(args, env, work)
    batch = None
    if not args.skip_batch:
        step(
            f"batch: {min(args.batch, fill['batch_ids']):,} IDs through batch_run, then the raw join"
        )
        _run_role("batch", env, work, args)
        batch = json.loads((work / "batch.json").read_text())
    summary(args=args, fill=fill, load=load, batch=batch)
    return 0


def _run_role(role: str, env, work: Path, args, extra: list[str] | None = None) -> None:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--role",
        role,
        "--work",
        str(work),
        "--records",
        str(args.records),
        "--seed",
        str(args.seed),
        "--batch",
        str(args.batch),
        "--batch-runs",
        str(args.batch_runs),
        "--pg-url",
        args.pg_url,
        *(extra or []),
    ]
    if args.profile:
        command += ["--profile", str(args.profile)]
    subprocess.run(command, env=env, cwd=PROJECT_DIR, check=True)


def _serve_and_load(args, env, work: Path) -> list[dict]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    step(f"serve: gunicorn, {args.workers} workers x {args.threads} threads (gthread) on {url}")
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "chengxin.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--keep-alive",
            "30",
            "--backlog",
            "256",
        ],
        env=env,
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(port, server)
        step(
            f"load: levels {args.levels}, {args.warmup:.0f} s warm-up + {args.duration:.0f} s each"
        )
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--role",
            "load",
            "--work",
            str(work),
            "--url",
            url,
            "--levels",
            args.levels,
            "--duration",
            str(args.duration),
            "--warmup",
            str(args.warmup),
            "--rounds",
            str(args.rounds),
        ]
        subprocess.run(command, env=env, cwd=PROJECT_DIR, check=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    return json.loads((work / "load.json").read_text())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited; see gunicorn.log (--keep)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start within 60 s")


# --- databases and environment --------------------------------------------------------------


def _environment(work: Path, *, database_url: str) -> dict[str, str]:
    """The environment of every process: production settings with the benchmark's URLconf and
    fresh keys, the bench database, the bench's own var directory."""
    return bench_environment(work, database_url=database_url, settings=SETTINGS)


def _prepare(env: dict[str, str]) -> None:
    migrate_and_seed(env, cwd=PROJECT_DIR)


if __name__ == "__main__":
    sys.exit(main())
