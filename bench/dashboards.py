"""Dashboards benchmark: each staff dashboard over a year, timed at the server, against the raw
aggregate SQL over the base tables in the same run, and the refresh of the summary tables.

``python bench/dashboards.py [--records N] [--checks N] [--queries N] [--events N]
[--samples N] [--pg-url URL]`` (with the project's venv):

1. creates its own PostgreSQL database (dropped and re-created; the name must contain ``bench``)
   and its own ``CHENGXIN_VAR_DIR`` with fresh keys; migrates and seeds with ``chengxin``;
2. fills it (``--role run``, a subprocess with the production settings), spread over the last
   365 days: N credit records of every provided catalog item (``COPY``, ids in time order, over
   2,000 people registered through the identity service), N/500 completed submissions, a year
   of checks (with the measures they found and feedback on half of them), a year of officer
   queries over the shipped purposes, outbox events with their deliveries (1% dead); ``ANALYZE``;
3. refreshes the summary tables (the first refresh folds everything), adds 1,000 records and
   refreshes again (the incremental step the worker or a timer repeats);
4. times, in that process, every dashboard page for the last 365 days through Django's whole
   request handling (middleware, view, template; a reviewer's verified session; no network),
   and the raw SQL that computes the same aggregates from the base tables;
5. prints p50, p95 and p99 of each against the target (page p95 < 300 ms).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from benchdb import (
    bench_environment,
    collect_static,
    in_work_folder,
    migrate_and_seed,
    recreate_database,
    step,
)

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_dashboards"
DEFAULT_RECORDS = 1_000_000
DEFAULT_CHECKS = 365_000
DEFAULT_QUERIES = 365_000
DEFAULT_EVENTS = 200_000
DEFAULT_SAMPLES = 100
WARM_UP = 5
PEOPLE = 2_000
SEED = 20261204
TARGET_P95_MS = 300.0
DAYS = 365


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--checks", type=int, default=DEFAULT_CHECKS)
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--role", choices=["main", "run"], default="main")
    parser.add_argument("--work", default="")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if args.role == "run":
        return _run(args)
    return in_work_folder(
        "chengxin-bench-dashboards-", lambda work: _bench(args, work), keep=args.keep
    )


def _bench(args, work: Path) -> int:
    env = bench_environment(work, database_url=args.pg_url)
    step(f"database {args.pg_url}, work directory {work}")
    recreate_database(args.pg_url)
    migrate_and_seed(env, cwd=PROJECT_DIR)
    collect_static(env, cwd=PROJECT_DIR)
    step("migrated and seeded")
    command = [sys.executable, __file__, "--role", "run", "--work", str(work)]
    for name in ("records", "checks", "queries", "events", "samples"):
        command += [f"--{name}", str(getattr(args, name))]
    subprocess.run(command, env=env, cwd=PROJECT_DIR, check=True)
    _report(json.loads((work / "result.json").read_text()))
    return 0


# --- role: run ------------------------------------------------------------------------------


def _run(args) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from chengxin.core.services import policy_value_set
    from chengxin.dashboards.policies import SETTLE_MINUTES

    now = timezone.now()
    rng = random.Random(SEED)  # noqa: S311 - benchmark data, not a secret
    policy_value_set(name=SETTLE_MINUTES.name, value=0, actor=None, reason="benchmark")
    world = _world()
    timed = {}
    for name, fill in (
        ("records", lambda: _records(world, count=args.records, rng=rng, now=now)),
        (
            "submissions",
            lambda: _submissions(world, count=max(args.records // 500, 1), rng=rng, now=now),
        ),
        ("checks", lambda: _checks(world, count=args.checks, rng=rng, now=now)),
        ("queries", lambda: _queries(world, count=args.queries, rng=rng, now=now)),
        ("events", lambda: _events(count=args.events, rng=rng, now=now)),
    ):
        started = time.perf_counter()
        written = fill()
        timed[name] = {"rows": written, "seconds": time.perf_counter() - started}
        step(f"  {name}: {written:,} rows in {timed[name]['seconds']:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    refresh = _refresh(world, rng=rng)
    result = {
        "filled": timed,
        "refresh": refresh,
        "timings": _measure(args, world=world),
    }
    Path(args.work, "result.json").write_text(json.dumps(result))
    return 0


def _world() -> dict:
    """The seeded departments and items that go together, 2,000 people, an officer per
    department, a reviewer with a verified second factor, the purposes."""
    from django.utils import timezone

    from chengxin.accounts.choices import Role
    from chengxin.accounts.models import Department
    from chengxin.accounts.tests.factories import staff_user
    from chengxin.catalog.models import CatalogItem
    from chengxin.core import crypto
    from chengxin.identity.services import subjects_get_or_create_many
    from chengxin.identity.synthetic import demo_people
    from chengxin.inquiry.models import QueryPurpose
    from chengxin.measures.choices import Matter

    pairs = list(
        CatalogItem.departments.through.objects.filter(catalogitem__is_active=True).values_list(
            "department_id", "catalogitem_id", "catalogitem__category", "catalogitem__severity"
        )
    )
    people = demo_people(count=PEOPLE, seed=SEED, as_of=timezone.localdate())
    subjects = subjects_get_or_create_many(
        people=[(person.id_number, person.name) for person in people],
        actor=None,
        detail={"benchmark": "dashboards"},
    )
    subject_rows = [
        (subjects[crypto.blind_index(person.id_number)].pk, crypto.blind_index(person.id_number))
        for person in people
    ]
    departments = list(Department.objects.filter(is_active=True).order_by("pk"))
    officer = staff_user(Role.OFFICER, department=departments[0], username="bench-officer")
    reviewer = staff_user(Role.REVIEWER, department=departments[0], username="bench-reviewer")
    return {
        "pairs": pairs,
        "subjects": subject_rows,
        "departments": departments,
        "officer": officer,
        "reviewer": reviewer,
        "purposes": list(QueryPurpose.objects.values_list("pk", flat=True)),
        "matters": [matter for matter in Matter.values if matter != Matter.ALL],
    }


def _moments(count: int, *, rng, now) -> list[datetime.datetime]:
    """``count`` moments of the last 365 days, in time order."""
    span = DAYS * 86_400
    return sorted(now - datetime.timedelta(seconds=rng.randrange(span) + 60) for _ in range(count))


def _copy(table: str, columns: tuple[str, ...], rows) -> int:
    from django.db import connection, transaction

    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        quoted = ", ".join(f'"{column}"' for column in columns)
        with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


def _reset_sequence(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


RECORD_COLUMNS = (
    "id", "department_id", "item_id", "source_id", "subject_id", "subject_index", "status",
    "category", "severity", "decided_on", "disclosure_ends_on", "repairable_from",
    "valid_until", "disputed", "current_version", "status_changed_at", "created_at",
    "updated_at",
)  # fmt: skip


def _records(world, *, count: int, rng, now, first_id: int = 1) -> int:
    """Credit records only (the dashboards count records; their versions are not read)."""
    pairs, subjects = world["pairs"], world["subjects"]

    def rows():
        for offset, moment in enumerate(_moments(count, rng=rng, now=now)):
            number = first_id + offset
            department, item, category, severity = pairs[rng.randrange(len(pairs))]
            subject, index = subjects[rng.randrange(len(subjects))]
            yield (
                number, department, item, f"bench-{number:08d}", subject, index, "active",
                category, severity or "", moment.date(), None, None, None, False, 1, moment,
                moment, moment,
            )  # fmt: skip

    written = _copy("collection_creditrecord", RECORD_COLUMNS, rows())
    _reset_sequence("collection_creditrecord")
    return written


def _submissions(world, *, count: int, rng, now) -> int:
    from chengxin.collection.choices import Operation, SubmissionChannel, SubmissionStatus
    from chengxin.collection.models import Submission

    rows = []
    for moment in _moments(count, rng=rng, now=now):
        department, item, _category, _severity = world["pairs"][rng.randrange(len(world["pairs"]))]
        received = rng.randrange(1, 2_000)
        rejected = rng.randrange(0, max(received // 20, 1))
        rows.append(
            Submission(
                department_id=department,
                item_id=item,
                channel=SubmissionChannel.FILE,
                operation=Operation.UPSERT,
                status=SubmissionStatus.COMPLETED,
                received=received,
                accepted=received - rejected,
                rejected=rejected,
                finished_at=moment,
                created_by=world["officer"],
            )
        )
    created = Submission.objects.bulk_create(rows, batch_size=1_000)
    # created_at is set on insert; put each submission on its day (a benchmark's own data).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE collection_submission SET created_at = finished_at")
    return len(created)


def _checks(world, *, count: int, rng, now) -> int:
    department_ids = [department.pk for department in world["departments"]]
    codes = {department.pk: department.code for department in world["departments"]}
    measures, feedback = [], []
    check_rows = []
    for moment in _moments(count, rng=rng, now=now):
        pk = uuid.UUID(int=rng.getrandbits(128), version=4)
        department = department_ids[rng.randrange(len(department_ids))]
        check_rows.append(
            (
                pk, "0" * 64, rng.random() < 0.4, rng.choice(world["matters"]), "bench",
                "benchmark", moment.date(), world["officer"].pk, department, "{}", "{}", "{}",
                moment,
            )
        )  # fmt: skip
        if rng.random() < 0.2:
            implementing = department_ids[rng.randrange(len(department_ids))]
            measures.append((pk, "M-1", "punishment", codes[implementing]))
            if rng.random() < 0.5:
                feedback.append(
                    (
                        pk,
                        "M-1",
                        rng.random() < 0.8,
                        "benchmark",
                        moment.date(),
                        implementing,
                        moment,
                        world["officer"].pk,
                    )
                )
    written = _copy(
        "checks_check",
        ("id", "subject_index", "known", "matter", "case_no", "purpose", "checked_on",
         "actor_id", "department_id", "request", "answer", "receipt", "created_at"),
        check_rows,
    )  # fmt: skip
    _copy(
        "checks_checkmeasure", ("check_ref_id", "measure_code", "kind", "department_code"), measures
    )
    _copy(
        "checks_checkfeedback",
        ("check_ref_id", "measure_code", "applied", "reason", "decided_on", "department_id",
         "created_at", "created_by_id"),
        feedback,
    )  # fmt: skip
    return written


def _queries(world, *, count: int, rng, now) -> int:
    department_ids = [department.pk for department in world["departments"]]
    subjects, purposes = world["subjects"], world["purposes"]

    def rows():
        for moment in _moments(count, rng=rng, now=now):
            yield (
                world["officer"].pk, department_ids[rng.randrange(len(department_ids))],
                purposes[rng.randrange(len(purposes))], "bench",
                subjects[rng.randrange(len(subjects))][1], "[]", "{}", moment,
            )  # fmt: skip

    return _copy(
        "inquiry_profilequery",
        ("officer_id", "department_id", "purpose_id", "case_no", "subject_index", "record_ids",
         "category_counts", "created_at"),
        rows(),
    )  # fmt: skip


def _events(*, count: int, rng, now) -> int:
    """Outbox events in batches of 100, each batch one delivery a few seconds to minutes later;
    1% of the events dead."""
    from django.db import connection

    moments = _moments(count, rng=rng, now=now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM exchange_upstreamdelivery")
        first = cursor.fetchone()[0]
    deliveries, events = [], []
    for start in range(0, count, 100):
        batch = moments[start : start + 100]
        finished = batch[-1] + datetime.timedelta(seconds=rng.randrange(5, 600))
        delivery = first + len(deliveries) + 1
        failed = rng.random() < 0.02
        deliveries.append(
            (delivery, uuid.uuid4(), "https://upstream.invalid/", "ed25519", "b1", "x", len(batch),
             0 if failed else len(batch), "http_error" if failed else "delivered", None, "",
             batch[0], finished)
        )  # fmt: skip
        for moment in batch:
            dead = rng.random() < 0.01
            events.append(
                (uuid.uuid4(), "record_created", 1, "0" * 64, "{}",
                 "dead" if dead else "delivered", moment, 1, "", delivery,
                 None if dead else finished, finished if dead else None)
            )  # fmt: skip
    _copy(
        "exchange_upstreamdelivery",
        ("id", "batch_id", "endpoint", "algorithm", "key_id", "signature", "event_count",
         "delivered_count", "outcome", "http_status", "error", "started_at", "finished_at"),
        deliveries,
    )  # fmt: skip
    _reset_sequence("exchange_upstreamdelivery")
    written = _copy(
        "exchange_outboxevent",
        ("message_id", "event_type", "record_id", "subject_index", "payload", "status",
         "created_at", "attempts", "last_error", "last_delivery_id", "delivered_at", "dead_at"),
        events,
    )  # fmt: skip
    return written


def _refresh(world, *, rng) -> dict:
    from django.db import connection
    from django.utils import timezone

    from chengxin.collection.models import CreditRecord
    from chengxin.dashboards.services import dashboards_refresh

    started = time.perf_counter()
    first = dashboards_refresh()
    full = time.perf_counter() - started
    step(f"  first refresh (everything): {full:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboards_dailymetric")
    last = CreditRecord.objects.order_by("-id").values_list("id", flat=True).first()
    _records(world, count=1_000, rng=rng, now=timezone.now(), first_id=last + 1)
    started = time.perf_counter()
    second = dashboards_refresh()
    incremental = time.perf_counter() - started
    step(f"  incremental refresh after 1,000 new records: {incremental * 1000:.0f} ms")
    return {
        "full_seconds": full,
        "full_rows": sum(result.rows_read for result in first),
        "incremental_ms": incremental * 1000,
        "incremental_rows": {
            result.source: result.rows_read for result in second if result.rows_read
        },
    }


# The raw aggregates: what each dashboard shows, computed from the base tables for the year.
RAW = {
    "collection": [
        "SELECT department_id, item_id, count(*) FROM collection_creditrecord"
        " WHERE created_at >= %(start)s GROUP BY 1, 2",
        "SELECT date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai'), count(*)"
        " FROM collection_creditrecord WHERE created_at >= %(start)s GROUP BY 1",
        "SELECT department_id, item_id, sum(received), sum(rejected) FROM collection_submission"
        " WHERE status = 'completed' AND created_at >= %(start)s GROUP BY 1, 2",
    ],
    "timeliness": [
        "SELECT department_id, item_id, max(created_at) FROM collection_submission"
        " WHERE status = 'completed' GROUP BY 1, 2",
    ],
    "checks": [
        "SELECT matter, count(*) FROM checks_check WHERE created_at >= %(start)s GROUP BY 1",
        "SELECT m.department_code, count(*) FROM checks_checkmeasure m"
        " JOIN checks_check c ON c.id = m.check_ref_id WHERE c.created_at >= %(start)s GROUP BY 1",
        "SELECT department_id, count(*), sum(CASE WHEN applied THEN 1 ELSE 0 END)"
        " FROM checks_checkfeedback WHERE created_at >= %(start)s GROUP BY 1",
        "SELECT date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai'), count(*)"
        " FROM checks_check WHERE created_at >= %(start)s GROUP BY 1",
    ],
    "queries": [
        "SELECT purpose_id, count(*) FROM inquiry_profilequery WHERE created_at >= %(start)s"
        " GROUP BY 1",
        "SELECT date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai'), count(*)"
        " FROM inquiry_profilequery WHERE created_at >= %(start)s GROUP BY 1",
    ],
    "cases": [
        "SELECT count(*) FROM objections_objection WHERE filed_at >= %(start)s",
        "SELECT count(*) FROM repairs_repair WHERE applied_at >= %(start)s",
        "SELECT count(*) FROM tipoffs_tipoff WHERE filed_at >= %(start)s",
    ],
    "exchange": [
        "SELECT date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai'), count(*)"
        " FROM exchange_outboxevent WHERE created_at >= %(start)s GROUP BY 1",
        "SELECT date_trunc('month', delivered_at AT TIME ZONE 'Asia/Shanghai'), count(*),"
        " avg(extract(epoch FROM delivered_at - created_at)) FROM exchange_outboxevent"
        " WHERE status = 'delivered' AND delivered_at >= %(start)s GROUP BY 1",
        "SELECT date_trunc('month', finished_at AT TIME ZONE 'Asia/Shanghai'), count(*),"
        " sum(CASE WHEN outcome <> 'delivered' THEN 1 ELSE 0 END) FROM exchange_upstreamdelivery"
        " WHERE finished_at >= %(start)s GROUP BY 1",
    ],
}


def _measure(args, *, world) -> dict:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from chengxin.accounts.tests.factories import sign_in_verified
    from chengxin.dashboards.registry import all_dashboards

    client = Client(HTTP_HOST="127.0.0.1")
    sign_in_verified(client, world["reviewer"])
    today = timezone.localdate()
    start = today - datetime.timedelta(days=DAYS - 1)
    params = {"start": start.isoformat(), "end": today.isoformat()}
    since = timezone.now() - datetime.timedelta(days=DAYS)
    results = {}
    for dashboard in all_dashboards():

        def page(slug=dashboard.slug) -> None:
            response = client.get(f"/staff/dashboards/{slug}/", params, secure=True)
            assert response.status_code == 200, response.status_code

        def raw(slug=dashboard.slug) -> None:
            with connection.cursor() as cursor:
                for statement in RAW.get(slug, []):
                    cursor.execute(statement, {"start": since})
                    cursor.fetchall()

        raw_samples = max(5, args.samples // 5)
        results[dashboard.slug] = {
            "page": _timings(page, samples=args.samples),
            "raw": _timings(raw, samples=raw_samples),
        }
        step(f"  {dashboard.slug} timed")
    return results


def _timings(action, *, samples: int) -> dict[str, float]:
    for _turn in range(WARM_UP):
        action()
    durations = []
    for _turn in range(samples):
        started = time.perf_counter()
        action()
        durations.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "samples": samples}


def _report(result: dict) -> None:
    print()
    for name, filled in result["filled"].items():
        print(f"{name:12} {filled['rows']:>10,} rows written in {filled['seconds']:.0f} s")
    refresh = result["refresh"]
    print(
        f"first refresh: {refresh['full_rows']:,} base rows in {refresh['full_seconds']:.1f} s; "
        f"incremental refresh after 1,000 records: {refresh['incremental_ms']:.0f} ms, "
        f"rows read {refresh['incremental_rows']}"
    )
    print(f"{'':11} {'page p50':>9} {'p95':>7} {'p99':>7} | {'raw p50':>9} {'p95':>9} {'p99':>9}")
    worst = 0.0
    for name, timing in result["timings"].items():
        page, raw = timing["page"], timing["raw"]
        worst = max(worst, page["p95"])
        print(
            f"{name:11} {page['p50']:9.1f} {page['p95']:7.1f} {page['p99']:7.1f} | "
            f"{raw['p50']:9.1f} {raw['p95']:9.1f} {raw['p99']:9.1f}"
        )
    verdict = "PASS" if worst < TARGET_P95_MS else "FAIL"
    print(f"slowest dashboard p95 {worst:.1f} ms (target < {TARGET_P95_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    sys.exit(main())
