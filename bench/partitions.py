"""Partition benchmark: the record and version tables as migrated against the same tables
partitioned by hash of the subject's blind index, with the same data, in one run.

``python bench/partitions.py [--records N] [--partitions 16] [--pg-url URL]`` (project venv):

1. creates the database ``<name>_plain`` (dropped and re-created; the name must contain
   ``bench``), its own ``CHENGXIN_VAR_DIR`` and fresh keys; migrates and seeds with ``chengxin``;
   registers N/5 synthetic people through the identity service, 5,000 at a time;
2. copies it (``CREATE DATABASE … TEMPLATE``) to ``<name>_hash<P>`` for each partition count and
   there replaces ``collection_creditrecord`` and ``collection_recordversion`` by tables with the
   same columns, checks, indexes and outgoing foreign keys, declaratively partitioned by
   ``HASH (subject_index)`` into P partitions; PostgreSQL wants every primary key and unique
   constraint of a partitioned table to include the partition key, so ``subject_index`` is added
   to each, the version's foreign key to its record becomes ``(record_id, subject_index)``, and
   the foreign keys of other tables that point at a record by ``id`` alone cannot exist: they are
   dropped, and listed;
3. fills every database with the same N records of every active catalog item (values valid for
   their item, as ``bench/check.py`` writes them) and their first versions, through the
   platform's writer (``collection.ingest.writer.records_insert`` / ``versions_insert``), one
   chunk of 5,000 people at a time: each chunk is generated once and written to each database in
   turn (the order rotates by chunk), each write timed on its own; then ``VACUUM (ANALYZE)``;
4. measures each database in its own process: a single check's record look-up
   (``measures.selectors.subject_check_facts``, the query ``POST /checks`` runs for one person)
   over ``--samples`` people, a batch of ``--batch`` blind indexes through the batch check's
   reads (``measures.checks.bulk.people_facts``, chunk by chunk as ``batch_run`` does) and the
   raw temporary-table join of ``bench/check.py``, the two public lists' first and deepest page
   (``portal.selectors.list_page``); ``EXPLAIN (ANALYZE, BUFFERS)`` of every query on both;
5. prints the table (operation, unpartitioned, partitioned, ratio) and drops the databases
   (``--keep`` keeps them).

Figures and the decision: docs/performance.md, docs/adr/0004-partitioning-and-citus.md.
"""

from __future__ import annotations

import argparse
import json
import os
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
    database_name,
    maintenance_url,
    migrate_and_seed,
    recreate_database,
)
from psycopg import sql


def _step(message: str) -> None:
    """A progress line with the time (UTC: the roles' processes run in the platform's zone)."""
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_RECORDS = 10_000_000
RECORDS_PER_PERSON = 5
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_parts"
DEFAULT_SEED = 20261206
CHUNK_PEOPLE = 5_000
RECORDS = "collection_creditrecord"
VERSIONS = "collection_recordversion"
PARTITION_KEY = "subject_index"
UNKNOWN_SHARE = 0.1
WARM_UP = 100
# Generated rows of each item checked against the pipeline's own row validation.
SAMPLE_VALIDATED = 25


