"""The fill of ``bench/check.py`` (``--role fill``, Django set up): synthetic people registered
through the identity service and their records written through the platform's writer
(``bench/fill.py``), an officer with an API token, and the ID numbers the load and the batch
check send (known people and a share of people the platform does not know)."""

from __future__ import annotations

import json
import random
import time

from fill import Target, chunk_people, chunks, people_register, records_fill, step

OFFICER = "bench-officer"
OFFICER_DEPARTMENT = "market"
UNKNOWN_SHARE = 0.1
LOAD_SAMPLE = 20_000
# The unknown people are drawn from their own seed, apart from the registered ones.
UNKNOWN_SEED_SHIFT = 7


def role_fill(args) -> int:
    from django.db import connection
    from django.utils import timezone

    work = args.work
    rng = random.Random(args.seed)
    today = timezone.localdate()
    people_count = args.people
    started = time.perf_counter()
    known, unknown = _people_numbers(args.seed, people_count, today=today)
    step(
        f"  {len(known) + len(unknown):,} synthetic people in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    people_register(seed=args.seed, people=people_count, benchmark="check")
    subjects_seconds = time.perf_counter() - started
    step(f"  subjects registered in {subjects_seconds:.1f} s")

    started = time.perf_counter()
    target = Target(connection.settings_dict["NAME"])
    records_fill(
        [target],
        seed=args.seed,
        total_records=args.records,
        people_count=people_count,
        rng=rng,
        sample_size=1,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    records_seconds = time.perf_counter() - started
    step(f"  records and versions written in {records_seconds:.1f} s")

    token = officer_token()
    load_ids = _id_sample(known, unknown, size=LOAD_SAMPLE, rng=rng)
    batch_ids = _id_sample(known, unknown, size=args.batch, rng=rng)
    (work / "ids.json").write_text(json.dumps({"load": load_ids, "batch": batch_ids}))
    (work / "token.txt").write_text(token)
    (work / "fill.json").write_text(
        json.dumps(
            {
                "records": args.records,
                "people": people_count,
                "subjects_seconds": subjects_seconds,
                "records_seconds": records_seconds,
                "batch_ids": len(batch_ids),
                **_fill_facts(),
            }
        )
    )
    return 0


def _people_numbers(seed: int, people: int, *, today) -> tuple[list[str], list[str]]:
    """The ID numbers of the ``people`` people the fill registers (the same chunks
    ``people_register`` generates) and of a tenth as many that it does not."""
    known = [
        person.id_number
        for number, size in chunks(people)
        for person in chunk_people(seed, number, size, today=today)
    ]
    unknown_count = max(int(people * UNKNOWN_SHARE), 1)
    unknown = [
        person.id_number
        for number, size in chunks(unknown_count)
        for person in chunk_people(seed + UNKNOWN_SEED_SHIFT, number, size, today=today)
    ]
    return known, unknown


def officer_token() -> str:
    """An officer of the market department and the plaintext of its new API token."""
    from chengxin.accounts.choices import Role
    from chengxin.accounts.services import api_token_create, user_create

    created = user_create(
        username=OFFICER, department_code=OFFICER_DEPARTMENT, role=Role.OFFICER, actor=None
    )
    _token, plaintext = api_token_create(user=created.user, name="bench", actor=None)
    return plaintext


def _id_sample(known: list[str], unknown: list[str], *, size: int, rng) -> list[str]:
    unknown_size = min(int(size * UNKNOWN_SHARE), len(unknown))
    known_size = size - unknown_size
    if known_size <= len(known):
        chosen = rng.sample(known, known_size)
    else:
        chosen = rng.choices(known, k=known_size)
    numbers = chosen + rng.sample(unknown, unknown_size)
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
