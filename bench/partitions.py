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
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from benchdb import (
    bench_environment,
    database_name,
    drop_database,
    in_work_folder,
    migrate_and_seed,
    recreate_database,
)
from fill import Target, people_register, records_fill, step
from plans import batch_plans, captured, plans_of, raw_join, raw_plan
from psycopg import sql

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_RECORDS = 10_000_000
RECORDS_PER_PERSON = 5
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_parts"
DEFAULT_SEED = 20261206
RECORDS = "collection_creditrecord"
VERSIONS = "collection_recordversion"
PARTITION_KEY = "subject_index"
UNKNOWN_SHARE = 0.1
WARM_UP = 100


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
    return in_work_folder("chengxin-bench-parts-", lambda work: _bench(args, work), keep=args.keep)


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
        step(f"{database_name(plain)}: drop, create, migrate, seed")
        recreate_database(plain)
        migrate_and_seed(env, cwd=PROJECT_DIR)
        step(f"people: {people:,} through the identity service")
        started = time.perf_counter()
        _run_role("people", env, work, args)
        people_seconds = time.perf_counter() - started
        step(f"  registered in {people_seconds:.0f} s")
        changes = {}
        for (label, url), count in zip(variants[1:], counts, strict=True):
            step(f"{database_name(url)}: copy of the plain database, {count} hash partitions")
            recreate_database(url, template=plain)
            changes[label] = partition_tables(url, partitions=count)
        _print_changes(changes[variants[1][0]] if counts else [])
        step(f"fill: {args.records:,} records and versions into {len(variants)} databases")
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
            step(f"VACUUM (ANALYZE) {database_name(url)}")
            vacuum[label] = _vacuum(url)
            sizes[label] = _sizes(url)
        measured = {}
        # Every database measured in turn, ``--passes`` times; the last pass is reported: it finds
        # each one's pages where the earlier left them (the fill wrote the last one last).
        for turn, (label, url) in [
            (turn, variant) for turn in range(1, args.passes + 1) for variant in variants
        ]:
            step(f"measure {label} ({database_name(url)}), pass {turn} of {args.passes}")
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
                drop_database(url)
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


def _role_people(args) -> int:
    people_register(seed=args.seed, people=args.people, benchmark="partitions")
    return 0


# --- role: fill -----------------------------------------------------------------------------


def _role_fill(args) -> int:
    targets = [Target(name) for name in args.targets.split(",")]
    rng = random.Random(args.seed)
    sample, started = records_fill(
        targets,
        seed=args.seed,
        total_records=args.records,
        people_count=args.people,
        rng=rng,
        sample_size=args.batch,
    )
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


# --- role: measure --------------------------------------------------------------------------


def _role_measure(args) -> int:
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
    plans["single check look-up"] = plans_of(
        captured(
            lambda: subject_check_facts(subject_index=sample["known"], on=today, rules=rules),
            unique=False,
        )
    )

    # The batch check's reads of 100,000 people, and the raw join.
    wanted = sorted(set(sample["batch"]))

    def batch() -> None:
        for start in range(0, len(wanted), FACTS_CHUNK):
            people_facts(wanted[start : start + FACTS_CHUNK], on=today)

    def raw() -> None:
        raw_join(wanted)

    batch()
    raw()
    batches, raws = [], []
    for _turn in range(args.batch_runs):
        raws.append(_seconds(raw))
        batches.append(_seconds(batch))
    result[f"batch check, {len(wanted):,} people"] = _summary_of(batches)
    result[f"raw join, {len(wanted):,} people"] = _summary_of(raws)
    plans[f"batch check, {len(wanted):,} people"] = batch_plans(wanted[:FACTS_CHUNK], today=today)
    plans[f"raw join, {len(wanted):,} people"] = raw_plan(wanted)

    # The public lists: the first page and the deepest one.
    for public_list, name in ((SERIOUS, "serious list"), (RED, "positive list")):
        items = public_list.items()
        for number in (1, MAX_PAGE):

            def page(_turn: int, public_list=public_list, number=number, items=items) -> None:
                list_page(public_list, ListFilters(), number=number, today=today, items=items)

            label = f"{name}, page {number}"
            result[label] = _timed(page, samples=args.list_samples)
            plans[label] = plans_of(captured(lambda: page(0), unique=False))
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