# --- the orchestrator -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.role:
        sys.path.insert(0, str(BENCH_DIR))
        import django

        django.setup()
        return {"people": _role_people, "fill": _role_fill, "measure": _role_measure}[args.role](
            args
        )
    work = Path(tempfile.mkdtemp(prefix="chengxin-bench-parts-"))
    try:
        return _bench(args, work)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS, help="credit records")
    parser.add_argument("--people", type=int, default=0, help="people (default: records / 5)")
    parser.add_argument(
        "--partitions", default="16", help="hash partition counts to compare, e.g. 8,16,32"
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="base name of the databases")
    parser.add_argument("--samples", type=int, default=3000, help="single look-ups timed")
    parser.add_argument("--batch", type=int, default=100_000, help="blind indexes in the batch")
    parser.add_argument("--batch-runs", type=int, default=3, help="timed turns of the batch")
    parser.add_argument("--list-samples", type=int, default=200, help="requests of each page")
    parser.add_argument(
        "--passes", type=int, default=2, help="measurement passes over the databases (last shown)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--keep", action="store_true", help="keep the databases and work folder")
    parser.add_argument("--role", choices=["people", "fill", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    parser.add_argument("--label", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _url_named(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _bench(args: argparse.Namespace, work: Path) -> int:
    people = args.people or max(args.records // RECORDS_PER_PERSON, 1)
    args.people = people
    base = database_name(args.pg_url)
    counts = [int(value) for value in args.partitions.split(",") if value]
    plain = _url_named(args.pg_url, f"{base}_plain")
    variants = [("unpartitioned", plain)] + [
        (f"hash {count}", _url_named(args.pg_url, f"{base}_hash{count}")) for count in counts
    ]
    env = bench_environment(work, database_url=plain)
    started_all = time.perf_counter()
    try:
        _step(f"{database_name(plain)}: drop, create, migrate, seed")
        recreate_database(plain)
        migrate_and_seed(env, cwd=PROJECT_DIR)
        _step(f"people: {people:,} through the identity service")
        started = time.perf_counter()
        _run_role("people", env, work, args)
        people_seconds = time.perf_counter() - started
        _step(f"  registered in {people_seconds:.0f} s")
        changes = {}
        for (label, url), count in zip(variants[1:], counts, strict=True):
            _step(f"{database_name(url)}: copy of the plain database, {count} hash partitions")
            _copy_database(plain, url)
            changes[label] = partition_tables(url, partitions=count)
        _print_changes(changes[variants[1][0]] if counts else [])
        _step(f"fill: {args.records:,} records and versions into {len(variants)} databases")
        _run_role(
            "fill",
            env,
            work,
            args,
            extra=["--targets", ",".join(database_name(url) for _label, url in variants)],
        )
        fill = json.loads((work / "fill.json").read_text())
        vacuum = {}
        sizes = {}
        for label, url in variants:
            _step(f"VACUUM (ANALYZE) {database_name(url)}")
            vacuum[label] = _vacuum(url)
            sizes[label] = _sizes(url)
        measured = {}
        # Every database measured in turn, ``--passes`` times; the last pass is reported: it finds
        # each one's pages where the earlier left them (the fill wrote the last one last).
        for turn, (label, url) in [
            (turn, variant) for turn in range(1, args.passes + 1) for variant in variants
        ]:
            _step(f"measure {label} ({database_name(url)}), pass {turn} of {args.passes}")
            _run_role(
                "measure",
                {**env, "DATABASE_URL": url},
                work,
                args,
                extra=["--label", label.replace(" ", "_")],
            )
            measured[label] = json.loads(
                (work / f"measure-{label.replace(' ', '_')}.json").read_text()
            )
        (work / "report.json").write_text(
            json.dumps(
                {
                    "variants": variants,
                    "fill": fill,
                    "vacuum": vacuum,
                    "sizes": sizes,
                    "measured": measured,
                    "people_seconds": people_seconds,
                }
            )
        )
        _report(
            args=args,
            variants=variants,
            fill=fill,
            vacuum=vacuum,
            sizes=sizes,
            measured=measured,
            people_seconds=people_seconds,
            seconds=time.perf_counter() - started_all,
        )
    finally:
        if not args.keep:
            for _label, url in variants:
                _drop_database(url)
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
        "--people",
        str(args.people),
        "--seed",
        str(args.seed),
        "--samples",
        str(args.samples),
        "--batch",
        str(args.batch),
        "--batch-runs",
        str(args.batch_runs),
        "--list-samples",
        str(args.list_samples),
        *(extra or []),
    ]
    subprocess.run(command, env=env, cwd=PROJECT_DIR, check=True)


def _checked_name(url: str) -> str:
    name = database_name(url)
    if "bench" not in name or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to touch {name!r}: the name must contain 'bench'")
    return name


def _copy_database(source: str, target: str) -> None:
    """``target`` as a file-level copy of ``source`` (no session may be open on it)."""
    name, template = _checked_name(target), _checked_name(source)
    with psycopg.connect(maintenance_url(target), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )


def _drop_database(url: str) -> None:
    name = _checked_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _vacuum(url: str) -> float:
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in (RECORDS, VERSIONS, "identity_subject"):
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
    return time.perf_counter() - started


def _sizes(url: str) -> dict[str, int]:
    """Bytes of each hot table with its indexes (a partitioned table: the sum of its
    partitions)."""
    query = (
        "SELECT CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_total_relation_size(t.relid)) "
        "FROM pg_partition_tree(c.oid) t WHERE t.isleaf) ELSE pg_total_relation_size(c.oid) END "
        "FROM pg_class c WHERE c.oid = %s::regclass"
    )
    with psycopg.connect(url) as conn:
        return {
            table: int(conn.execute(query, [table]).fetchone()[0]) for table in (RECORDS, VERSIONS)
        }


# --- the partitioned tables -----------------------------------------------------------------


def partition_tables(url: str, *, partitions: int) -> list[str]:
    """Replace the (empty) record and version tables of ``url`` by tables partitioned by
    ``HASH (subject_index)``; what had to change, one line each."""
    changes: list[str] = []
    with psycopg.connect(url) as conn:
        meta = {table: _table_meta(conn, table) for table in (RECORDS, VERSIONS)}
        for table in (RECORDS, VERSIONS):
            if conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]:  # fmt: skip
                raise SystemExit(f"{table} is not empty: the tables are replaced before the fill")
            conn.execute(
                sql.SQL(
                    "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                    "INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS) "
                    "PARTITION BY HASH ({})"
                ).format(
                    sql.Identifier(f"{table}__new"),
                    sql.Identifier(table),
                    sql.Identifier(PARTITION_KEY),
                )
            )
        for table in (VERSIONS, RECORDS):
            for name, source, definition in meta[table]["incoming"]:
                if source not in (RECORDS, VERSIONS):
                    changes.append(
                        f"dropped   {source}.{name}: {definition} (references the record by id "
                        f"alone; {source} has no {PARTITION_KEY})"
                    )
            conn.execute(sql.SQL("DROP TABLE {} CASCADE").format(sql.Identifier(table)))
        for table in (RECORDS, VERSIONS):
            conn.execute(
                sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                    sql.Identifier(f"{table}__new"), sql.Identifier(table)
                )
            )
            for remainder in range(partitions):
                conn.execute(
                    sql.SQL(
                        "CREATE TABLE {} PARTITION OF {} FOR VALUES WITH (MODULUS {}, REMAINDER {})"
                    ).format(
                        sql.Identifier(f"{table}_p{remainder:02d}"),
                        sql.Identifier(table),
                        sql.Literal(partitions),
                        sql.Literal(remainder),
                    )
                )
            for name, kind, columns in meta[table]["keys"]:
                keyed = columns if PARTITION_KEY in columns else [*columns, PARTITION_KEY]
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} ({})").format(
                        sql.Identifier(table),
                        sql.Identifier(name),
                        sql.SQL("PRIMARY KEY" if kind == "p" else "UNIQUE"),
                        sql.SQL(", ").join(sql.Identifier(column) for column in keyed),
                    )
                )
                if keyed != columns:
                    changes.append(
                        f"widened   {table}.{name}: {'PRIMARY KEY' if kind == 'p' else 'UNIQUE'} "
                        f"({', '.join(columns)}) -> ({', '.join(keyed)})"
                    )
            for name, definition in meta[table]["indexes"]:
                if " UNIQUE " in definition and PARTITION_KEY not in definition:
                    raise SystemExit(f"unique index {name} without the partition key: not handled")
                conn.execute(definition)
            for name, definition in meta[table]["outgoing"]:
                if f"REFERENCES {RECORDS}(id)" in definition and table == VERSIONS:
                    composite = definition.replace(
                        "FOREIGN KEY (record_id)", f"FOREIGN KEY (record_id, {PARTITION_KEY})"
                    ).replace(
                        f"REFERENCES {RECORDS}(id)", f"REFERENCES {RECORDS}(id, {PARTITION_KEY})"
                    )
                    changes.append(f"widened   {table}.{name}: {definition} -> {composite}")
                    definition = composite
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
                    )
                )
        conn.commit()
    return changes


