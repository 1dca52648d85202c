"""Micro-benchmark of the ingest pipeline's pure Python work per row, in processor time.

``python bench/ingest_rows.py [--rows N] [--repeats R] [--item CODE] [--profile]`` with Django
set up on a migrated and seeded database (SQLite development settings are enough: nothing here
writes to it), e.g.::

    DJANGO_SETTINGS_MODULE=chengxin.config.settings.development CHENGXIN_VAR_DIR=/tmp/x/var \
    CHENGXIN_SQLITE_PATH=/tmp/x/db.sqlite3 .venv/bin/python bench/ingest_rows.py

It builds N rows of one catalog item the way ``bench/ingest.py`` does (``synthetic_rows``, about
two rows per person), writes them as CSV in memory and reads them back with the upload reader, so
the raw values are the text a file gives. Then it times each stage of the helper's and the
importing process's pure work on them with ``time.process_time`` (robust to other work on the
machine), best of R repeats, in microseconds per row: reading the CSV, validating and preparing
(``prepare_rows``) and pickling the prepared chunk (the helper process's part); unpickling it,
sealing the chunk's people as new subjects and building the record, version and outbox rows
as ``COPY`` takes them (the import process's part, without the database: the statements, the
``COPY`` formatting and the waits are not in it). ``--profile`` prints the cProfile of one
validate-and-prepare pass.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import pickle
import pstats
import random
import sys
import time

import django

DEFAULT_ROWS = 5_000
DEFAULT_REPEATS = 7
DEFAULT_ITEM = "major-tax-violation"
DEFAULT_DEPARTMENT = "tax"
SEED = 20260301


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--item", default=DEFAULT_ITEM)
    parser.add_argument("--department", default=DEFAULT_DEPARTMENT)
    parser.add_argument("--profile", action="store_true", help="cProfile one preparation")
    args = parser.parse_args(argv)
    django.setup()
    return _bench(args)


def _bench(args: argparse.Namespace) -> int:
    from chengxin.collection.ingest.checked_rows import prepare_rows
    from chengxin.collection.ingest.files import open_table
    from chengxin.collection.ingest.preparation import PreparedChunk
    from chengxin.collection.ingest.rows import RowValidator

    schema, data, today = _csv(args)
    rows = args.rows

    def read() -> dict:
        table = open_table(data, schema=schema)
        return {row.row_number: row.values for row in table.rows()}

    raw = read()
    assert len(raw) == rows, len(raw)

    def prepare():
        # A fresh validator per pass, as per file: its ID number cache starts empty.
        return prepare_rows(raw, validator=RowValidator(schema, today=today))

    prepared = prepare()
    assert len(prepared.good) == rows, (len(prepared.good), list(prepared.bad.items())[:1])
    chunk = PreparedChunk(raw=raw, prepared=prepared)
    pickled = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)

    helper = {
        "read CSV": read,
        "validate + prepare": prepare,
        "pickle chunk": lambda: pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL),
    }
    importer = {
        "unpickle chunk": lambda: pickle.loads(pickled),  # noqa: S301 - its own bytes
        **_import_stages(prepared.good, today=today),
    }
    print(f"{rows:,} rows of {args.item}, best of {args.repeats}, processor time")
    for title, stages in (("helper process", helper), ("import process", importer)):
        print(f" {title}")
        total = 0.0
        for name, stage in stages.items():
            per_row = _best(stage, repeats=args.repeats) / rows * 1e6
            total += per_row
            print(f"  {name:<24} {per_row:7.1f} µs/row")
        print(f"  {'total':<24} {total:7.1f} µs/row")
    print(f"  pickled chunk        {len(pickled) / rows:7.0f} bytes/row")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(prepare)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return 0


def _import_stages(good: list, *, today) -> dict:
    """The import process's pure work on the chunk's good rows, stage by stage, without the
    database: sealing each distinct person as a new subject, the record, version and outbox
    rows as ``COPY`` takes them (ids made up). Private helpers of the writers, timed as the
    import calls them."""
    from django.utils import timezone

    from chengxin.collection.ingest import writer
    from chengxin.collection.lifecycle import RecordDates
    from chengxin.core.bulk import _json_wrapped
    from chengxin.exchange.choices import OutboxEventType
    from chengxin.exchange.services import RecordFacts, _event_row
    from chengxin.identity.services import _subject_rows

    now = timezone.now()
    people = {row.subject_index: (row.id_number, row.name) for row in good}
    indexes = list(people)
    dates = RecordDates(disclosure_ends_on=today, repairable_from=None, valid_until=today)
    context = writer.WriteContext(
        department_id=1,
        item_id=1,
        category="negative",
        severity="serious",
        catalog_version_id=1,
        submission_id=1,
        actor_id=1,
        now=now,
    )

    def records() -> list:
        return [
            (number, *writer._record_row(context, _new_record(row, dates)))
            for number, row in enumerate(good, start=1)
        ]

    def versions() -> list:
        return [
            _json_wrapped(writer._version_row(context, _version(number, row, today)), [3])
            for number, row in enumerate(good, start=1)
        ]

    def outbox() -> list:
        kind = OutboxEventType.RECORD_CREATED
        return [
            _json_wrapped(_event_row(kind, _facts(number, row, RecordFacts), now), [4])
            for number, row in enumerate(good, start=1)
        ]

    return {
        "seal new subjects": lambda: list(_subject_rows(indexes, people, now=now)),
        "record rows": records,
        "version rows": versions,
        "outbox rows": outbox,
    }


def _new_record(row, dates):
    from chengxin.collection.ingest.writer import NewRecord

    return NewRecord(
        source_id=row.source_id,
        subject_id=1,
        subject_index=row.subject_index,
        decided_on=row.decided_on,
        dates=dates,
        status="active",
    )


def _version(number: int, row, today):
    from chengxin.collection.ingest.writer import VersionRow

    return VersionRow(
        record_id=number,
        subject_index=row.subject_index,
        number=1,
        values_text=row.values_text,
        status="active",
        content_hash=row.content_hash,
        valid_from=row.decided_on,
        valid_to=today,
    )


def _facts(number: int, row, facts_class):
    return facts_class(
        record_id=number,
        subject_index=row.subject_index,
        department="tax",
        item="major-tax-violation",
        source_id=row.source_id,
        status="active",
        disputed=False,
        version=1,
        decided_on=row.decided_on,
        push_upstream=True,
    )


def _best(stage, *, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        stage()
        best = min(best, time.process_time() - started)
    return best


def _csv(args: argparse.Namespace) -> tuple[dict, bytes, object]:
    """The item's schema, N synthetic rows as CSV bytes, and today."""
    from django.utils import timezone

    from chengxin.accounts.models import Department
    from chengxin.catalog.models import CatalogItem
    from chengxin.catalog.selectors import (
        catalog_item_current_version,
        catalog_version_table_schema,
    )
    from chengxin.collection.management.commands.demo_data import _document_prefix
    from chengxin.collection.synthetic import synthetic_rows
    from chengxin.identity.synthetic import demo_people

    item = CatalogItem.objects.get(code=args.item)
    department = Department.objects.get(code=args.department)
    schema = catalog_version_table_schema(catalog_item_current_version(item))
    columns = [field["name"] for field in schema["fields"]]
    today = timezone.localdate()
    people = demo_people(count=max(args.rows // 2, 1), seed=SEED, as_of=today)
    rng = random.Random(SEED)
    generated = synthetic_rows(
        item_schema=schema,
        people=rng.choices(people, k=args.rows),
        rng=rng,
        today=today,
        source_prefix=f"bench-{SEED}-",
        authority=department.name,
        document_prefix=_document_prefix(department, item),
    )
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="raise")
    writer.writeheader()
    writer.writerows(generated)
    return schema, text.getvalue().encode("utf-8"), today


if __name__ == "__main__":
    sys.exit(main())
