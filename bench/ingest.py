"""Ingest benchmark: the file import pipeline against a raw ``COPY`` of the same rows.

``python bench/ingest.py [--rows N] [--skip-sqlite] [--pg-url URL]`` (with the project's venv):

1. creates its own databases: a fresh PostgreSQL database (dropped and re-created) and a
   temporary SQLite file, each migrated and seeded by the ``chengxin`` command in a subprocess,
   with its own ``CHENGXIN_VAR_DIR`` (a temporary directory: its own keys);
2. writes N synthetic rows of a negative catalog item (default ``major-tax-violation`` of the
   tax department) as a UTF-8 CSV, about two rows per person (N/2 people), so subjects repeat
   as they do in real files; the time to write it is reported apart;
3. imports the CSV with ``chengxin import`` in a subprocess on PostgreSQL: wall time of the
   process (start-up included) and its peak resident memory (``wait4`` rusage of that process);
4. loads the same CSV with ``COPY`` into a bare table with the indexes a record needs (unique
   provider, item and source_id; the ID number), in one transaction, timed from the first byte
   to the commit;
4b. measures the database's share: the subjects, records, versions and outbox events the import
   wrote, inserted
   again with ``INSERT … SELECT`` into copies of their tables (same indexes and foreign keys) in
   one transaction; the rate the pipeline could reach if reading, validating and sending the
   rows cost nothing;
5. imports the CSV on SQLite the same way (unless ``--skip-sqlite``);
6. prints rows per second for each, the pipeline / database share ratio and peak memory against
   the targets (ratio >= 0.5, goal 0.7; peak <= 200 MB at 1,000,000 rows), and the pipeline/COPY
   and share/COPY ratios.

Exit status 0 when the runs completed (whatever the figures), 1 when an import failed or did not
accept every row.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from benchdb import (
    chengxin_command,
    database_name,
    in_work_folder,
    memory_gb,
    migrate_and_seed,
    recreate_database,
)
from psycopg import sql

PROJECT_DIR = Path(__file__).resolve().parents[1]
SETTINGS = "chengxin.config.settings.development"
DEFAULT_ROWS = 1_000_000
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_ingest"
DEFAULT_ITEM = "major-tax-violation"
DEFAULT_DEPARTMENT = "tax"
DEFAULT_SEED = 20260301
ROWS_PER_PERSON = 2
COPY_TABLE = "bench_copy_record"
COPY_BLOCK = 1 << 20
TARGET_SHARE_RATIO = 0.5  # pipeline / database share, the floor
GOAL_SHARE_RATIO = 0.7
TARGET_PEAK_MB = 200
TARGET_ROWS = 1_000_000


@dataclass
class ImportRun:
    """One ``chengxin import`` process: its wall time, peak memory, the processor time of it and
    its helper (user and system; ``wait4`` counts a child's waited-for children), and summary."""

    backend: str
    seconds: float
    peak_mb: float
    returncode: int
    accepted: int | None
    rejected: int | None
    output: str
    cpu_seconds: float = 0.0

    def rate(self, rows: int) -> float:
        return rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class CopyRun:
    seconds: float
    rows: int
    server: str

    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    return in_work_folder("chengxin-bench-", lambda work: _bench(args, work), keep=args.keep)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows in the file")
    parser.add_argument(
        "--persons", type=int, default=0, help="distinct people (default: rows / 2)"
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL database to create")
    parser.add_argument("--skip-sqlite", action="store_true", help="no SQLite run")
    parser.add_argument("--item", default=DEFAULT_ITEM, help="catalog item code")
    parser.add_argument("--department", default=DEFAULT_DEPARTMENT, help="department code")
    parser.add_argument("--chunk-rows", type=int, default=0, help="import chunk size")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--keep", action="store_true", help="keep the CSV and temporary files")
    parser.add_argument(
        "--ref",
        help="benchmark this git revision (exported to a temporary directory) instead of the "
        "working tree, e.g. HEAD while others have uncommitted edits",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="run the PostgreSQL import under cProfile, write the profile here (slower: its "
        "figures are not the benchmark's)",
    )
    return parser.parse_args(argv)


def _bench(args: argparse.Namespace, work: Path) -> int:
    rows = args.rows
    persons = args.persons or max(rows // ROWS_PER_PERSON, 1)
    var_dir = work / "var"
    sqlite_path = work / "bench.sqlite3"
    csv_path = work / f"{args.item}-{rows}.csv"
    code_dir = _export(args.ref, work / "src") if args.ref else PROJECT_DIR
    pg_env = _environment(var_dir, code_dir=code_dir, database_url=args.pg_url)
    sqlite_env = _environment(var_dir, code_dir=code_dir, sqlite_path=sqlite_path)

    _step(f"PostgreSQL database {database_name(args.pg_url)}: drop, create, migrate, seed")
    recreate_database(args.pg_url)
    _prepare(pg_env)

    _step(f"CSV: {rows:,} rows of {args.item} ({args.department}), {persons:,} people")
    started = time.perf_counter()
    columns = _write_csv(
        csv_path,
        env=pg_env,
        rows=rows,
        persons=persons,
        item=args.item,
        department=args.department,
        seed=args.seed,
    )
    csv_seconds = time.perf_counter() - started
    csv_mb = csv_path.stat().st_size / 1e6
    print(f"  written in {csv_seconds:.1f} s, {csv_mb:.0f} MB")

    _step("pipeline on PostgreSQL: chengxin import")
    pg_run = _import(csv_path, env=pg_env, backend="postgresql", args=args)
    _report_import(pg_run, rows)

    _step(f"baseline: COPY into {COPY_TABLE} with the same indexes")
    copy_run = _copy(
        args.pg_url, csv_path, columns=columns, item=args.item, department=args.department
    )
    print(f"  {copy_run.seconds:.1f} s, {copy_run.rate():,.0f} rows/s")

    _step("database share: the imported rows copied again inside PostgreSQL")
    share = _database_share(args.pg_url)
    for table, seconds in share.tables.items():
        print(f"  {table:<26} {seconds:6.2f} s")
    print(f"  {'commit (foreign keys)':<26} {share.commit:6.2f} s")
    floor_seconds = share.seconds
    print(f"  {floor_seconds:.1f} s, {rows / floor_seconds:,.0f} rows/s")

    sqlite_run = None
    if not args.skip_sqlite:
        _step("pipeline on SQLite: migrate, seed, chengxin import")
        _prepare(sqlite_env)
        sqlite_run = _import(csv_path, env=sqlite_env, backend="sqlite", args=args)
        _report_import(sqlite_run, rows)

    _summary(
        rows=rows,
        persons=persons,
        csv_seconds=csv_seconds,
        csv_mb=csv_mb,
        pg_run=pg_run,
        copy_run=copy_run,
        floor_seconds=floor_seconds,
        sqlite_run=sqlite_run,
    )
    runs = [run for run in (pg_run, sqlite_run) if run is not None]
    failed = [run for run in runs if run.returncode != 0 or run.accepted != rows]
    for run in failed:
        print(f"\n{run.backend}: import failed or incomplete (exit {run.returncode})")
        print(run.output[-4000:])
    return 1 if failed else 0


# --- databases ------------------------------------------------------------------------------


def _export(ref: str, target: Path) -> Path:
    """The files of git revision ``ref`` in ``target`` (nothing in the repository changes)."""
    revision = subprocess.run(
        ["git", "-C", str(PROJECT_DIR), "rev-parse", "--short", ref],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    _step(f"code: git revision {revision} ({ref}) exported to {target}")
    target.mkdir(parents=True)
    archive = subprocess.Popen(
        ["git", "-C", str(PROJECT_DIR), "archive", "--format=tar", revision],
        stdout=subprocess.PIPE,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise SystemExit(f"git archive {ref} failed")
    return target


def _environment(
    var_dir: Path,
    *,
    code_dir: Path,
    database_url: str | None = None,
    sqlite_path: Path | None = None,
) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(code_dir), env.get("PYTHONPATH", "")) if part
    )
    env["CHENGXIN_BENCH_CODE_DIR"] = str(code_dir)
    for name in ("DATABASE_URL", "CHENGXIN_SQLITE_PATH", "CHENGXIN_SECRET_KEY"):
        env.pop(name, None)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    env["CHENGXIN_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    if database_url:
        env["DATABASE_URL"] = database_url
    if sqlite_path:
        env["CHENGXIN_SQLITE_PATH"] = str(sqlite_path)
    return env


def _prepare(env: dict[str, str]) -> None:
    migrate_and_seed(env, cwd=env["CHENGXIN_BENCH_CODE_DIR"])


# --- the file -------------------------------------------------------------------------------

_WRITER = """
import csv, random, sys
import django
django.setup()
from django.utils import timezone
from chengxin.accounts.models import Department
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection.management.commands.demo_data import _document_prefix
from chengxin.collection.synthetic import synthetic_rows
from chengxin.identity.synthetic import demo_people

path, rows, persons, item_code, department_code, seed = sys.argv[1:7]
rows, persons, seed = int(rows), int(persons), int(seed)
item = CatalogItem.objects.get(code=item_code)
department = Department.objects.get(code=department_code)
schema = catalog_version_table_schema(catalog_item_current_version(item))
columns = [field["name"] for field in schema["fields"]]
today = timezone.localdate()
people = demo_people(count=persons, seed=seed, as_of=today)
rng = random.Random(seed)
# About ROWS_PER_PERSON rows per person, in no particular order: the same person recurs across
# the file (and across chunks), as in a real department's export.
owners = rng.choices(people, k=rows)
generated = synthetic_rows(
    item_schema=schema,
    people=owners,
    rng=rng,
    today=today,
    source_prefix=f"bench-{seed}-",
    authority=department.name,
    document_prefix=_document_prefix(department, item),
)
with open(path, "w", encoding="utf-8", newline="") as handle:
    writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="raise")
    writer.writeheader()
    writer.writerows(generated)
print(",".join(columns))
"""


def _write_csv(
    path: Path,
    *,
    env: dict[str, str],
    rows: int,
    persons: int,
    item: str,
    department: str,
    seed: int,
) -> list[str]:
    """Write the CSV (in a subprocess with Django set up on the bench database); its columns."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WRITER,
            str(path),
            str(rows),
            str(persons),
            item,
            department,
            str(seed),
        ],
        env=env,
        cwd=env["CHENGXIN_BENCH_CODE_DIR"],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1].split(",")


# --- the pipeline ---------------------------------------------------------------------------


def _import(path: Path, *, env: dict[str, str], backend: str, args) -> ImportRun:
    """Run ``chengxin import`` and measure that one process: wall time and peak RSS."""
    command = [chengxin_command()]
    if args.profile is not None and backend == "postgresql":
        command = [sys.executable, "-m", "cProfile", "-o", str(args.profile), chengxin_command()]
    command += [
        "import",
        str(path),
        "--item",
        args.item,
        "--department",
        args.department,
        "--no-progress",
    ]
    if args.chunk_rows:
        command += ["--chunk-rows", str(args.chunk_rows)]
    log = path.with_suffix(f".{backend}.log")
    with log.open("w+", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            env=env,
            cwd=env["CHENGXIN_BENCH_CODE_DIR"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read()
    return ImportRun(
        backend=backend,
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        returncode=process.returncode,
        accepted=_count(text, "accepted"),
        rejected=_count(text, "rejected"),
        output=text,
    )


def _count(output: str, label: str) -> int | None:
    found = re.search(rf"\b{label}\s+(\d+)", output)
    return int(found.group(1)) if found else None


def _report_import(run: ImportRun, rows: int) -> None:
    print(
        f"  exit {run.returncode}, accepted {run.accepted}, rejected {run.rejected}, "
        f"{run.seconds:.1f} s, {run.rate(rows):,.0f} rows/s, peak {run.peak_mb:.0f} MB, "
        f"processor {run.cpu_seconds:.1f} s"
    )


# --- the baseline ---------------------------------------------------------------------------

# Typed like the pipeline stores them (a date, amounts); the rest is text.
_COLUMN_TYPES = {"decided_on": "date"}


def _copy(url: str, path: Path, *, columns: list[str], item: str, department: str) -> CopyRun:
    """COPY the CSV into a bare table with a primary key, the record's identity (provider, item,
    source_id) unique and an index on the ID number, in one transaction."""
    definitions = [
        sql.SQL("id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
        sql.SQL("department text NOT NULL DEFAULT {}").format(sql.Literal(department)),
        sql.SQL("item text NOT NULL DEFAULT {}").format(sql.Literal(item)),
        *(
            sql.SQL("{} {}").format(
                sql.Identifier(column), sql.SQL(_COLUMN_TYPES.get(column, "text"))
            )
            for column in columns
        ),
    ]
    table = sql.Identifier(COPY_TABLE)
    rows = 0
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(definitions)))
        conn.execute(
            sql.SQL("CREATE UNIQUE INDEX ON {} (department, item, source_id)").format(table)
        )
        conn.execute(sql.SQL("CREATE INDEX ON {} (id_number)").format(table))
        conn.commit()
        started = time.perf_counter()
        statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER true)").format(
            table, sql.SQL(", ").join(sql.Identifier(column) for column in columns)
        )
        with conn.cursor() as cursor:
            with cursor.copy(statement) as copy, path.open("rb") as source:
                while block := source.read(COPY_BLOCK):
                    copy.write(block)
            rows = cursor.rowcount
        conn.commit()
        seconds = time.perf_counter() - started
        version = conn.info.server_version
    server = f"PostgreSQL {version // 10000}.{version % 10000}"
    return CopyRun(seconds=seconds, rows=rows, server=server)


# --- the database's share ------------------------------------------------------------------

# The tables an import writes, with the copy each is written into; foreign keys between them
# point at the copies, the others at the platform's tables.
_SHARE_TABLES = {
    "identity_subject": "bench_share_subject",
    "collection_creditrecord": "bench_share_record",
    "collection_recordversion": "bench_share_version",
    "exchange_outboxevent": "bench_share_outbox",
}


@dataclass
class ShareRun:
    """The database's share: seconds per table's ``INSERT … SELECT`` and for the commit (where
    the deferred foreign keys are checked)."""

    tables: dict[str, float]
    commit: float

    @property
    def seconds(self) -> float:
        return sum(self.tables.values()) + self.commit


def _database_share(url: str) -> ShareRun:
    """Seconds PostgreSQL alone needs to write the imported rows again: the subjects, records,
    versions and outbox events the pipeline wrote, inserted with ``INSERT … SELECT`` into copies
    of their tables with the same indexes and foreign keys, in one transaction (no client, no
    parsing, no validation). The rate the pipeline could reach if everything but the database
    were free."""
    with psycopg.connect(url) as conn:
        for copy in _SHARE_TABLES.values():
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(copy)))
        for source, copy in _SHARE_TABLES.items():
            conn.execute(
                sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                    sql.Identifier(copy), sql.Identifier(source)
                )
            )
        for source, copy in _SHARE_TABLES.items():
            for definition in _foreign_keys(conn, source):
                for original, replacement in _SHARE_TABLES.items():
                    definition = re.sub(rf"\b{original}\b", replacement, definition)
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD {}").format(
                        sql.Identifier(copy), sql.SQL(definition)
                    )
                )
        conn.commit()
        conn.execute("CHECKPOINT")
        tables: dict[str, float] = {}
        for source, copy in _SHARE_TABLES.items():
            started = time.perf_counter()
            conn.execute(
                sql.SQL("INSERT INTO {} SELECT * FROM {}").format(
                    sql.Identifier(copy), sql.Identifier(source)
                )
            )
            tables[source] = time.perf_counter() - started
        started = time.perf_counter()
        conn.commit()
        commit = time.perf_counter() - started
        for copy in _SHARE_TABLES.values():
            conn.execute(sql.SQL("DROP TABLE {} CASCADE").format(sql.Identifier(copy)))
        conn.commit()
    return ShareRun(tables=tables, commit=commit)


def _foreign_keys(conn, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    ).fetchall()
    return [row[0] for row in rows]


# --- output ---------------------------------------------------------------------------------


def _step(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _summary(
    *, rows, persons, csv_seconds, csv_mb, pg_run, copy_run, floor_seconds, sqlite_run
) -> None:
    pg_rate = pg_run.rate(rows)
    copy_rate = copy_run.rate()
    ratio = pg_rate / copy_rate if copy_rate else 0.0
    floor_rate = rows / floor_seconds if floor_seconds > 0 else 0.0
    ceiling = floor_rate / copy_rate if copy_rate else 0.0
    share_ratio = pg_rate / floor_rate if floor_rate else 0.0
    memory_note = "" if rows >= TARGET_ROWS else f" (target is for {TARGET_ROWS:,} rows)"
    lines = [
        "",
        f"machine          {platform.node()}: {os.cpu_count()} CPUs, {memory_gb():.0f} GB RAM, "
        f"Python {platform.python_version()}, {copy_run.server}",
        f"rows             {rows:,} ({persons:,} people)",
        f"CSV written      {csv_seconds:.1f} s ({csv_mb:.0f} MB; not part of any figure below)",
        f"pipeline, PG     {pg_rate:>10,.0f} rows/s  ({pg_run.seconds:.1f} s)",
        f"database share   {floor_rate:>10,.0f} rows/s  ({floor_seconds:.1f} s; the same rows "
        f"into copies of the {len(_SHARE_TABLES)} tables, indexes and foreign keys)",
        f"COPY, PG         {copy_rate:>10,.0f} rows/s  ({copy_run.seconds:.1f} s; one table)",
        f"pipeline / share {share_ratio:>10.3f}         target >= {TARGET_SHARE_RATIO} "
        f"{_verdict(share_ratio >= TARGET_SHARE_RATIO)}, goal {GOAL_SHARE_RATIO} "
        f"{_verdict(share_ratio >= GOAL_SHARE_RATIO)}",
        f"pipeline / COPY  {ratio:>10.3f}",
        f"share / COPY     {ceiling:>10.3f}         (the most the tables allow)",
        f"processor, PG    {pg_run.cpu_seconds / rows * 1e6:>10.1f} us/row  (the import process "
        f"and its helper, user + system; the database share took "
        f"{floor_seconds / rows * 1e6:.1f} us/row)",
        f"  with the server on the same {os.cpu_count()} CPUs the pipeline cannot beat (processor "
        f"+ share) / CPUs = "
        f"{(pg_run.cpu_seconds + floor_seconds) / (os.cpu_count() or 1) / rows * 1e6:.1f} us/row "
        f"= {rows / ((pg_run.cpu_seconds + floor_seconds) / (os.cpu_count() or 1)):,.0f} rows/s",
        f"peak memory, PG  {pg_run.peak_mb:>10.0f} MB      target <= {TARGET_PEAK_MB} MB "
        f"{_verdict(pg_run.peak_mb <= TARGET_PEAK_MB)}{memory_note}",
    ]
    if sqlite_run is not None:
        lines.append(
            f"pipeline, SQLite {sqlite_run.rate(rows):>10,.0f} rows/s  "
            f"({sqlite_run.seconds:.1f} s, peak {sqlite_run.peak_mb:.0f} MB)"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