def _table_meta(conn, table: str) -> dict:
    """Keys, other indexes, outgoing and incoming foreign keys of ``table``."""
    keys = [
        (name, kind, list(columns))
        for name, kind, columns in conn.execute(
            "SELECT c.conname, c.contype, array_agg(a.attname ORDER BY k.position) "
            "FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY "
            "AS k(attnum, position) JOIN pg_attribute a ON a.attrelid = c.conrelid "
            "AND a.attnum = k.attnum WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u') "
            "GROUP BY c.conname, c.contype ORDER BY c.contype, c.conname",
            [table],
        ).fetchall()
    ]
    indexes = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
        "::regclass) ORDER BY i.indexname",
        [table],
    ).fetchall()
    outgoing = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid = %s::regclass ORDER BY conname",
        [table],
    ).fetchall()
    incoming = conn.execute(
        "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = %s::regclass ORDER BY conrelid::regclass::text, "
        "conname",
        [table],
    ).fetchall()
    return {"keys": keys, "indexes": indexes, "outgoing": outgoing, "incoming": incoming}


def _print_changes(changes: list[str]) -> None:
    print(
        "  what the partitioned tables had to change (PostgreSQL: keys include the partition key)"
    )
    for line in changes:
        print(f"    {line}")


# --- role: people ---------------------------------------------------------------------------


