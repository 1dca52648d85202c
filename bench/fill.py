"""Filling a bench database through the platform: synthetic people registered through the
identity service, and credit records of every active catalog item with their first versions
written by the ingestion writer (``collection.ingest.writer.records_insert`` /
``versions_insert``), chunk by chunk (``bench/partitions.py``, ``bench/scale.py``)."""

from __future__ import annotations

import json
import time

CHUNK_PEOPLE = 5_000
# Generated rows of each item checked against the pipeline's own row validation.
SAMPLE_VALIDATED = 25


def step(message: str) -> None:
    """A progress line with the time (UTC: the roles' processes run in the platform's zone)."""
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def chunk_people(seed: int, number: int, size: int, *, today):
    """The people of chunk ``number``: reproducible, so the fill finds the same ones."""
    from chengxin.identity.synthetic import demo_people

    return demo_people(count=size, seed=seed * 100_000 + number, as_of=today)


def chunks(people: int, *, first: int = 0):
    """``(number, size)`` of the chunks of ``people`` people from person ``first`` on (a
    multiple of ``CHUNK_PEOPLE``)."""
    for start in range(first, first + people, CHUNK_PEOPLE):
        yield start // CHUNK_PEOPLE, min(CHUNK_PEOPLE, first + people - start)


def people_register(*, seed: int, people: int, first: int = 0, benchmark: str) -> None:
    """Register ``people`` synthetic people from person ``first`` on through the identity
    service, one chunk at a time."""
    from django.utils import timezone

    from chengxin.identity.services import subjects_get_or_create_many

    today = timezone.localdate()
    for turn, (number, size) in enumerate(chunks(people, first=first)):
        chunk = chunk_people(seed, number, size, today=today)
        subjects_get_or_create_many(
            people=[(person.id_number, person.name) for person in chunk],
            actor=None,
            detail={"benchmark": benchmark},
        )
        if turn % 40 == 0:
            step(f"  people: {number * CHUNK_PEOPLE + size:,}")


class Target:
    """One database of the fill: its connection settings, its submissions and its timings."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.contexts: dict[tuple[str, str], object] = {}
        self.seconds = 0.0
        self.rows = 0


def use_database(name: str) -> None:
    """Point the default connection at database ``name`` (same server, same user)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def records_fill(
    targets: list[Target],
    *,
    seed: int,
    total_records: int,
    people_count: int,
    rng,
    sample_size: int,
    first_person: int = 0,
) -> tuple[list[tuple[float, str]], float]:
    """Write ``total_records`` credit records of every active catalog item (values valid for their
    item, a sample checked against the pipeline's row validation) and their first versions
    over the ``people_count`` people from ``first_person`` on (registered before by
    ``people_register``), through the platform's writer, one chunk of people at a time: each
    chunk generated once and written to each target database in turn (the order rotating by
    chunk), each write timed on the target. Returns a uniform sample of ``sample_size`` of
    the people's blind indexes (as ``(key, index)`` pairs) and the start of the fill
    (``time.perf_counter``)."""
    import hashlib
    import heapq

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
    weights = item_weights(items)
    departments = {
        item.code: sorted((d for d in item.departments.all() if d.is_active), key=lambda d: d.code)
        for item in items
    }
    schemas = {}
    for target in targets:
        use_database(target.name)
        target.contexts = _contexts(items, departments, now=now, schemas=schemas)
    name_indexes: dict[str, str] = {}
    # A uniform sample of the people's blind indexes for the measurements (bounded: a heap of
    # the largest random keys).
    sample: list[tuple[float, str]] = []
    wanted = sample_size
    records_left = total_records
    people_left = people_count
    validated: dict[str, int] = {}
    started = time.perf_counter()
    for number, size in chunks(people_count, first=first_person):
        people = chunk_people(seed, number, size, today=today)
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
                    validated_like_pipeline(values, schema=schema, today=today)
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
            use_database(target.name)
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
            step(f"  records: {total_records - records_left:,} in {elapsed:.0f} s ({rates})")
    return sample, started


def _date(text: str):
    import datetime

    return datetime.date.fromisoformat(text)


def bench_submission(department, item, *, now, **counts):
    """The bench provider of ``department`` and a completed file submission of ``item`` by it,
    which the records a benchmark writes point at (``counts``: more fields of the submission)."""
    from chengxin.accounts.services import service_account_get_or_create
    from chengxin.collection.choices import Operation, SubmissionChannel, SubmissionStatus
    from chengxin.collection.models import Submission

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
        **counts,
    )
    return provider, submission


def _contexts(items, departments, *, now, schemas) -> dict:
    """One submission per item and department in the current database, and the writer's
    context of each."""
    from chengxin.catalog.selectors import (
        catalog_item_current_version,
        catalog_version_table_schema,
    )
    from chengxin.collection.ingest.writer import WriteContext

    contexts = {}
    for item in items:
        version = catalog_item_current_version(item)
        schemas.setdefault(item.code, catalog_version_table_schema(version))
        for department in departments[item.code]:
            provider, submission = bench_submission(department, item, now=now)
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


def item_weights(items) -> list[float]:
    """The weight of each item in the draw of a record's item: its kind's share of the records
    (``KIND_SHARES``), split evenly over the items of that kind."""
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


def validated_like_pipeline(values, *, schema, today) -> None:
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
