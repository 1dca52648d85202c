"""Audit sealing benchmark: what a request pays for its audit event, and what sealing costs per
event, on logs of 10,000, 1,000,000 and 10,000,000 events, in one run.

``python bench/audit_seal.py [--sizes 10000,1000000,10000000] [--rounds N] [--batch N]
[--pg-url URL]`` (with the project's venv):

1. creates its own PostgreSQL database (dropped and re-created; the name must contain ``bench``)
   and its own ``CHENGXIN_VAR_DIR`` with fresh keys, and migrates it;
2. for each size, smallest first, grows the log to that many sealed events (set-based
   ``INSERT … SELECT`` of events and their seals: the chain is not a valid one, which does not
   change what a seal costs), then ``VACUUM (ANALYZE)``;
3. at each size, ``--rounds`` times: writes ``--batch`` events through ``events.record``, one
   transaction each (what a request does), then seals them with the sealer
   (``audit_seal_pending``, the worker's step); and, as the baseline of the same round, inserts
   the same number of seal rows into an unlogged copy of the seal table with one statement (the
   write a seal cannot avoid);
4. prints, per size, the median per event: the request's audit write, the seal, the baseline,
   their ratio, and the time of the look-up the sealer used before the queue (events above the
   highest sealed id, left-joined to their seals) on the same log; and the plan of the queue's
   look-up.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import bench_environment, recreate_database, step

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_audit"
DEFAULT_SIZES = "10000,1000000,10000000"
DEFAULT_ROUNDS = 20
DEFAULT_BATCH = 200
GROW_CHUNK = 1_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--role", choices=["main", "run"], default="main")
    args = parser.parse_args()
    if args.role == "run":
        return _run(args)
    work = Path(tempfile.mkdtemp(prefix="chengxin-bench-audit-"))
    env = bench_environment(work, database_url=args.pg_url)
    step(f"database {args.pg_url}, work directory {work}")
    recreate_database(args.pg_url)
    subprocess.run(
        [sys.executable, "-m", "chengxin.cli", "migrate", "--no-input", "-v", "0"],
        env=env,
        cwd=PROJECT_DIR,
        check=True,
    )
    step("migrated")
    command = [sys.executable, __file__, "--role", "run", "--sizes", args.sizes]
    command += ["--rounds", str(args.rounds), "--batch", str(args.batch)]
    subprocess.run(command, env=env, cwd=PROJECT_DIR, check=True)
    return 0


# --- role: run ------------------------------------------------------------------------------


def _run(args) -> int:
    import django

    django.setup()
    from django.db import connection

    sizes = sorted(int(size) for size in args.sizes.split(","))
    with connection.cursor() as cursor:
        cursor.execute("CREATE UNLOGGED TABLE bench_seal_copy (LIKE audit_auditseal)")
    results = []
    for size in sizes:
        _grow(size)
        step(f"log at {_count():,} sealed events; measuring")
        results.append((size, _measure(rounds=args.rounds, batch=args.batch)))
    _report(results, batch=args.batch)
    print("\nplan of the queue's look-up (the largest log):")
    print(_plan())
    return 0


def _count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(seq), 0) FROM audit_auditseal")
        return cursor.fetchone()[0]


def _grow(size: int) -> None:
    """Sealed events up to ``size`` (set-based, in chunks of a million)."""
    from django.db import connection

    while (have := _count()) < size:
        add = min(GROW_CHUNK, size - have)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
            first = cursor.fetchone()[0] + 1
            cursor.execute(
                "INSERT INTO audit_auditevent (id, created_at, actor_id, actor_username, "
                "actor_role, actor_department, action, object_type, object_id, subject_index, "
                "purpose, case_no, detail, ip_address, content_hash, hash_algorithm, hash_key_id) "
                "SELECT n, now(), 1, 'bench-officer', 'officer', 'tax', 'personal_data_read', "
                "'record', n::text, md5(n::text) || md5((n + 1)::text), '', '', '{}', "
                "'127.0.0.1', md5(n::text) || md5(n::text), 'hmac-sha256', 's1' "
                "FROM generate_series(%s, %s) AS n",
                [first, first + add - 1],
            )
            cursor.execute(
                "INSERT INTO audit_auditseal (seq, event_id, prev_hash, chain_hash, algorithm, "
                "sealed_at) SELECT %s + (n - %s), n, md5((n - 1)::text) || md5((n - 1)::text), "
                "md5(n::text) || md5(n::text), 'sha256', now() "
                "FROM generate_series(%s, %s) AS n",
                [have + 1, first, first, first + add - 1],
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), %s)",
                [first + add - 1],
            )
        step(f"  +{add:,} events in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) audit_auditevent")
        cursor.execute("VACUUM (ANALYZE) audit_auditseal")
        cursor.execute("VACUUM (ANALYZE) audit_auditpending")


def _measure(*, rounds: int, batch: int) -> dict[str, float]:
    from django.db import connection, transaction

    from chengxin.core.audit import events
    from chengxin.core.audit.choices import AuditAction
    from chengxin.core.audit.sealing import audit_seal_pending

    write, seal, baseline, old_lookup = [], [], [], []
    for _round in range(rounds):
        started = time.perf_counter()
        for number in range(batch):
            with transaction.atomic():
                events.record(
                    actor=None, action=AuditAction.UPDATE, object_type="bench", object_id=number
                )
        write.append((time.perf_counter() - started) / batch)
        old_lookup.append(_old_lookup_seconds())
        started = time.perf_counter()
        sealed = audit_seal_pending(batch_size=batch)
        seal.append((time.perf_counter() - started) / batch)
        assert sealed == batch, sealed
        with connection.cursor() as cursor:
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO bench_seal_copy (seq, event_id, prev_hash, chain_hash, "
                    "algorithm, sealed_at) SELECT n, n, md5(n::text) || md5(n::text), "
                    "md5(n::text) || md5(n::text), 'sha256', now() "
                    "FROM generate_series(1, %s) AS n",
                    [batch],
                )
            baseline.append((time.perf_counter() - started) / batch)
            cursor.execute("TRUNCATE bench_seal_copy")
    return {
        "write": statistics.median(write) * 1000,
        "seal": statistics.median(seal) * 1000,
        "baseline": statistics.median(baseline) * 1000,
        "old_lookup": statistics.median(old_lookup) * 1000,
    }


def _old_lookup_seconds() -> float:
    """The look-up of the sealer before the queue: unsealed events above the highest sealed id
    or among the ids just written, left-joined to the seals."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT e.id, e.content_hash FROM audit_auditevent e "
            "LEFT JOIN audit_auditseal s ON s.event_id = e.id "
            "WHERE s.seq IS NULL AND (e.id > (SELECT coalesce(max(event_id), 0) "
            "FROM audit_auditseal) OR e.id IN (SELECT event_id FROM audit_auditpending)) "
            "ORDER BY e.id LIMIT 1000"
        )
        cursor.fetchall()
        return time.perf_counter() - started


def _plan() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT event_id FROM audit_auditpending ORDER BY event_id LIMIT 1000"
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def _report(results, *, batch: int) -> None:
    print(f"\naudit sealing, medians per event (batches of {batch}), PostgreSQL:")
    header = (
        f"{'log size':>12} {'request write':>14} {'seal':>9} {'baseline':>9} "
        f"{'seal/base':>9} {'old look-up (batch)':>20}"
    )
    print(header)
    for size, figures in results:
        print(
            f"{size:>12,} {figures['write']:>11.3f} ms {figures['seal']:>6.3f} ms "
            f"{figures['baseline']:>6.3f} ms {figures['seal'] / figures['baseline']:>8.1f}x "
            f"{figures['old_lookup']:>17.2f} ms"
        )
    first, last = results[0][1], results[-1][1]
    print(
        f"seal per event at {results[-1][0]:,} / at {results[0][0]:,}: "
        f"{last['seal'] / first['seal']:.2f}x (flat when close to 1)"
    )


if __name__ == "__main__":
    sys.exit(main())