def _chunk_people(args, number: int, size: int, *, today):
    """The people of chunk ``number``: reproducible, so the fill finds the same ones."""
    from chengxin.identity.synthetic import demo_people

    return demo_people(count=size, seed=args.seed * 100_000 + number, as_of=today)


def _chunks(people: int):
    for number, start in enumerate(range(0, people, CHUNK_PEOPLE)):
        yield number, min(CHUNK_PEOPLE, people - start)


def _role_people(args) -> int:
    from django.utils import timezone

    from chengxin.identity.services import subjects_get_or_create_many

    today = timezone.localdate()
    for number, size in _chunks(args.people):
        people = _chunk_people(args, number, size, today=today)
        subjects_get_or_create_many(
            people=[(person.id_number, person.name) for person in people],
            actor=None,
            detail={"benchmark": "partitions"},
        )
        if number % 40 == 0:
            _step(f"  people: {number * CHUNK_PEOPLE + size:,}")
    return 0


# --- role: fill -----------------------------------------------------------------------------


class _Target:
    """One database of the fill: its connection settings, its submissions and its timings."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.contexts: dict[tuple[str, str], object] = {}
        self.seconds = 0.0
        self.rows = 0


def _use(name: str) -> None:
    """Point the default connection at database ``name`` (same server, same user)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def _role_fill(args) -> int:
    import hashlib
    import heapq

    from check import _item_weights, _validated_like_pipeline
    from django.db import transaction
    from django.utils import timezone

    from chengxin.catalog.models import CatalogItem
    from chengxin.collection.choices import RecordStatus
    from chengxin.collection.ingest.rows import _CONVERTERS as converters
    from chengxin.collection.ingest.writer import (
        NewRecord,
        VersionRow,
        records_insert,
        versions_insert,
    )
    from chengxin.collection.lifecycle import policy_periods, record_dates
    from chengxin.collection.management.commands.demo_data import _document_prefix
    from chengxin.collection.synthetic import synthetic_rows
    from chengxin.core import crypto
    from chengxin.core.bulk import any_of
    from chengxin.core.json import canonical, dumps
    from chengxin.identity.models import Subject

    targets = [_Target(name) for name in args.targets.split(",")]
    rng = random.Random(args.seed)
    today = timezone.localdate()
    now = timezone.now()
    periods = policy_periods()
    items = [
        item
        for item in CatalogItem.objects.filter(is_active=True)
        .prefetch_related("departments")
        .order_by("code")
        if any(department.is_active for department in item.departments.all())
    ]
    weights = _item_weights(items)
    departments = {
        item.code: sorted((d for d in item.departments.all() if d.is_active), key=lambda d: d.code)
        for item in items
    }
    schemas = {}
    for target in targets:
        _use(target.name)
        target.contexts = _contexts(items, departments, now=now, schemas=schemas)
    name_indexes: dict[str, str] = {}
    # A uniform sample of the people's blind indexes for the measurements (bounded: a heap of
    # the largest random keys).
    sample: list[tuple[float, str]] = []
    wanted = args.batch
    records_left = args.records
    people_left = args.people
    validated: dict[str, int] = {}
    started = time.perf_counter()
    for number, size in _chunks(args.people):
        people = _chunk_people(args, number, size, today=today)
        count = round(records_left * size / people_left)
        records_left -= count
        people_left -= size
        indexes = {person.id_number: crypto.blind_index(person.id_number) for person in people}
        subject_ids = dict(
            Subject.objects.filter(any_of("blind_index", list(indexes.values()))).values_list(
                "blind_index", "pk"
            )
        )
        for index in indexes.values():
            key = rng.random()
            if len(sample) < wanted:
                heapq.heappush(sample, (key, index))
            elif key > sample[0][0]:
                heapq.heapreplace(sample, (key, index))
        owners = (list(people) + rng.choices(people, k=max(count - len(people), 0)))[:count]
        rng.shuffle(owners)
        chosen = rng.choices(items, weights=weights, k=len(owners))
        groups: dict[tuple[str, str], list] = {}
        by_code = {item.code: item for item in items}
        for person, item in zip(owners, chosen, strict=True):
            department = rng.choice(departments[item.code])
            groups.setdefault((item.code, department.code), []).append(person)
        prepared = []
        for key in sorted(groups):
            item = by_code[key[0]]
            department = next(d for d in departments[item.code] if d.code == key[1])
            schema = schemas[item.code]
            types = {field["name"]: field.get("type", "string") for field in schema["fields"]}
            records, versions = [], []
            for values in synthetic_rows(
                item_schema=schema,
                people=groups[key],
                rng=rng,
                today=today,
                source_prefix=f"bench-{department.code}-{number}-",
                authority=department.name,
                document_prefix=_document_prefix(department, item),
            ):
                if validated.get(item.code, 0) < SAMPLE_VALIDATED:
                    _validated_like_pipeline(values, schema=schema, today=today)
                    validated[item.code] = validated.get(item.code, 0) + 1
                index = indexes[values["id_number"]]
                name = values.get("name") or ""
                stored_text = dumps(
                    {
                        field: converters[types[field]](value)
                        for field, value in values.items()
                        if field not in ("id_number", "name")
                    }
                )
                name_index = name_indexes.get(name)
                if name_index is None and name:
                    name_index = crypto.blind_index(name, purpose="collection.record.name")
                    name_indexes[name] = name_index
                content = {
                    "values": json.loads(stored_text),
                    "subject": index,
                    "name": name_index or "",
                }
                decided_on = _date(values["decided_on"])
                dates = record_dates(item=item, decided_on=decided_on, periods=periods)
                end = dates.disclosure_ends_on or dates.valid_until
                status = (
                    RecordStatus.EXPIRED.value
                    if end is not None and end <= today
                    else RecordStatus.ACTIVE.value
                )
                records.append(
                    NewRecord(
                        source_id=values["source_id"],
                        subject_id=subject_ids[index],
                        subject_index=index,
                        decided_on=decided_on,
                        dates=dates,
                        status=status,
                    )
                )
                versions.append(
                    (
                        index,
                        stored_text,
                        status,
                        hashlib.sha256(canonical(content)).hexdigest(),
                        decided_on,
                        end,
                    )
                )
            prepared.append((key, records, versions))
        # Each database in turn, the order rotating by chunk, so that the machine's other load
        # touches them alike.
        shift = number % len(targets)
        for target in targets[shift:] + targets[:shift]:
            _use(target.name)
            began = time.perf_counter()
            with transaction.atomic():
                for key, records, versions in prepared:
                    context = target.contexts[key]
                    ids = records_insert(context, records)
                    versions_insert(
                        context,
                        [
                            VersionRow(
                                record_id=record_id,
                                subject_index=index,
                                number=1,
                                values_text=text,
                                status=status,
                                content_hash=content_hash,
                                valid_from=valid_from,
                                valid_to=valid_to,
                            )
                            for record_id, (
                                index,
                                text,
                                status,
                                content_hash,
                                valid_from,
                                valid_to,
                            ) in zip(ids, versions, strict=True)
                        ],
                    )
            target.seconds += time.perf_counter() - began
            target.rows += count
        if number % 40 == 0:
            elapsed = time.perf_counter() - started
            rates = ", ".join(
                f"{target.name} {target.rows / target.seconds:,.0f} rows/s" for target in targets
            )
            _step(f"  records: {args.records - records_left:,} in {elapsed:.0f} s ({rates})")
    known = [index for _key, index in sample]
    rng.shuffle(known)
    unknown_count = int(len(known) * UNKNOWN_SHARE)
    # A person the platform does not know: a blind index no subject has.
    batch = known[: len(known) - unknown_count] + [
        os.urandom(32).hex() for _ in range(unknown_count)
    ]
    rng.shuffle(batch)
    (args.work / "sample.json").write_text(
        json.dumps({"single": batch[: args.samples], "batch": batch, "known": known[0]})
    )
    (args.work / "fill.json").write_text(
        json.dumps(
            {target.name: {"seconds": target.seconds, "rows": target.rows} for target in targets}
            | {"wall_seconds": time.perf_counter() - started}
        )
    )
    return 0


