"""Demo entries of the public lists: enough disclosed serious records (across the domains) and
red-list records to search and page through, sent through the real submission pipeline.

``demo_disclosures_ensure`` takes the demo's synthetic people (``identity.synthetic.demo_people``,
the same seed as ``chengxin demo-data``) and gives them records of every public item of the
serious dishonesty list and the red list, decided within the last two years so they are disclosed
today. The rows come from ``collection.synthetic`` and are submitted by each item's first
department's demo provider, in groups of one decision date, with the idempotency key
``demo-public-<seed>-<item>-<group>``: a group already loaded is skipped, so running it again adds
nothing.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection.choices import Operation, SubmissionChannel, SubmissionStatus
from chengxin.collection.management.commands.demo_data import (
    DEFAULT_SEED,
    _document_prefix,
    demo_provider,
    demo_subjects_create,
)
from chengxin.collection.models import Submission
from chengxin.collection.services import submission_create
from chengxin.collection.synthetic import synthetic_rows
from chengxin.identity.synthetic import demo_people
from chengxin.portal.selectors import RED, SERIOUS

DEMO_PEOPLE = 500
SERIOUS_RECORDS = 320
RED_RECORDS = 90
GROUPS_PER_ITEM = 6
NEWEST_DAYS_BACK = 700


def demo_disclosures_ensure(
    *,
    stdout=None,
    seed: int = DEFAULT_SEED,
    serious: int = SERIOUS_RECORDS,
    red: int = RED_RECORDS,
    today: datetime.date | None = None,
    persons: int = DEMO_PEOPLE,
) -> int:
    """Submit the demo's list entries (see the module); the number of rows accepted now."""
    today = today or timezone.localdate()
    people = demo_people(count=persons, seed=seed, as_of=today)
    demo_subjects_create(people)
    rng = random.Random(f"{seed}:public")  # noqa: S311 - demo data, not a secret
    accepted = 0
    for public_list, total in ((SERIOUS, serious), (RED, red)):
        items = [item for item in public_list.items() if _department(item) is not None]
        for position, item in enumerate(items):
            share = total // len(items) + (position < total % len(items)) if items else 0
            owners = rng.sample(people, k=min(share, len(people)))
            accepted += _submit_item(item, owners, rng=rng, seed=seed, today=today)
    if stdout is not None and accepted:
        stdout.write(
            f"公示名单演示记录 {accepted} 条已报送。{accepted} demo list entries submitted."
        )
    return accepted


def _department(item):
    departments = sorted((d for d in item.departments.all() if d.is_active), key=lambda d: d.code)
    return departments[0] if departments else None


def _submit_item(item, owners, *, rng: random.Random, seed: int, today) -> int:
    department = _department(item)
    schema = catalog_version_table_schema(catalog_item_current_version(item))
    provider = demo_provider(department)
    accepted = 0
    for group in range(GROUPS_PER_ITEM):
        people = owners[group::GROUPS_PER_ITEM]
        key = f"demo-public-{seed}-{item.code}-{group}"
        if not people or _loaded(department, key):
            continue
        decided_on = today - datetime.timedelta(days=rng.randrange(1, NEWEST_DAYS_BACK))
        rows = list(
            synthetic_rows(
                item_schema=schema,
                people=people,
                rng=random.Random(f"{seed}:{item.code}:{group}"),  # noqa: S311
                today=today,
                source_prefix=f"demo-public-{seed}-{group}-",
                authority=department.name,
                document_prefix=_document_prefix(department, item),
                decided_on=decided_on,
            )
        )
        answer = submission_create(
            actor=provider,
            department=department,
            item_code=item.code,
            operation=Operation.UPSERT,
            records=rows,
            idempotency_key=key,
            channel=SubmissionChannel.API,
            today=today,
        )
        accepted += answer.accepted
    return accepted


def _loaded(department, key: str) -> bool:
    return Submission.objects.filter(
        department=department, idempotency_key=key, status=SubmissionStatus.COMPLETED
    ).exists()
