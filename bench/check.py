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
   a list), written with ``COPY`` into ``CreditRecord`` and ``RecordVersion`` exactly as the
   import pipeline fills them (values without the personal fields, content hash, lifecycle dates
   and status, one submission per item and department); a sample of each item's rows is checked
   against the pipeline's own row validation; an officer account and its API token;
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

Exit status 0 when every step completed (whatever the figures); a failed step stops the run with
its error.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from benchdb import (
    bench_environment,
    database_name,
    in_work_folder,
    migrate_and_seed,
    recreate_database,
)
from fill import bench_submission

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
SETTINGS = "check_settings"
DEFAULT_RECORDS = 1_000_000
RECORDS_PER_PERSON = 5
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_check"
DEFAULT_SEED = 20261128
DEFAULT_LEVELS = "1,4,16"
DEFAULT_BATCH = 100_000
UNKNOWN_SHARE = 0.1
LOAD_SAMPLE = 20_000
OFFICER = "bench-officer"
OFFICER_DEPARTMENT = "market"
TARGET_SINGLE = 0.5
TARGET_BATCH = 3.0
CHECK_PATH = "/api/v1/checks"
LOOKUP_PATH = "/bench/api/lookup"
LOOKUP_AUDITED_PATH = "/bench/api/lookup-audited"
# The minimal endpoint is the look-up with its audit event: whether the platform knows a person
# is personal data, and every read of it is audited (SPEC §14). The bare look-up, below what the
# platform allows, shows what the audit itself costs.
MINIMAL = "minimal"
BARE = "bare lookup"
MATTERS = (
    "administrative_licensing",
    "public_procurement",
    "public_hiring",
    "subsidy",
    "honour",
)