def _date(text: str):
    import datetime

    return datetime.date.fromisoformat(text)


def _contexts(items, departments, *, now, schemas) -> dict:
    """One submission per item and department in the current database, and the writer's
    context of each."""
    from chengxin.accounts.services import service_account_get_or_create
    from chengxin.catalog.selectors import (
        catalog_item_current_version,
        catalog_version_table_schema,
    )
    from chengxin.collection.choices import Operation, SubmissionChannel, SubmissionStatus
    from chengxin.collection.ingest.writer import WriteContext
    from chengxin.collection.models import Submission

    contexts = {}
    for item in items:
        version = catalog_item_current_version(item)
        schemas.setdefault(item.code, catalog_version_table_schema(version))
        for department in departments[item.code]:
            provider = service_account_get_or_create(
                department=department, kind="bench-provider", display_name="基准测试报送接口"
            )
            submission = Submission.objects.create(
                department=department,
                item=item,
                channel=SubmissionChannel.FILE,
                operation=Operation.UPSERT,
                status=SubmissionStatus.COMPLETED,
                file_name=f"bench-{item.code}.csv",
                created_by=provider,
                finished_at=now,
            )
            contexts[(item.code, department.code)] = WriteContext(
                department_id=department.pk,
                item_id=item.pk,
                category=item.category,
                severity=item.severity,
                catalog_version_id=version.pk,
                submission_id=submission.pk,
                actor_id=provider.pk,
                now=now,
            )
    return contexts


