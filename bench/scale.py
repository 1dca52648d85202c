"""Scale benchmark: the platform at 1,000,000 and at 10,000,000 credit records in one run, the
same operations timed at both sizes through Django's request handling, with their plans.

``python bench/scale.py [--records 1000000,10000000] [--pg-url URL] [--keep]`` (project venv):

1. creates the database (default ``chengxin_bench_scale``, dropped and re-created; the name must
   contain ``bench``), its own ``CHENGXIN_VAR_DIR`` and fresh keys; migrates and seeds with
   ``chengxin``; an officer with an API token and a reviewer;
2. grows it in stages, one per size of ``--records`` (records/5 people each): registers the new
   people through the identity service (``bench/fill.py``, 5,000 at a time), writes the new
   records of every active catalog item with their first versions through the platform's writer
   (``collection.ingest.writer``), and, for the dashboards, checks and officer queries (a tenth
   of the new records each), outbox events (a twentieth) and submissions (a five-hundredth) with
   ``COPY`` as ``bench/dashboards.py`` writes them; ``VACUUM (ANALYZE)``; refreshes the
   dashboards' summary tables;
3. keeps a copy of the database as each stage but the last leaves it (``CREATE DATABASE …
   TEMPLATE``, ``<name>_at<records>``; dropped at the end unless ``--keep``);
4. when every stage is grown, measures the sizes in ``--rounds`` rounds, taking turns (1M, 10M,
   1M, 10M, …), each measure in a fresh process, and pools the samples of a size over its
   rounds, so that the machine's other load, which drifts over an hour, touches both sizes
   alike. A measure (production settings with ``bench/check_site.py``'s
   URLconf, ``django.test.Client``: middleware, view, template, no network) times a single check
   (``POST /api/v1/checks``) in turn with the bare authenticated look-up
   (``POST /bench/api/lookup-audited``) and the look-up without its audit event; a batch check of
   ``--batch`` ID numbers (``batch_create`` + ``batch_run``) in turn with the raw temporary-table
   join; an officer query (``POST /api/v1/profiles``); a credit report (``POST /api/v1/reports``:
   the content, its PDF, sealed and stored); the two public lists (pages 1 to 50) and an entry of
   each; every dashboard for the last 365 days; ``EXPLAIN (ANALYZE, BUFFERS)`` of the statements
   of one request of each (the plans of the last round);
5. prints the plans at every size, then the table: p50 and p95 at each size and the ratio of the
   largest to the smallest against the target 1.3, the check against the look-up (target 0.5 of
   its throughput at one client) and the batch against the raw join (target 2).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from benchdb import (
    bench_environment,
    collect_static,
    database_name,
    drop_database,
    migrate_and_seed,
    recreate_database,
)
from fill import CHUNK_PEOPLE, Target, chunk_people, people_register, records_fill, step

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_scale"
DEFAULT_SIZES = "1000000,10000000"
RECORDS_PER_PERSON = 5
SEED = 20261207
UNKNOWN_SHARE = 0.1
TARGET_GROWTH = 1.3
TARGET_CHECK = 0.5
TARGET_BATCH = 2.0
REVIEWER = "bench-reviewer"
PURPOSE = "administrative_licensing"
# The tables whose statements a plan is shown for (the large or growing ones).
PLANNED = (
    "collection_creditrecord", "collection_recordversion", "identity_subject", "checks_check",
    "inquiry_profilequery", "inquiry_creditreport", "dashboards_", "exchange_outboxevent",
    "collection_submission", "audit",
)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.role:
        sys.path.insert(0, str(BENCH_DIR))
        import django

        django.setup()
        return {"setup": _role_setup, "grow": _role_grow, "measure": _role_measure}[args.role](args)
    work = args.resume or Path(tempfile.mkdtemp(prefix="chengxin-bench-scale-"))
    args.keep = args.keep or bool(args.resume)
    try:
        return _bench(args, work)
    finally:
        if args.keep:
            print(f"kept: {work} and the database {database_name(args.pg_url)}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", default=DEFAULT_SIZES, help="the sizes, e.g. 1000000,10000000")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--samples", type=int, default=300, help="checks, look-ups, queries")
    parser.add_argument("--page-samples", type=int, default=100, help="requests of each page")
    parser.add_argument("--report-samples", type=int, default=30, help="credit reports")
    parser.add_argument("--dashboard-samples", type=int, default=20, help="of each dashboard")
    parser.add_argument("--batch", type=int, default=100_000, help="ID numbers in the batch")
    parser.add_argument("--batch-runs", type=int, default=3, help="timed turns of the batch")
    parser.add_argument(
        "--rounds", type=int, default=2, help="measures of each size, the sizes taking turns"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and work folder")
    parser.add_argument(
        "--resume",
        type=Path,
        help="a kept work folder: grow the stages not yet grown, take the measures not yet taken",
    )
    parser.add_argument(
        "--remeasure", action="store_true", help="with --resume: take every measure again"
    )
    parser.add_argument("--role", choices=["setup", "grow", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stage", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = [int(value) for value in args.records.split(",") if value]
    if args.sizes != sorted(args.sizes) or len(args.sizes) < 2:
        parser.error("--records: two or more sizes, smallest first")
    return args


def _people_at(records: int) -> int:
    """People at a size: records/5, in whole chunks (each stage adds whole chunks)."""
    return max(1, records // RECORDS_PER_PERSON // CHUNK_PEOPLE) * CHUNK_PEOPLE


def _bench(args: argparse.Namespace, work: Path) -> int:
    saved = work / "env.json"
    if args.resume:
        # The same keys; the code of this checkout.
        env = json.loads(saved.read_text())
        env["PYTHONPATH"] = bench_environment(work, database_url=args.pg_url)["PYTHONPATH"]
    else:
        env = bench_environment(work, database_url=args.pg_url, settings="check_settings")
        saved.write_text(json.dumps(env))
    started = time.perf_counter()
    try:
        if not args.resume:
            step(f"{database_name(args.pg_url)}: drop, create, migrate, seed; work folder {work}")
            recreate_database(args.pg_url)
            migrate_and_seed(env, cwd=PROJECT_DIR)
            _run_role("setup", env, work, args)
        collect_static(env, cwd=PROJECT_DIR)
        last = len(args.sizes) - 1
        for stage, records in enumerate(args.sizes):
            grown_file = work / f"grow-{stage}.json"
            if grown_file.exists():
                continue
            step(f"stage {stage + 1}: grow to {records:,} records, {_people_at(records):,} people")  # fmt: skip
            began = time.perf_counter()
            _run_role("grow", env, work, args, stage=stage)
            grown = json.loads(grown_file.read_text())
            grown["wall"] = {"rows": 0, "seconds": time.perf_counter() - began}
            began = time.perf_counter()
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute("VACUUM (ANALYZE)")
            grown["vacuum"] = {"rows": 0, "seconds": time.perf_counter() - began}
            grown["sizes"] = _sizes(args.pg_url)
            if stage < last:
                began = time.perf_counter()
                recreate_database(_stage_url(args, stage), template=args.pg_url)
                grown["copy"] = {"rows": 0, "seconds": time.perf_counter() - began}
                step(f"  kept as {database_name(_stage_url(args, stage))} in {grown['copy']['seconds']:.0f} s")  # fmt: skip
            grown_file.write_text(json.dumps(grown))
            for old in work.glob("measure-*.json"):
                old.unlink()
        for turn in range(args.rounds):
            for stage in range(len(args.sizes)):
                measured = work / f"measure-{stage}-{turn}.json"
                if measured.exists() and not args.remeasure:
                    continue
                step(f"round {turn + 1}: measure {args.sizes[stage]:,} records in a fresh process")
                stage_env = {**env, "DATABASE_URL": _stage_url(args, stage)}
                _run_role("measure", stage_env, work, args, stage=stage, turn=turn)
        stages = [
            {
                "grow": json.loads((work / f"grow-{stage}.json").read_text()),
                **_pooled(
                    [
                        json.loads((work / f"measure-{stage}-{turn}.json").read_text())
                        for turn in range(args.rounds)
                    ]
                ),
            }
            for stage in range(len(args.sizes))
        ]
        (work / "report.json").write_text(json.dumps(stages))
        _report(args, stages, seconds=time.perf_counter() - started)
    finally:
        if not args.keep:
            for stage in range(len(args.sizes)):
                drop_database(_stage_url(args, stage))
    return 0


def _stage_url(args, stage: int) -> str:
    """The database of a stage: the copy kept when it was grown, the database itself last."""
    if stage == len(args.sizes) - 1:
        return args.pg_url
    name = f"{database_name(args.pg_url)}_at{args.sizes[stage]}"
    return urlunsplit(urlsplit(args.pg_url)._replace(path=f"/{name}"))


def _pooled(measures: list[dict]) -> dict:
    """The measures of one size over the rounds as one: every sample of an operation pooled,
    the plans of the last round, the median of every batch turn's ratio."""
    pooled = {
        label: _summary([value for measure in measures for value in measure["result"][label]["values"]])
        for label in measures[0]["result"]
    }  # fmt: skip
    ratios = sorted(ratio for measure in measures for ratio in measure["batch_ratios"])
    return {
        "result": pooled,
        "plans": measures[-1]["plans"],
        "batch_ratio": ratios[len(ratios) // 2],
        "records": measures[-1]["records"],
        "subjects": measures[-1]["subjects"],
    }


def _run_role(role: str, env, work: Path, args, *, stage: int = 0, turn: int = 0) -> None:
    command = [sys.executable, str(Path(__file__).resolve()), "--role", role, "--work", str(work)]
    command += ["--stage", str(stage), "--records", args.records, "--batch", str(args.batch)]
    command += ["--round", str(turn)]
    for name in ("samples", "page_samples", "report_samples", "dashboard_samples", "batch_runs"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    subprocess.run(command, env=env, cwd=PROJECT_DIR, check=True)


def _sizes(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute("SELECT pg_total_relation_size(%s::regclass)", [table]).fetchone()[
                0
            ]
            for table in ("collection_creditrecord", "collection_recordversion", "identity_subject")
        }


# --- roles: setup and grow ------------------------------------------------------------------


def _role_setup(args) -> int:
    from check_fill import officer_token

    from chengxin.accounts.choices import Role
    from chengxin.accounts.models import Department
    from chengxin.accounts.tests.factories import staff_user
    from chengxin.core.services import policy_value_set
    from chengxin.dashboards.policies import SETTLE_MINUTES

    (args.work / "token.txt").write_text(officer_token())
    staff_user(Role.REVIEWER, department=Department.objects.get(code="market"), username=REVIEWER)
    policy_value_set(name=SETTLE_MINUTES.name, value=0, actor=None, reason="benchmark")
    return 0


def _role_grow(args) -> int:
    import dashboards
    from django.db import connection
    from django.utils import timezone

    from chengxin.accounts.models import Department, User
    from chengxin.catalog.models import CatalogItem
    from chengxin.dashboards.services import dashboards_refresh
    from chengxin.identity.models import Subject
    from chengxin.inquiry.models import QueryPurpose
    from chengxin.measures.choices import Matter

    first = _people_at(args.sizes[args.stage - 1]) if args.stage else 0
    people = _people_at(args.sizes[args.stage]) - first
    records = args.sizes[args.stage] - (args.sizes[args.stage - 1] if args.stage else 0)
    timed = {}
    began = time.perf_counter()
    people_register(seed=SEED, people=people, first=first, benchmark="scale")
    timed["people"] = {"rows": people, "seconds": time.perf_counter() - began}
    step(f"  {people:,} people registered in {timed['people']['seconds']:.0f} s")
    target = Target(connection.settings_dict["NAME"])
    records_fill(
        [target],
        seed=SEED,
        total_records=records,
        people_count=people,
        rng=random.Random(SEED + args.stage),
        sample_size=1,
        first_person=first,
    )
    timed["records"] = {"rows": target.rows, "seconds": target.seconds}
    step(f"  {target.rows:,} records written in {target.seconds:.0f} s")
    now = timezone.now()
    rng = random.Random(SEED + 100 + args.stage)
    world = {
        "pairs": list(
            CatalogItem.departments.through.objects.filter(catalogitem__is_active=True).values_list(
                "department_id", "catalogitem_id", "catalogitem__category", "catalogitem__severity"
            )
        ),
        "subjects": list(Subject.objects.order_by("-pk").values_list("pk", "blind_index")[:2000]),
        "departments": list(Department.objects.filter(is_active=True).order_by("pk")),
        "officer": User.objects.get(username="bench-officer"),
        "purposes": list(QueryPurpose.objects.values_list("pk", flat=True)),
        "matters": [matter for matter in Matter.values if matter != Matter.ALL],
    }
    for name, fill in (
        (
            "submissions",
            lambda: dashboards._submissions(world, count=records // 500, rng=rng, now=now),
        ),  # fmt: skip
        ("checks", lambda: dashboards._checks(world, count=records // 10, rng=rng, now=now)),
        ("queries", lambda: dashboards._queries(world, count=records // 10, rng=rng, now=now)),
        ("events", lambda: dashboards._events(count=records // 20, rng=rng, now=now)),
    ):
        began = time.perf_counter()
        timed[name] = {"rows": fill(), "seconds": time.perf_counter() - began}
        step(f"  {name}: {timed[name]['rows']:,} rows in {timed[name]['seconds']:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    dashboards_refresh()
    timed["refresh"] = {"rows": 0, "seconds": time.perf_counter() - began}
    step(f"  dashboards' summary tables refreshed in {timed['refresh']['seconds']:.1f} s")
    (args.work / f"grow-{args.stage}.json").write_text(json.dumps(timed))
    return 0


# --- role: measure --------------------------------------------------------------------------


def _id_numbers(args, *, today) -> tuple[list[str], list[str]]:
    """Known people of this stage's database (whole chunks drawn at random) and people it does
    not know: the batch's ``--batch`` ID numbers (10% unknown) and, apart, those of the single
    requests."""
    rng = random.Random(SEED + 200 + args.stage)
    people = _people_at(args.sizes[args.stage])
    wanted = args.batch + args.samples * 4
    known_wanted = wanted - int(wanted * UNKNOWN_SHARE)
    numbers = rng.sample(range(people // CHUNK_PEOPLE), min(people // CHUNK_PEOPLE, math.ceil(known_wanted / CHUNK_PEOPLE)))  # fmt: skip
    known = [p.id_number for n in numbers for p in chunk_people(SEED, n, CHUNK_PEOPLE, today=today)]
    known = rng.sample(known, min(known_wanted, len(known)))
    unknown = [
        person.id_number for person in chunk_people(SEED + 7, 0, wanted - len(known), today=today)
    ]
    chosen = known + unknown
    rng.shuffle(chosen)
    return chosen[: args.batch], chosen[args.batch :] or chosen


def _role_measure(args) -> int:
    from check_batch import batch_once, raw_join
    from check_load import MATTERS
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from plans import batch_plans, captured, plans_of, raw_plan

    from chengxin.accounts.models import User
    from chengxin.accounts.tests.factories import sign_in_verified
    from chengxin.core import crypto
    from chengxin.dashboards.registry import all_dashboards
    from chengxin.measures.checks.batch import FACTS_CHUNK
    from chengxin.portal.selectors import RED, SERIOUS, disclosed_records, public_id
    from chengxin.portal.sitemaps import sitemaps

    today = timezone.localdate()
    rng = random.Random(SEED + 300 + args.stage)
    batch_ids, single_ids = _id_numbers(args, today=today)
    token = (args.work / "token.txt").read_text().strip()
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    staff = Client(HTTP_HOST="127.0.0.1")
    sign_in_verified(staff, User.objects.get(username=REVIEWER))
    public = Client(HTTP_HOST="127.0.0.1")
    result: dict[str, dict] = {}
    plans: dict[str, list[str]] = {}

    def posted(path: str, body: dict):
        def call(turn: int) -> None:
            body_of = {**body, "id_number": single_ids[turn % len(single_ids)]}
            if "case_no" in body:
                body_of["case_no"] = f"{body['case_no']}-{rng.randrange(10**6)}"
            response = api.post(path, body_of, content_type="application/json", secure=True)
            assert response.status_code == 200, (path, response.status_code, response.content[:300])

        return call

    def fetched(client, path: str, params_of=lambda turn: {}, path_of=None):
        def call(turn: int) -> None:
            where = path_of(turn) if path_of else path
            response = client.get(where, params_of(turn), secure=True)
            assert response.status_code == 200, (where, response.status_code)

        return call

    def record(calls: dict, samples: int) -> None:
        result.update(_interleaved(calls, samples=samples))
        for label, call in calls.items():
            plans[label] = plans_of(captured(lambda call=call: call(samples), tables=PLANNED))
        step("  " + ", ".join(f"{label} p50 {result[label]['p50'] * 1000:.1f} ms" for label in calls))  # fmt: skip

    check = {"matter": MATTERS[0], "case_no": "审批", "purpose": "行政审批资格审查"}
    record(
        {
            "single check": posted("/api/v1/checks", check),
            "look-up, audited": posted("/bench/api/lookup-audited", {}),
            "look-up, no audit": posted("/bench/api/lookup", {}),
        },
        args.samples,
    )
    record({"officer query": posted("/api/v1/profiles", {"purpose": PURPOSE, "case_no": "许可"})}, args.samples)  # fmt: skip
    record({"credit report (PDF)": posted("/api/v1/reports", {"purpose": PURPOSE, "case_no": "许可"})}, args.report_samples)  # fmt: skip
    pages, entries = {}, {}
    for public_list in (SERIOUS, RED):
        ids = list(
            disclosed_records(public_list, today=today)
            .order_by("?")
            .values_list("pk", flat=True)[: args.page_samples + 20]
        )
        base = f"/disclosure/{public_list.slug}/"
        pages[f"{public_list.slug} list, pages 1-50"] = fetched(
            public, base, lambda turn: {"page": str(turn % 50 + 1)}
        )
        if ids:
            entries[f"{public_list.slug} entry"] = fetched(
                public,
                "",
                lambda turn, ids=ids, base=base: {},
                path_of=lambda turn, ids=ids, base=base: (
                    f"{base}{public_id(ids[turn % len(ids)])}/"
                ),
            )
    record({**pages, **entries}, args.page_samples)
    # The sitemap: its index (the ends of the record ids) and the serious list's last page.
    last = sitemaps()["serious"].paginator.num_pages
    sitemap = {
        "sitemap index": fetched(public, "/sitemap.xml"),
        "sitemap, last serious page": fetched(
            public, "/sitemap-serious.xml", lambda turn: {"p": str(last)}
        ),
    }
    record(sitemap, args.page_samples)
    start = today - datetime.timedelta(days=364)
    dashboards = {
        f"dashboard {board.slug}": fetched(
            staff,
            f"/staff/dashboards/{board.slug}/",
            lambda turn: {"start": start.isoformat(), "end": today.isoformat()},
        )  # fmt: skip
        for board in all_dashboards()
    }
    record(dashboards, args.dashboard_samples)

    # The batch check against the raw join, in turn, after an untimed turn of each.
    batch_name, raw_name = f"batch check, {len(batch_ids):,} IDs", "raw join, same IDs"
    raw_join(batch_ids)
    batch_once(batch_ids, profile=None)
    raws, batches = [], []
    for _turn in range(args.batch_runs):
        raws.append(raw_join(batch_ids)["seconds"])
        batches.append(batch_once(batch_ids, profile=None)["seconds"])
    result[batch_name] = _summary(batches)
    result[raw_name] = _summary(raws)
    ratios = sorted(b / r for b, r in zip(batches, raws, strict=True))
    indexes = sorted({crypto.blind_index(number) for number in batch_ids})
    plans[batch_name] = batch_plans(indexes[:FACTS_CHUNK], today=today)
    plans[raw_name] = raw_plan(indexes)
    step(f"  batch {statistics.median(batches):.2f} s, raw join {statistics.median(raws):.2f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM collection_creditrecord")
        records = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM identity_subject")
        subjects = cursor.fetchone()[0]
    (args.work / f"measure-{args.stage}-{args.round}.json").write_text(
        json.dumps(
            {
                "result": result,
                "plans": plans,
                "batch_ratios": ratios,
                "records": records,
                "subjects": subjects,
            }
        )
    )
    return 0


def _interleaved(calls: dict, *, samples: int, warm_up: int = 10) -> dict[str, dict]:
    """Each call ``samples`` times after ``warm_up`` untimed turns, the calls taking turns so
    that the machine's other load touches them alike."""
    durations: dict[str, list[float]] = {label: [] for label in calls}
    for turn in range(warm_up + samples):
        for label, call in calls.items():
            began = time.perf_counter()
            call(turn)
            if turn >= warm_up:
                durations[label].append(time.perf_counter() - began)
    return {label: _summary(values) for label, values in durations.items()}


def _summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))],
        "mean": statistics.fmean(ordered),
        "values": ordered,
    }


# --- output ---------------------------------------------------------------------------------


def _report(args, stages: list[dict], *, seconds: float) -> None:
    print()
    for stage in stages:
        for operation, plans in stage["plans"].items():
            for plan in plans:
                print(f"--- EXPLAIN {operation} at {stage['records']:,} records")
                print(plan)
    print()
    with psycopg.connect(args.pg_url) as conn:
        version = conn.info.server_version
    print(f"PostgreSQL {version // 10000}.{version % 10000}; run {seconds / 60:.0f} min")
    for stage in stages:
        grow = ", ".join(
            f"{name} {figures['rows']:,} in {figures['seconds']:.0f} s"
            for name, figures in stage["grow"].items()
            if name != "sizes"
        )
        sizes = ", ".join(
            f"{table} {size / 2**30:.2f} GB"
            for table, size in stage["grow"].get("sizes", {}).items()
        )
        print(f"{stage['records']:,} records, {stage['subjects']:,} people: {grow}; {sizes}")
    small, large = stages[0], stages[-1]
    scale = f"{large['records'] // 1_000_000}M/{small['records'] // 1_000_000}M" if small["records"] >= 1_000_000 else "large/small"  # fmt: skip
    heading = "p50 / p95 ms"
    print(
        f"\n{'operation':<36}{heading + ' at ' + format(small['records'], ','):>28}"
        f"{heading + ' at ' + format(large['records'], ','):>30}{'ratio p50 / p95 ' + scale:>26}"
    )
    for operation in small["result"]:
        a, b = small["result"][operation], large["result"][operation]
        r50, r95 = b["p50"] / a["p50"], b["p95"] / a["p95"]
        mark = "ok" if max(r50, r95) <= TARGET_GROWTH else f"over {TARGET_GROWTH}"
        print(
            f"{operation:<36}{_ms(a['p50']):>16} / {_ms(a['p95']):<10}{_ms(b['p50']):>18} / "
            f"{_ms(b['p95']):<10}{r50:>12.2f} / {r95:.2f}  {mark}"
        )
    for stage in stages:
        check, lookup = stage["result"]["single check"], stage["result"]["look-up, audited"]
        share = lookup["mean"] / check["mean"]
        print(
            f"at {stage['records']:,}: single check {share:.2f} x the audited look-up's "
            f"throughput at one client (mean {_ms(check['mean'])} against {_ms(lookup['mean'])} "
            f"ms; target >= {TARGET_CHECK}: {'met' if share >= TARGET_CHECK else 'not met'}); "
            f"batch check {stage['batch_ratio']:.2f} x the raw join (median of the turns' ratios; "
            f"target <= {TARGET_BATCH}: {'met' if stage['batch_ratio'] <= TARGET_BATCH else 'not met'})"  # fmt: skip
        )
    print(
        f"(single requests: {args.samples} after 10 untimed, the three taking turns; pages "
        f"{args.page_samples}, reports {args.report_samples}, dashboards {args.dashboard_samples}"
        f" each; batch: {args.batch_runs} turns after one untimed)"
    )


def _ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


if __name__ == "__main__":
    sys.exit(main())
