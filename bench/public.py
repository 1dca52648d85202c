"""Public site benchmark: the serious dishonesty list page, a name search and an entry page,
timed at the server, against the raw indexed SQL that returns the same rows.

``python bench/public.py [--records N] [--samples N] [--pg-url URL]`` (with the project's venv):

1. creates its own PostgreSQL database (dropped and re-created; the name must contain ``bench``)
   and its own ``CHENGXIN_VAR_DIR`` with fresh keys; migrates and seeds with ``chengxin``;
2. fills it (``--role run``, a subprocess with the production settings): N/3 synthetic people
   registered through the identity service (AES-GCM number and name, blind index, name index),
   then N records of the public serious-dishonesty items spread over them, all disclosed today
   (decided within the last 2.9 years), written with ``COPY`` with one version each, as
   ``bench/check.py`` does; ``ANALYZE``;
3. times, in that process, each page through Django's whole request handling (middleware, view,
   template; no network): the list page (pages 1 to 50 in turn), a search by a full name, an
   entry's page; and the raw SQL that reads the same rows (the page of records with the name
   ciphertext, masked number, department, item and current version's values) over psycopg;
4. prints p50, p95 and p99 of each and the ratio page/raw against the targets (list p95 < 100 ms
   and within 3x the raw query).
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
from pathlib import Path

from benchdb import (
    bench_environment,
    collect_static,
    in_work_folder,
    migrate_and_seed,
    recreate_database,
    step,
)
from fill import bench_submission

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_RECORDS = 1_000_000
DEFAULT_SAMPLES = 300
WARM_UP = 20
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_public"
SUBJECT_CHUNK = 5_000
SEED = 20261203
TARGET_P95_MS = 100.0
TARGET_RATIO = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--role", choices=["main", "run"], default="main")
    parser.add_argument("--work", default="")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--profile", action="store_true", help="print where the list page's time goes (cProfile)"
    )
    args = parser.parse_args()
    if args.role == "run":
        return _run(args)
    return in_work_folder("chengxin-bench-public-", lambda work: _bench(args, work), keep=args.keep)


def _bench(args, work: Path) -> int:
    env = bench_environment(work, database_url=args.pg_url)
    step(f"database {args.pg_url}, work directory {work}")
    recreate_database(args.pg_url)
    migrate_and_seed(env, cwd=PROJECT_DIR)
    collect_static(env, cwd=PROJECT_DIR)
    step("migrated and seeded")
    if args.keep:  # the database can be read again with the same keys
        (work / "env.json").write_text(json.dumps(env))
    command = [sys.executable, __file__, "--role", "run", "--records", str(args.records)]
    command += ["--samples", str(args.samples), "--work", str(work)]
    command += ["--profile"] if args.profile else []
    subprocess.run(command, env=env, cwd=PROJECT_DIR, check=True)
    _report(json.loads((work / "result.json").read_text()))
    return 0


# --- role: run ------------------------------------------------------------------------------


def _run(args) -> int:
    import django

    django.setup()
    from django.utils import timezone

    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - benchmark data, not a secret
    started = time.perf_counter()
    people = _people(max(args.records // 3, 1), today=today)
    step(f"  {len(people):,} people registered in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    written = _records_write(people, records=args.records, rng=rng, today=today)
    step(f"  {written:,} records written in {time.perf_counter() - started:.0f} s")
    names = [
        name for _pk, _index, name in rng.sample(people, min(len(people), args.samples + WARM_UP))
    ]
    result = {
        "records": written,
        "people": len(people),
        **_measure(args, names=names, rng=rng, today=today),
    }
    Path(args.work, "result.json").write_text(json.dumps(result))
    if args.profile:
        _profile()
    return 0


def _profile(turns: int = 100) -> None:
    """The list page's own time by function (cumulative), after the timings."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    profiler = cProfile.Profile()
    profiler.enable()
    for turn in range(turns):
        client.get("/disclosure/serious/", {"page": str(turn % 50 + 1)}, secure=True)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    stats.print_callers("__iter__|execute_sql")


def _people(count: int, *, today) -> list[tuple[int, str, str]]:
    """(subject id, blind index, name) of ``count`` synthetic people, registered."""
    from chengxin.core import crypto
    from chengxin.identity.services import subjects_get_or_create_many
    from chengxin.identity.synthetic import demo_people

    everyone = demo_people(count=count, seed=SEED, as_of=today)
    found = []
    for start in range(0, len(everyone), SUBJECT_CHUNK):
        chunk = everyone[start : start + SUBJECT_CHUNK]
        subjects = subjects_get_or_create_many(
            people=[(person.id_number, person.name) for person in chunk],
            actor=None,
            detail={"benchmark": "public"},
        )
        for person in chunk:
            subject = subjects[crypto.blind_index(person.id_number)]
            found.append((subject.pk, subject.blind_index, person.name))
    return found