# --- role: measure --------------------------------------------------------------------------


def _role_measure(args) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from chengxin.measures.checks.batch import FACTS_CHUNK
    from chengxin.measures.checks.bulk import people_facts
    from chengxin.measures.selectors import subject_check_facts
    from chengxin.measures.snapshot import rules_snapshot
    from chengxin.portal.selectors import MAX_PAGE, RED, SERIOUS, ListFilters, list_page

    sample = json.loads((args.work / "sample.json").read_text())
    today = timezone.localdate()
    rules = rules_snapshot()
    result: dict[str, dict] = {}
    plans: dict[str, list[str]] = {}

    # A single check's look-up of one person's records.
    singles = sample["single"]

    def single(turn: int) -> None:
        subject_check_facts(subject_index=singles[turn % len(singles)], on=today, rules=rules)

    result["single check look-up"] = _timed(single, samples=len(singles))
    plans["single check look-up"] = _plans(
        _captured(
            CaptureQueriesContext,
            connection,
            lambda: subject_check_facts(subject_index=sample["known"], on=today, rules=rules),
        )
    )

    # The batch check's reads of 100,000 people, and the raw join.
    wanted = sorted(set(sample["batch"]))

    def batch() -> None:
        for start in range(0, len(wanted), FACTS_CHUNK):
            people_facts(wanted[start : start + FACTS_CHUNK], on=today)

    def raw() -> None:
        _raw_join(connection, wanted)

    batch()
    raw()
    batches, raws = [], []
    for _turn in range(args.batch_runs):
        raws.append(_seconds(raw))
        batches.append(_seconds(batch))
    result[f"batch check, {len(wanted):,} people"] = _summary_of(batches)
    result[f"raw join, {len(wanted):,} people"] = _summary_of(raws)
    plans[f"batch check, {len(wanted):,} people"] = _batch_plans(
        CaptureQueriesContext, connection, wanted[:FACTS_CHUNK], today=today
    )
    plans[f"raw join, {len(wanted):,} people"] = _raw_plan(connection, wanted)

    # The public lists: the first page and the deepest one.
    for public_list, name in ((SERIOUS, "serious list"), (RED, "positive list")):
        items = public_list.items()
        for number in (1, MAX_PAGE):

            def page(_turn: int, public_list=public_list, number=number, items=items) -> None:
                list_page(public_list, ListFilters(), number=number, today=today, items=items)

            label = f"{name}, page {number}"
            result[label] = _timed(page, samples=args.list_samples)
            plans[label] = _plans(_captured(CaptureQueriesContext, connection, lambda: page(0)))
    print(
        "  p50 ms: "
        + ", ".join(f"{name} {figures['p50'] * 1000:.1f}" for name, figures in result.items()),
        flush=True,
    )
    (args.work / f"measure-{args.label}.json").write_text(
        json.dumps({"result": result, "plans": plans})
    )
    return 0