# --- the orchestrator -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.role == "fill":
        return _role_fill(args)
    if args.role == "load":
        return _role_load(args)
    if args.role == "batch":
        return _role_batch(args)
    if args.role == "profile":
        return _role_profile(args)
    if args.reuse:
        return _bench(args, args.reuse)
    return in_work_folder("chengxin-bench-check-", lambda work: _bench(args, work), keep=args.keep)


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
        _step(f"reusing {work} and database {database_name(args.pg_url)}")
        fill = json.loads((work / "fill.json").read_text())
    else:
        env = _environment(work, database_url=args.pg_url)
        (work / "env.json").write_text(json.dumps(env))
        _step(f"PostgreSQL database {database_name(args.pg_url)}: drop, create, migrate, seed")
        recreate_database(args.pg_url)
        _prepare(env)
        _step(f"fill: {args.records:,} records over {people:,} people")
        started = time.perf_counter()
        _run_role("fill", env, work, args, extra=["--people", str(people)])
        fill = json.loads((work / "fill.json").read_text())
        fill["seconds"] = time.perf_counter() - started
        (work / "fill.json").write_text(json.dumps(fill))
        _report_fill(fill)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        _step(f"profile: 300 single checks in-process, written to {args.profile}")
        _run_role("profile", env, work, args)
    load = None
    if not args.skip_http:
        load = _serve_and_load(args, env, work)
    batch = None
    if not args.skip_batch:
        _step(
            f"batch: {min(args.batch, fill['batch_ids']):,} IDs through batch_run, then the raw join"
        )
        _run_role("batch", env, work, args)
        batch = json.loads((work / "batch.json").read_text())
    _summary(args=args, fill=fill, load=load, batch=batch)
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
    _step(f"serve: gunicorn, {args.workers} workers x {args.threads} threads (gthread) on {url}")
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
        _step(
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


# --- role: fill -----------------------------------------------------------------------------

# Share of the records of each kind of item (a person has five records on average, so about
# 1 - (1 - share)^5 of the people have at least one of a kind).
KIND_SHARES = {
    "basic": 0.30,
    "positive": 0.14,
    "red_list": 0.012,
    "light": 0.50,
    "serious": 0.018,
    "other": 0.03,
}
SUBJECT_CHUNK = 5_000
SAMPLE_VALIDATED = 25


def _django(_args) -> None:
    sys.path.insert(0, str(BENCH_DIR))
    import django

    django.setup()


def _role_fill(args) -> int:
    _django(args)
    from django.utils import timezone

    from chengxin.identity.synthetic import demo_people

    work = args.work
    rng = random.Random(args.seed)
    today = timezone.localdate()
    people_count = args.people
    unknown_count = max(int(people_count * UNKNOWN_SHARE), 1)
    started = time.perf_counter()
    everyone = demo_people(count=people_count + unknown_count, seed=args.seed, as_of=today)
    known, unknown = everyone[:people_count], everyone[people_count:]
    _step(f"  {len(everyone):,} synthetic people in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    subject_ids = _subjects_register(known)
    subjects_seconds = time.perf_counter() - started
    _step(f"  subjects registered in {subjects_seconds:.1f} s")

    started = time.perf_counter()
    counts = _records_write(
        known, subject_ids=subject_ids, records=args.records, rng=rng, today=today
    )
    records_seconds = time.perf_counter() - started
    _step(f"  records and versions written in {records_seconds:.1f} s")

    token = _officer_token()
    load_ids = _id_sample(known, unknown, size=LOAD_SAMPLE, rng=rng)
    batch_ids = _id_sample(known, unknown, size=args.batch, rng=rng)
    (work / "ids.json").write_text(json.dumps({"load": load_ids, "batch": batch_ids}))
    (work / "token.txt").write_text(token)
    facts = _fill_facts()
    (work / "fill.json").write_text(
        json.dumps(
            {
                "records": args.records,
                "people": people_count,
                "subjects_seconds": subjects_seconds,
                "records_seconds": records_seconds,
                "batch_ids": len(batch_ids),
                "items": counts,
                **facts,
            }
        )
    )
    return 0


def _subjects_register(people) -> dict[str, tuple[int, str]]:
    """Register the people through the identity service, chunk by chunk; ID number → (subject
    id, blind index)."""
    from chengxin.identity.services import subjects_get_or_create_many

    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(people), SUBJECT_CHUNK):
        chunk = people[start : start + SUBJECT_CHUNK]
        subjects = subjects_get_or_create_many(
            people=[(person.id_number, person.name) for person in chunk],
            actor=None,
            detail={"benchmark": "check"},
        )
        by_index = {index: subject.pk for index, subject in subjects.items()}
        from chengxin.core import crypto

        for person in chunk:
            index = crypto.blind_index(person.id_number)
            found[person.id_number] = (by_index[index], index)
    return found


def _item_weights(items) -> list[float]:
    from chengxin.catalog.choices import Category, ListKind, Severity

    def kind(item) -> str:
        if item.category == Category.NEGATIVE:
            return "serious" if item.severity == Severity.SERIOUS else "light"
        if item.category == Category.POSITIVE and ListKind.RED_LIST in (item.lists or []):
            return "red_list"
        return item.category

    kinds = [kind(item) for item in items]
    sizes = {name: kinds.count(name) for name in set(kinds)}
    return [KIND_SHARES.get(name, 0.0) / sizes[name] for name in kinds]


def _records_write(known, *, subject_ids, records: int, rng, today) -> dict[str, int]:
    """Records and their first versions, grouped by item and department, with ``COPY``."""
    from django.db import connection

    from chengxin.catalog.models import CatalogItem

    items = [
        item
        for item in CatalogItem.objects.filter(is_active=True)
        .prefetch_related("departments")
        .order_by("code")
        if any(department.is_active for department in item.departments.all())
    ]
    owners = list(known) + rng.choices(known, k=max(records - len(known), 0))
    owners = owners[:records]
    rng.shuffle(owners)
    chosen = rng.choices(items, weights=_item_weights(items), k=len(owners))
    groups: dict[tuple[str, str], list] = {}
    pairs = {}
    for person, item in zip(owners, chosen, strict=True):
        departments = sorted(
            (d for d in item.departments.all() if d.is_active), key=lambda d: d.code
        )
        department = rng.choice(departments)
        key = (item.code, department.code)
        pairs[key] = (item, department)
        groups.setdefault(key, []).append(person)
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM collection_creditrecord")
        next_record = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM collection_recordversion")
        next_version = cursor.fetchone()[0] + 1
    writer = _RecordWriter(
        next_record=next_record, next_version=next_version, subject_ids=subject_ids, today=today
    )
    for key in sorted(groups):
        item, department = pairs[key]
        writer.group(item=item, department=department, people=groups[key], rng=rng)
        counts[f"{item.code}/{department.code}"] = len(groups[key])
    writer.finish()
    with connection.cursor() as cursor:
        for table in ("collection_creditrecord", "collection_recordversion"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return counts


class _RecordWriter:
    """Writes records and versions as the import pipeline would (collection/ingest/batch.py:
    ``_record_new``, ``_apply_row``, ``_version``, ``_stored_values``, ``_content_hash``)."""

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

    def __init__(self, *, next_record: int, next_version: int, subject_ids, today) -> None:
        import psycopg as driver
        from django.conf import settings
        from django.utils import timezone

        from chengxin.collection.lifecycle import policy_periods

        database = settings.DATABASES["default"]
        self.conn = driver.connect(
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            dbname=database["NAME"],
        )
        self.next_record = next_record
        self.next_version = next_version
        self.subject_ids = subject_ids
        self.today = today
        self.now = timezone.now()
        self.periods = policy_periods()
        self.name_indexes: dict[str, str] = {}
        self.records_copy = self.conn.cursor()
        self.versions_copy = self.conn.cursor()
        # Held open across the groups; the versions follow in a second COPY (one at a time).
        self._records_context = self.records_copy.copy(
            "COPY collection_creditrecord ({}) FROM STDIN".format(", ".join(self.RECORD_COLUMNS))
        )
        self._records = self._records_context.__enter__()
        self.versions_rows: list[tuple] = []

    def group(self, *, item, department, people, rng) -> None:
        import hashlib

        from chengxin.catalog.selectors import (
            catalog_item_current_version,
            catalog_version_table_schema,
        )
        from chengxin.collection.choices import (
            RecordStatus,
        )
        from chengxin.collection.ingest.rows import _CONVERTERS as converters
        from chengxin.collection.lifecycle import record_dates
        from chengxin.collection.management.commands.demo_data import _document_prefix
        from chengxin.collection.synthetic import synthetic_rows
        from chengxin.core import crypto
        from chengxin.core.json import canonical, dumps

        version = catalog_item_current_version(item)
        schema = catalog_version_table_schema(version)
        provider, submission = bench_submission(
            department,
            item,
            now=self.now,
            received=len(people),
            accepted=len(people),
            outcomes={"created": len(people)},
            position=len(people) + 1,
            total_rows=len(people),
        )
        rows = synthetic_rows(
            item_schema=schema,
            people=people,
            rng=rng,
            today=self.today,
            source_prefix=f"bench-{department.code}-",
            authority=department.name,
            document_prefix=_document_prefix(department, item),
        )
        # The typed values of the pipeline's row validation (``validate_row`` converts each
        # field by its type, then checks constraints that a generated row always meets).
        types = {field["name"]: field.get("type", "string") for field in schema["fields"]}
        for position, values in enumerate(rows):
            if position < SAMPLE_VALIDATED:
                _validated_like_pipeline(values, schema=schema, today=self.today)
            subject_id, index = self.subject_ids[values["id_number"]]
            name = values.get("name") or ""
            stored = json.loads(
                dumps(
                    {
                        name: converters[types[name]](value)
                        for name, value in values.items()
                        if name not in ("id_number", "name")
                    }
                )
            )
            name_index = self.name_indexes.get(name)
            if name_index is None and name:
                name_index = crypto.blind_index(name, purpose="collection.record.name")
                self.name_indexes[name] = name_index
            content = {"values": stored, "subject": index, "name": name_index or ""}
            content_hash = hashlib.sha256(canonical(content)).hexdigest()
            decided_on = datetime.fromisoformat(values["decided_on"]).date()
            dates = record_dates(item=item, decided_on=decided_on, periods=self.periods)
            end = dates.disclosure_ends_on or dates.valid_until
            status = (
                RecordStatus.EXPIRED.value
                if end is not None and end <= self.today
                else RecordStatus.ACTIVE.value
            )
            record_id = self.next_record
            self.next_record += 1
            self._records.write_row(
                (
                    record_id, department.pk, item.pk, values["source_id"], subject_id, index,
                    status, item.category, item.severity, decided_on, dates.disclosure_ends_on,
                    dates.repairable_from, dates.valid_until, False, 1, self.now, self.now,
                    self.now,
                )
            )  # fmt: skip
            self.versions_rows.append(
                (
                    self.next_version, record_id, index, 1, dumps(stored), status, version.pk,
                    content_hash, decided_on, end, self.now, None, provider.pk, submission.pk,
                )
            )  # fmt: skip
            self.next_version += 1

    def finish(self) -> None:
        self._records_context.__exit__(None, None, None)
        statement = "COPY collection_recordversion ({}) FROM STDIN".format(
            ", ".join(f'"{column}"' for column in self.VERSION_COLUMNS)
        )
        with self.versions_copy.copy(statement) as copy:
            for row in self.versions_rows:
                copy.write_row(row)
        self.conn.commit()
        self.conn.close()


def _validated_like_pipeline(values, *, schema, today) -> None:
    """The values the writer stores are those the pipeline would store for this row."""
    from chengxin.collection.ingest.rows import _CONVERTERS, validate_row
    from chengxin.core.json import dumps

    result = validate_row(schema=schema, values=values, row_number=1, today=today)
    if result.errors:
        raise SystemExit(f"a generated row does not validate: {result.errors[0].code}")
    kept = {k: v for k, v in result.cleaned.items() if k not in ("id_number", "name")}
    types = {field["name"]: field.get("type", "string") for field in schema["fields"]}
    ours = {
        k: _CONVERTERS[types[k]](v) for k, v in values.items() if k not in ("id_number", "name")
    }
    if json.loads(dumps(kept)) != json.loads(dumps(ours)):
        theirs, mine = json.loads(dumps(kept)), json.loads(dumps(ours))
        differing = {
            k: (theirs.get(k), mine.get(k))
            for k in set(theirs) | set(mine)
            if theirs.get(k) != mine.get(k)
        }
        raise SystemExit(f"generated values differ from the pipeline's cleaned values: {differing}")


def _officer_token() -> str:
    from chengxin.accounts.choices import Role
    from chengxin.accounts.services import api_token_create, user_create

    created = user_create(
        username=OFFICER, department_code=OFFICER_DEPARTMENT, role=Role.OFFICER, actor=None
    )
    _token, plaintext = api_token_create(user=created.user, name="bench", actor=None)
    return plaintext


def _id_sample(known, unknown, *, size: int, rng) -> list[str]:
    unknown_size = min(int(size * UNKNOWN_SHARE), len(unknown))
    known_size = size - unknown_size
    if known_size <= len(known):
        chosen = rng.sample(known, known_size)
    else:
        chosen = rng.choices(known, k=known_size)
    numbers = [person.id_number for person in chosen] + [
        person.id_number for person in rng.sample(unknown, unknown_size)
    ]
    rng.shuffle(numbers)
    return numbers


def _fill_facts() -> dict[str, int]:
    from django.db import connection

    queries = {
        "records_active": "SELECT count(*) FROM collection_creditrecord WHERE status = 'active'",
        "people_serious": (
            "SELECT count(DISTINCT subject_index) FROM collection_creditrecord "
            "WHERE status = 'active' AND category = 'negative' AND severity = 'serious'"
        ),
        "people_red_list": (
            "SELECT count(DISTINCT r.subject_index) FROM collection_creditrecord r "
            "JOIN catalog_catalogitem i ON i.id = r.item_id WHERE r.status = 'active' "
            "AND r.category = 'positive' AND i.lists::text LIKE '%%red_list%%'"
        ),
    }
    facts = {}
    with connection.cursor() as cursor:
        for name, query in queries.items():
            cursor.execute(query)
            facts[name] = cursor.fetchone()[0]
    return facts


def _report_fill(fill: dict) -> None:
    print(
        f"  {fill['records']:,} records ({fill['records_active']:,} active) over "
        f"{fill['people']:,} people; {fill['people_serious']:,} people with an active serious "
        f"record, {fill['people_red_list']:,} on the red list; subjects "
        f"{fill['subjects_seconds']:.0f} s, records {fill['records_seconds']:.0f} s, "
        f"fill {fill['seconds']:.0f} s in all"
    )


# --- role: load -----------------------------------------------------------------------------


@dataclass
class LoadRun:
    """One endpoint at one concurrency level."""

    endpoint: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    mean_ms: float


def _role_load(args) -> int:
    work = args.work
    ids = json.loads((work / "ids.json").read_text())["load"]
    token = (work / "token.txt").read_text().strip()
    target = urlsplit(args.url)
    runs = []
    endpoints = (
        (BARE, LOOKUP_PATH, _lookup_body),
        (MINIMAL, LOOKUP_AUDITED_PATH, _lookup_body),
        ("check", CHECK_PATH, _check_body),
    )
    for level in [int(value) for value in args.levels.split(",")]:
        # The endpoints take turns, in short rounds, so that a change in the machine's other
        # load touches all of them alike.
        samples: dict[str, list[tuple[list[float], int]]] = {name: [] for name, *_ in endpoints}
        for _round in range(args.rounds):
            for name, path, body in endpoints:
                samples[name].append(
                    _drive(
                        host=target.hostname,
                        port=target.port,
                        path=path,
                        token=token,
                        body=body,
                        ids=ids,
                        concurrency=level,
                        warmup=args.warmup,
                        duration=args.duration / args.rounds,
                    )
                )
        for name, *_ in endpoints:
            run = _load_run(name, level, samples[name], seconds=args.duration)
            print(
                f"  {name:<12} c={level:<3} {run.throughput:8.1f} req/s  p50 {run.p50_ms:7.1f} ms"
                f"  p99 {run.p99_ms:7.1f} ms  ({run.requests} requests, {run.errors} errors)",
                flush=True,
            )
            runs.append(asdict(run))
    (work / "load.json").write_text(json.dumps(runs))
    return 0


def _lookup_body(rng: random.Random, ids: list[str]) -> dict:
    return {"id_number": rng.choice(ids)}


def _check_body(rng: random.Random, ids: list[str]) -> dict:
    return {
        "id_number": rng.choice(ids),
        "matter": rng.choice(MATTERS),
        "case_no": f"bench-{rng.randrange(1_000_000)}",
        "purpose": "基准测试",
    }


def _drive(
    *, host, port, path, token, body, ids, concurrency, warmup, duration
) -> tuple[list[float], int]:
    """``concurrency`` threads, each sending requests back to back on its own keep-alive
    connection; latencies of the requests that start after the warm-up and end before the
    deadline."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        # The reverse proxy's header: the production settings redirect plain HTTP.
        "X-Forwarded-Proto": "https",
    }
    start = time.perf_counter()
    measure_from = start + warmup
    deadline = measure_from + duration
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(slot: int) -> None:
        rng = random.Random(slot)
        connection = http.client.HTTPConnection(host, port, timeout=120)
        while True:
            began = time.perf_counter()
            if began >= deadline:
                break
            payload = json.dumps(body(rng, ids)).encode()
            try:
                connection.request("POST", path, payload, headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=120)
                ok = False
            ended = time.perf_counter()
            if began >= measure_from and ended <= deadline:
                if ok:
                    latencies[slot].append(ended - began)
                else:
                    errors[slot] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [value for values in latencies for value in values], sum(errors)


def _load_run(name: str, level: int, samples, *, seconds: float) -> LoadRun:
    every = sorted(value for values, _errors in samples for value in values)
    count = len(every)
    return LoadRun(
        endpoint=name,
        concurrency=level,
        requests=count,
        errors=sum(errors for _values, errors in samples),
        seconds=seconds,
        throughput=count / seconds,
        p50_ms=_percentile(every, 0.50) * 1000,
        p99_ms=_percentile(every, 0.99) * 1000,
        mean_ms=(statistics.fmean(every) * 1000) if every else 0.0,
    )


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    position = min(len(values) - 1, max(0, round(share * len(values)) - 1))
    return values[position]


# --- role: batch ----------------------------------------------------------------------------


def _role_batch(args) -> int:
    """``--batch-runs`` turns of the raw join then the batch check; the medians are reported."""
    _django(args)
    work = args.work
    ids = json.loads((work / "ids.json").read_text())["batch"][: args.batch]
    # One untimed turn of each: every timed turn finds the same pages in memory and the same
    # warm caches of the process.
    _raw_join(ids)
    _batch_once(ids, profile=None)
    raws, batches = [], []
    for turn in range(args.batch_runs):
        raws.append(_raw_join(ids))
        profile = args.profile / "batch.prof" if args.profile and turn == 0 else None
        batches.append(_batch_once(ids, profile=profile))
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


def _batch_once(ids: list[str], *, profile: Path | None) -> dict:
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


def _raw_join(ids: list[str]) -> dict:
    """The people of ``ids`` and their active records in plain SQL: blind indexes computed here,
    ``COPY`` into a temporary table, one join, every row fetched."""
    from django.db import connection, transaction

    from chengxin.core import crypto

    started = time.perf_counter()
    indexes = [crypto.blind_index(number) for number in ids]
    hashed = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_ids (idx varchar(64)) ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_ids (idx) FROM STDIN") as copy:
            for index in indexes:
                copy.write_row((index,))
        cursor.execute(
            "SELECT s.blind_index, r.id, r.item_id, r.category, r.severity, r.decided_on, "
            "r.disputed FROM bench_ids b "
            "JOIN identity_subject s ON s.blind_index = b.idx "
            "JOIN collection_creditrecord r ON r.subject_index = s.blind_index "
            "AND r.status = 'active'"
        )
        rows = cursor.fetchall()
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "hash_seconds": hashed - started,
        "rows": len(rows),
        "people": len({row[0] for row in rows}),
    }


# --- role: profile --------------------------------------------------------------------------


def _role_profile(args) -> int:
    """300 single checks through the Django test client (middleware, auth, API, service) under
    cProfile, after 20 unprofiled ones."""
    _django(args)
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
        response = client.post(CHECK_PATH, _check_body(rng, ids), content_type="application/json")
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


# --- output ---------------------------------------------------------------------------------


def _step(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _summary(*, args, fill, load, batch) -> None:
    server = _server_version(args.pg_url)
    lines = [
        "",
        f"machine   {platform.node()}: {os.cpu_count()} CPUs, {_memory_gb():.0f} GB RAM, "
        f"Python {platform.python_version()}, {server}",
        f"data      {fill['records']:,} records ({fill['records_active']:,} active), "
        f"{fill['people']:,} people ({fill['people_serious']:,} with an active serious record, "
        f"{fill['people_red_list']:,} on the red list)",
    ]
    if load:
        lines.append(
            f"server    gunicorn, {args.workers} workers x {args.threads} threads; "
            f"{args.duration:.0f} s measured per endpoint and level, in {args.rounds} turns "
            f"(each after {args.warmup:.0f} s warm-up)"
        )
        lines.append(
            "endpoint          conc    req/s    p50 ms   p99 ms   errors   check/minimal"
            "   check/bare"
        )
        by_level: dict[int, dict[str, dict]] = {}
        for run in load:
            by_level.setdefault(run["concurrency"], {})[run["endpoint"]] = run
        ratios = []
        for level, runs in sorted(by_level.items()):
            for name, run in runs.items():
                shown = ""
                if name == "check":
                    minimal, bare = (_ratio(run, runs.get(other)) for other in (MINIMAL, BARE))
                    ratios.append(minimal)
                    shown = f"{minimal:>13.2f} {bare:>12.2f}"
                lines.append(
                    f"{name:<17} {level:>4} {run['throughput']:>8.1f} {run['p50_ms']:>9.1f} "
                    f"{run['p99_ms']:>8.1f} {run['errors']:>8}   {shown}"
                )
        if ratios:
            lines.append(
                f"single checks: lowest check/minimal throughput ratio {min(ratios):.2f}, "
                f"target >= {TARGET_SINGLE}   {_verdict(min(ratios) >= TARGET_SINGLE)}"
            )
    if batch:
        raw = batch["raw"]
        ratio = batch["ratio"]
        note = " (first turn profiled: not a benchmark figure)" if batch["profiled"] else ""
        lines += [
            f"batch     {batch['ids']:,} IDs: {batch['seconds']:.2f} s end to end (accept "
            f"{batch['create_seconds']:.2f} s, run {batch['run_seconds']:.2f} s), median of "
            f"{batch['runs']} turns{note}",
            f"raw join  {raw['seconds']:.2f} s ({raw['people']:,} people, {raw['rows']:,} active "
            f"records), median of {batch['runs']} turns",
            f"batch/raw {ratio:.2f} (median of the turns' ratios), target <= {TARGET_BATCH}   "
            f"{_verdict(ratio <= TARGET_BATCH)}",
        ]
    print("\n".join(lines))


def _ratio(run: dict, base: dict | None) -> float:
    return run["throughput"] / base["throughput"] if base and base["throughput"] else 0.0


def _server_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        version = conn.info.server_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def _memory_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


if __name__ == "__main__":
    sys.exit(main())
