"""The batch check of ``bench/check.py`` against the raw join (``--role batch``), and the profile of
single checks in-process (``--role profile``); both with Django set up."""

from __future__ import annotations

import cProfile
import json
import random
import time
from pathlib import Path

from check_fill import OFFICER
from check_load import CHECK_PATH, check_body
from plans import RAW_JOIN, raw_ids


def role_batch(args) -> int:
    """``--batch-runs`` turns of the raw join then the batch check; the medians are reported."""
    work = args.work
    ids = json.loads((work / "ids.json").read_text())["batch"][: args.batch]
    # One untimed turn of each: every timed turn finds the same pages in memory and the same
    # warm caches of the process.
    raw_join(ids)
    batch_once(ids, profile=None)
    raws, batches = [], []
    for turn in range(args.batch_runs):
        raws.append(raw_join(ids))
        profile = args.profile / "batch.prof" if args.profile and turn == 0 else None
        batches.append(batch_once(ids, profile=profile))
        print(
            f"  turn {turn + 1}: batch {batches[-1]['seconds']:.2f} s (accept "
            f"{batches[-1]['create_seconds']:.2f} s), raw join {raws[-1]['seconds']:.2f} s "
            f"({raws[-1]['hash_seconds']:.2f} s blind indexes)",
            flush=True,
        )
    batch = _median_run(batches)
    raw = _median_run(raws)
    # Each turn's batch against the raw join run just before it, so that the machine's other
    # load touches both alike; the median of those ratios is the figure.
    ratios = sorted(
        run["seconds"] / base["seconds"] for run, base in zip(batches, raws, strict=True)
    )
    print(
        f"  counts {batch['counts']}; raw join: {raw['people']:,} people, "
        f"{raw['rows']:,} active records",
        flush=True,
    )
    (work / "batch.json").write_text(
        json.dumps(
            {
                **batch,
                "ids": len(ids),
                "runs": args.batch_runs,
                "ratio": ratios[len(ratios) // 2],
                "raw": raw,
                "profiled": bool(args.profile),
            }
        )
    )
    return 0


def _median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def batch_once(ids: list[str], *, profile: Path | None) -> dict:
    """A batch check of ``ids``: accepted by ``batch_create``, run by ``batch_run`` (the code
    ``chengxin worker`` runs for ``batch_check_task``)."""
    from chengxin.accounts.models import User
    from chengxin.measures.checks.batch import batch_create, batch_run, input_from_list

    started = time.perf_counter()
    batch = batch_create(
        actor=User.objects.get(username=OFFICER),
        batch_input=input_from_list(ids),
        matter="public_procurement",
        case_no="bench-batch",
        purpose="基准测试",
    )
    accepted = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    batch = batch_run(batch.pk)
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    finished = time.perf_counter()
    return {
        "create_seconds": accepted - started,
        "run_seconds": finished - accepted,
        "seconds": finished - started,
        "status": batch.status,
        "counts": batch.counts,
    }


def raw_join(ids: list[str]) -> dict:
    """The people of ``ids`` and their active records in plain SQL: blind indexes computed here,
    ``COPY`` into a temporary table, one join, every row fetched."""
    from django.db import connection, transaction

    from chengxin.core import crypto

    started = time.perf_counter()
    indexes = [crypto.blind_index(number) for number in ids]
    hashed = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw_ids(cursor, indexes)
        cursor.execute(RAW_JOIN)
        rows = cursor.fetchall()
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "hash_seconds": hashed - started,
        "rows": len(rows),
        "people": len({row[0] for row in rows}),
    }


# --- role: profile --------------------------------------------------------------------------


def role_profile(args) -> int:
    """300 single checks through the Django test client (middleware, auth, API, service) under
    cProfile, after 20 unprofiled ones."""
    from django.test import Client

    work = args.work
    ids = json.loads((work / "ids.json").read_text())["load"]
    token = (work / "token.txt").read_text().strip()
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_FORWARDED_PROTO="https",
        SERVER_NAME="127.0.0.1",
    )
    rng = random.Random(1)

    def one() -> None:
        response = client.post(CHECK_PATH, check_body(rng, ids), content_type="application/json")
        if response.status_code != 200:
            raise SystemExit(f"check failed: {response.status_code} {response.content[:300]!r}")

    for _ in range(20):
        one()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(300):
        one()
    profiler.disable()
    seconds = time.perf_counter() - started
    profiler.dump_stats(str(args.profile / "single.prof"))
    print(f"  300 profiled checks in {seconds:.1f} s", flush=True)
    return 0