def _timed(action, *, samples: int) -> dict:
    for turn in range(min(WARM_UP, samples)):
        action(turn)
    values = []
    for turn in range(samples):
        began = time.perf_counter()
        action(turn)
        values.append(time.perf_counter() - began)
    return _summary_of(values)


def _seconds(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def _summary_of(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))],
    }


def _captured(capture, connection, action) -> list[str]:
    with capture(connection) as queries:
        action()
    return [query["sql"] for query in queries.captured_queries if RECORDS in query["sql"]]


def _explain(cursor, query: str) -> str:
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
    return "\n".join(row[0] for row in cursor.fetchall())


def _plans(queries: list[str]) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return [_explain(cursor, query) for query in queries]


def _batch_plans(capture, connection, wanted: list[str], *, today) -> list[str]:
    """The plans of the batch's two record queries, over the temporary table of one chunk."""
    from django.db import transaction

    from chengxin.measures.checks import bulk

    queries = _captured(capture, connection, lambda: bulk.people_facts(wanted, on=today))
    with transaction.atomic(), connection.cursor() as cursor:
        bulk._wanted_table_fill(cursor, sorted(set(wanted)))
        plans = [_explain(cursor, query) for query in queries]
        cursor.execute(f"DROP TABLE {bulk._WANTED}")
    return plans