RECORD_COLUMNS = (
    "id", "department_id", "item_id", "source_id", "subject_id", "subject_index", "status",
    "category", "severity", "decided_on", "disclosure_ends_on", "repairable_from",
    "valid_until", "disputed", "current_version", "status_changed_at", "created_at",
    "updated_at",
)  # fmt: skip
VERSION_COLUMNS = (
    "id", "record_id", "subject_index", "number", "values", "status", "catalog_version_id",
    "content_hash", "valid_from", "valid_to", "recorded_at", "superseded_at",
    "recorded_by_id", "submission_id",
)  # fmt: skip


def _records_write(people, *, records: int, rng, today) -> int:
    """``records`` active serious records of the public list's items with ``COPY``."""
    import hashlib

    import psycopg
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from chengxin.catalog.selectors import catalog_item_current_version
    from chengxin.collection.lifecycle import policy_periods, record_dates
    from chengxin.core.json import dumps
    from chengxin.portal.selectors import SERIOUS

    now = timezone.now()
    periods = policy_periods()
    plans = []
    for item in SERIOUS.items():
        departments = sorted((d for d in item.departments.all() if d.is_active), key=lambda d: d.pk)
        if not departments:
            continue
        department = departments[0]
        provider, submission = bench_submission(department, item, now=now)
        version = catalog_item_current_version(item)
        plans.append((item, department, provider, submission, version))
    database = settings.DATABASES["default"]
    conn = psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        dbname=database["NAME"],
    )
    with conn.cursor() as cursor:
        records_copy = "COPY collection_creditrecord ({}) FROM STDIN".format(
            ", ".join(RECORD_COLUMNS)
        )
        versions = []
        with cursor.copy(records_copy) as copy:
            for number in range(1, records + 1):
                item, department, provider, submission, version = plans[number % len(plans)]
                subject_id, index, _name = people[rng.randrange(len(people))]
                decided_on = today - datetime.timedelta(days=rng.randrange(1, 1058))
                dates = record_dates(item=item, decided_on=decided_on, periods=periods)
                source_id = f"bench-{number:08d}"
                values = {
                    "source_id": source_id,
                    "decided_on": decided_on.isoformat(),
                    "authority": department.name,
                    "document_no": f"齐决〔{decided_on.year}〕{number}号",
                }
                copy.write_row(
                    (
                        number, department.pk, item.pk, source_id, subject_id, index, "active",
                        item.category, item.severity, decided_on, dates.disclosure_ends_on,
                        dates.repairable_from, None, False, 1, now, now, now,
                    )
                )  # fmt: skip
                stored = dumps(values)
                versions.append(
                    (
                        number, number, index, 1, stored, "active", version.pk,
                        hashlib.sha256(stored.encode()).hexdigest(), decided_on,
                        dates.disclosure_ends_on, now, None, provider.pk, submission.pk,
                    )
                )  # fmt: skip
        versions_copy = "COPY collection_recordversion ({}) FROM STDIN".format(
            ", ".join(f'"{column}"' for column in VERSION_COLUMNS)
        )
        with cursor.copy(versions_copy) as copy:
            for row in versions:
                copy.write_row(row)
    conn.commit()
    conn.close()
    with connection.cursor() as cursor:
        for table in ("collection_creditrecord", "collection_recordversion"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        # A settled database: autovacuum has set the visibility map after the bulk load.
        cursor.execute("VACUUM (ANALYZE) collection_creditrecord")
        cursor.execute("VACUUM (ANALYZE) collection_recordversion")
        cursor.execute("ANALYZE")
    return records


# The raw queries: the same rows the pages read (records, their subjects, departments, items and
# current versions), in one statement each, through the same indexes.
RAW_SELECT = """
SELECT r.id, r.decided_on, r.disclosure_ends_on, r.disputed, s.name_ciphertext, s.id_masked,
       d.name, i.name, v."values"
FROM collection_creditrecord r
JOIN identity_subject s ON s.id = r.subject_id
JOIN accounts_department d ON d.id = r.department_id
JOIN catalog_catalogitem i ON i.id = r.item_id
LEFT JOIN collection_recordversion v ON v.record_id = r.id AND v.number = r.current_version
WHERE r.item_id = ANY(%(items)s) AND r.status = 'active' AND r.category = 'negative'
  AND r.severity = 'serious' AND r.disclosure_ends_on > %(today)s
"""
RAW_LIST = RAW_SELECT + " ORDER BY r.decided_on DESC, r.id DESC LIMIT 21 OFFSET %(offset)s"
RAW_SEARCH = (
    RAW_SELECT
    + " AND r.subject_index IN (SELECT blind_index FROM identity_subject WHERE name_index ="
    " %(name_index)s) ORDER BY r.decided_on DESC, r.id DESC LIMIT 21"
)
RAW_ENTRY = RAW_SELECT + " AND r.id = %(id)s"
# The same page by a deferred join, as the page reads it: the page's keys from the list's index
# alone, then only those rows joined (a second, stricter baseline).
RAW_LIST_KEYED = (
    RAW_SELECT
    + " AND r.id IN (SELECT id FROM collection_creditrecord WHERE item_id = ANY(%(items)s)"
    " AND status = 'active' AND category = 'negative' AND severity = 'serious'"
    " AND disclosure_ends_on > %(today)s ORDER BY decided_on DESC, id DESC"
    " LIMIT 21 OFFSET %(offset)s) ORDER BY r.decided_on DESC, r.id DESC"
)


def _measure(args, *, names: list[str], rng, today) -> dict:
    from django.db import connection
    from django.test import Client

    from chengxin.identity.selectors import name_index_of
    from chengxin.portal.selectors import SERIOUS, public_id

    client = Client(HTTP_HOST="127.0.0.1")
    items = [item.pk for item in SERIOUS.items()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM collection_creditrecord")
        last = cursor.fetchone()[0]
    names = (names * (1 + (args.samples + WARM_UP) // max(len(names), 1)))[: args.samples + WARM_UP]
    results: dict[str, dict] = {}

    def page_list(turn: int) -> None:
        response = client.get("/disclosure/serious/", {"page": str(turn % 50 + 1)}, secure=True)
        assert response.status_code == 200, response.status_code

    def raw_list(turn: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_LIST, {"items": items, "today": today, "offset": turn % 50 * 20})
            cursor.fetchall()

    def raw_list_keyed(turn: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                RAW_LIST_KEYED, {"items": items, "today": today, "offset": turn % 50 * 20}
            )
            cursor.fetchall()

    def page_search(turn: int) -> None:
        response = client.get("/disclosure/serious/", {"q": names[turn]}, secure=True)
        assert response.status_code == 200, response.status_code

    def raw_search(turn: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                RAW_SEARCH,
                {"items": items, "today": today, "name_index": name_index_of(names[turn])},
            )
            cursor.fetchall()

    record_ids = [rng.randint(1, last) for _ in range(args.samples + WARM_UP)]

    def page_entry(turn: int) -> None:
        url = f"/disclosure/serious/{public_id(record_ids[turn])}/"
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code

    def raw_entry(turn: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_ENTRY, {"items": items, "today": today, "id": record_ids[turn]})
            cursor.fetchall()

    for name, page, raw in (
        ("list", page_list, raw_list),
        ("search", page_search, raw_search),
        ("entry", page_entry, raw_entry),
    ):
        results[name] = {
            "page": _timings(page, samples=args.samples),
            "raw": _timings(raw, samples=args.samples),
        }
        step(f"  {name} timed")
    results["list"]["raw_keyed"] = _timings(raw_list_keyed, samples=args.samples)
    return {"timings": results}


def _timings(action, *, samples: int) -> dict[str, float]:
    for turn in range(WARM_UP):
        action(turn)
    durations = []
    for turn in range(WARM_UP, WARM_UP + samples):
        started = time.perf_counter()
        action(turn)
        durations.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "samples": samples}


def _report(result: dict) -> None:
    print()
    print(f"{result['records']:,} disclosed records over {result['people']:,} people")
    print(
        f"{'':8} {'page p50':>9} {'p95':>7} {'p99':>7} | {'raw p50':>8} {'p95':>7} {'p99':>7} | p95 ratio"
    )
    for name, timing in result["timings"].items():
        page, raw = timing["page"], timing["raw"]
        ratio = page["p95"] / raw["p95"] if raw["p95"] else float("inf")
        print(
            f"{name:8} {page['p50']:9.1f} {page['p95']:7.1f} {page['p99']:7.1f} | "
            f"{raw['p50']:8.1f} {raw['p95']:7.1f} {raw['p99']:7.1f} | {ratio:5.1f}x"
        )
    listing = result["timings"]["list"]
    keyed = listing["raw_keyed"]
    print(
        f"{'list raw, deferred join':>35} {keyed['p50']:8.1f} {keyed['p95']:7.1f} "
        f"{keyed['p99']:7.1f} | {listing['page']['p95'] / keyed['p95']:5.1f}x"
    )
    ratio = listing["page"]["p95"] / listing["raw"]["p95"]
    print(
        f"list page p95 {listing['page']['p95']:.1f} ms (target < {TARGET_P95_MS:.0f} ms), "
        f"{ratio:.1f}x the raw query (target <= {TARGET_RATIO:.0f}x); milliseconds"
    )


if __name__ == "__main__":
    sys.exit(main())