RAW_JOIN = (
    "SELECT s.blind_index, r.id, r.item_id, r.category, r.severity, r.decided_on, r.disputed "
    "FROM bench_ids b JOIN identity_subject s ON s.blind_index = b.idx "
    "JOIN collection_creditrecord r ON r.subject_index = s.blind_index AND r.status = 'active'"
)


def _raw_ids(cursor, indexes: list[str]) -> None:
    cursor.execute("CREATE TEMPORARY TABLE bench_ids (idx varchar(64)) ON COMMIT DROP")
    with cursor.cursor.copy("COPY bench_ids (idx) FROM STDIN") as copy:
        for index in indexes:
            copy.write_row((index,))


def _raw_join(connection, indexes: list[str]) -> int:
    """``bench/check.py``'s raw join: ``COPY`` of the blind indexes into a temporary table,
    joined to the subjects and their active records, every row fetched."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        _raw_ids(cursor, indexes)
        cursor.execute(RAW_JOIN)
        return len(cursor.fetchall())


def _raw_plan(connection, indexes: list[str]) -> list[str]:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        _raw_ids(cursor, indexes)
        return [_explain(cursor, RAW_JOIN)]


# --- output ---------------------------------------------------------------------------------


def _report(*, args, variants, fill, vacuum, sizes, measured, people_seconds, seconds) -> None:
    labels = [label for label, _url in variants]
    base = labels[0]
    print()
    for label, url in variants:
        for operation, plans in measured[label]["plans"].items():
            for plan in plans:
                print(f"--- EXPLAIN {operation} on {label} ({database_name(url)})")
                print(plan)
    print()
    with psycopg.connect(variants[0][1]) as conn:
        version = conn.info.server_version
        subjects = conn.execute("SELECT count(*) FROM identity_subject").fetchone()[0]
    print(
        f"machine   {os.cpu_count()} CPUs, PostgreSQL {version // 10000}.{version % 10000}; "
        f"{args.records:,} records and versions over {subjects:,} people (registered in "
        f"{people_seconds:.0f} s); run {seconds / 60:.0f} min"
    )
    header = f"{'operation':<34}" + "".join(f"{label:>16}" for label in labels)
    header += "".join(f"{label + ' / plain':>20}" for label in labels[1:])
    print(header)

    def row(name: str, values: list[float], unit: str) -> None:
        line = f"{name:<34}" + "".join(
            f"{value:>13,.{_digits(value)}f} {unit:<2}" for value in values
        )
        for value in values[1:]:
            ratio = value / values[0] if values[0] else 0.0
            line += f"{ratio:>20.2f}"
        print(line)

    names = {label: database_name(url) for label, url in variants}
    row(
        "ingest (writer fill), rows/s",
        [fill[names[label]]["rows"] / fill[names[label]]["seconds"] for label in labels],
        "",
    )
    row("ingest (writer fill), s", [fill[names[label]]["seconds"] for label in labels], "s")
    row("VACUUM (ANALYZE) after the fill, s", [vacuum[label] for label in labels], "s")
    for table in (RECORDS, VERSIONS):
        row(
            f"size of {table.split('_')[1]}, MB",
            [sizes[label][table] / 2**20 for label in labels],
            "",
        )
    for operation in measured[base]["result"]:
        for figure in ("p50", "p95"):
            values = [measured[label]["result"][operation][figure] * 1000 for label in labels]
            row(f"{operation} {figure}", values, "ms")
    print(
        f"(ratios: partitioned / unpartitioned; for rows/s above 1 is faster, for times below 1 "
        f"is faster; single look-ups: {args.samples:,} after {WARM_UP} untimed, list pages: "
        f"{args.list_samples} each, batch: median of {args.batch_runs} turns)"
    )


def _digits(value: float) -> int:
    return 1 if abs(value) < 1000 else 0


if __name__ == "__main__":
    sys.exit(main())
