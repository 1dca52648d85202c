"""``chengxin demo-data --persons N [--seed S]``: synthetic people and their records, loaded
through the submission pipeline.

The people (``chengxin.identity.synthetic``) are registered as subjects first, in batches, one
transaction per batch. Then a realistic share of them receive records: about 10% one or more
negative records (mostly general or minor, some serious), about 5% positive records, a few
basic and other records; decisions go back up to six years, so some records are already past
their disclosure or validity period. The rows (``chengxin.collection.synthetic``) are sent by
``submission_create`` as each department's demo provider account (``demo-provider-<code>``, a
system account without a usable password), in chunks of at most 2,000 rows with the idempotency
key ``demo-<seed>-<item>-<chunk>``; a chunk already loaded is skipped, so a second run with the
same seed adds nothing.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chengxin.accounts.models import Department, User
from chengxin.accounts.services import service_account_get_or_create
from chengxin.catalog.choices import Category, FieldSet, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection.choices import Operation, RecordStatus, SubmissionChannel, SubmissionStatus
from chengxin.collection.models import CreditRecord, Submission
from chengxin.collection.services import submission_create
from chengxin.collection.synthetic import synthetic_rows
from chengxin.identity.services import subject_get_or_create
from chengxin.identity.synthetic import SyntheticPerson, demo_people

DEFAULT_SEED = 20170101
BATCH_SIZE = 200
CHUNK_SIZE = 2000
PROVIDER_PREFIX = "demo-provider-"

# Shares of people with records of each kind (drawn independently), and of serious records
# among the negative ones.
NEGATIVE_SHARE = 0.10
POSITIVE_SHARE = 0.05
BASIC_SHARE = 0.06
OTHER_SHARE = 0.02
SERIOUS_SHARE = 0.2
# Items more frequent than the others of their kind.
ITEM_WEIGHTS = {
    "dishonest-judgment-debtor": 4,
    "consumption-restriction": 3,
    "minor-traffic-violation": 4,
    "major-tax-violation": 2,
    "volunteer-service-record": 3,
}
# The abbreviation of each department in document numbers (齐税罚〔2025〕123号).
DOCUMENT_ABBREVIATIONS = {
    "tax": "税", "market": "市监", "court": "中法", "public-security": "公",
    "emergency": "应急", "fire": "消", "transport": "交运", "environment": "环",
    "health": "卫", "medical-security": "医保", "housing": "住建", "education": "教",
    "justice": "司", "finance": "财", "hrss": "人社", "pboc": "银", "tourism": "文旅",
    "financial-regulation": "金监", "civil-affairs": "民", "civilization": "文明",
    "propaganda": "宣", "youth-league": "团", "cyberspace": "网信", "organisation": "组",
    "science": "科", "procuratorate": "检", "commerce": "商", "development-reform": "发改",
    "financial-office": "金融", "postal": "邮",
}  # fmt: skip


@dataclass
class DemoSummary:
    """What a run did: people registered, submissions sent or skipped, rows per outcome."""

    people: int = 0
    submissions: int = 0
    skipped: int = 0
    rejected: int = 0
    outcomes: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)


def demo_subjects_create(people: list[SyntheticPerson], *, batch_size: int = BATCH_SIZE) -> int:
    """Register ``people`` as subjects (system actor), one transaction per batch; return how
    many were processed."""
    for start in range(0, len(people), batch_size):
        with transaction.atomic():
            for person in people[start : start + batch_size]:
                subject_get_or_create(id_number=person.id_number, name=person.name, actor=None)
    return len(people)


def demo_data_load(*, persons: int, seed: int, today=None) -> DemoSummary:
    """Register ``persons`` synthetic people and submit their records (see the module)."""
    today = today or timezone.localdate()
    people = demo_people(count=persons, seed=seed, as_of=today)
    summary = DemoSummary(people=demo_subjects_create(people))
    items = list(
        CatalogItem.objects.filter(is_active=True).prefetch_related("departments").order_by("code")
    )
    assignments = _assign(people, items=items, rng=random.Random(seed))  # noqa: S311
    loaded = _loaded_keys(seed)
    for (item, department), owners in assignments:
        _submit(
            item=item,
            department=department,
            people=owners,
            seed=seed,
            today=today,
            loaded=loaded,
            summary=summary,
        )
    summary.statuses.update(
        CreditRecord.objects.filter(source_id__startswith=f"demo-{seed}-").values_list(
            "status", flat=True
        )
    )
    return summary


def demo_provider(department: Department) -> User:
    """The department's demo provider account (no usable password): it submits for the demo
    set-up and nobody can sign in with it."""
    return service_account_get_or_create(
        department=department,
        kind=PROVIDER_PREFIX.rstrip("-"),
        display_name=f"演示报送接口（{department.short_name or department.name}）",
    )


def _assign(
    people: Sequence[SyntheticPerson], *, items: list[CatalogItem], rng: random.Random
) -> list[tuple[tuple[CatalogItem, Department], list[SyntheticPerson]]]:
    """Which people get records of which item, sent by which of its departments."""
    kinds = _items_by_kind(items)
    groups: dict[tuple[str, str], list[SyntheticPerson]] = defaultdict(list)
    pairs: dict[tuple[str, str], tuple[CatalogItem, Department]] = {}
    for person in people:
        for item in _person_items(rng, kinds):
            departments = sorted(
                (d for d in item.departments.all() if d.is_active), key=lambda d: d.code
            )
            if not departments:
                continue
            department = rng.choice(departments)
            key = (item.code, department.code)
            pairs[key] = (item, department)
            groups[key].append(person)
    return [(pairs[key], groups[key]) for key in sorted(groups)]


def _items_by_kind(items: list[CatalogItem]) -> dict[str, list[CatalogItem]]:
    kinds: dict[str, list[CatalogItem]] = defaultdict(list)
    for item in items:
        if item.category == Category.NEGATIVE:
            kind = "serious" if item.severity == Severity.SERIOUS else "light"
        else:
            kind = item.category
        kinds[kind].append(item)
    return kinds


def _person_items(rng: random.Random, kinds: dict[str, list[CatalogItem]]) -> list[CatalogItem]:
    chosen: list[CatalogItem] = []
    if rng.random() < NEGATIVE_SHARE:
        count = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        for _ in range(count):
            kind = "serious" if rng.random() < SERIOUS_SHARE else "light"
            chosen.extend(_pick(rng, kinds.get(kind) or kinds.get("light") or []))
    if rng.random() < POSITIVE_SHARE:
        for _ in range(1 + (rng.random() < 0.3)):
            chosen.extend(_pick(rng, kinds.get(Category.POSITIVE, [])))
    if rng.random() < BASIC_SHARE:
        chosen.extend(_pick(rng, kinds.get(Category.BASIC, [])))
    if rng.random() < OTHER_SHARE:
        chosen.extend(_pick(rng, kinds.get(Category.OTHER, [])))
    return chosen


def _pick(rng: random.Random, items: list[CatalogItem]) -> list[CatalogItem]:
    if not items:
        return []
    weights = [ITEM_WEIGHTS.get(item.code, 1) for item in items]
    return rng.choices(items, weights=weights)


def _loaded_keys(seed: int) -> set[tuple[int, str]]:
    """(department id, key) of the demo submissions of ``seed`` already completed."""
    return set(
        Submission.objects.filter(
            idempotency_key__startswith=f"demo-{seed}-", status=SubmissionStatus.COMPLETED
        ).values_list("department_id", "idempotency_key")
    )


def _submit(*, item, department, people, seed, today, loaded, summary: DemoSummary) -> None:
    """The rows of ``item`` for ``people``, chunk by chunk, as ``department``'s demo provider."""
    keys = [
        f"demo-{seed}-{item.code}-{chunk}"
        for chunk in range(1, (len(people) + CHUNK_SIZE - 1) // CHUNK_SIZE + 1)
    ]
    if all((department.pk, key) in loaded for key in keys):
        summary.skipped += len(keys)
        return
    schema = catalog_version_table_schema(catalog_item_current_version(item))
    rows = list(
        synthetic_rows(
            item_schema=schema,
            people=people,
            rng=random.Random(f"{seed}:{item.code}:{department.code}"),  # noqa: S311
            today=today,
            source_prefix=f"demo-{seed}-",
            authority=department.name,
            document_prefix=_document_prefix(department, item),
        )
    )
    provider = demo_provider(department)
    for number, key in enumerate(keys):
        if (department.pk, key) in loaded:
            summary.skipped += 1
            continue
        answer = submission_create(
            actor=provider,
            department=department,
            item_code=item.code,
            operation=Operation.UPSERT,
            records=rows[number * CHUNK_SIZE : (number + 1) * CHUNK_SIZE],
            idempotency_key=key,
            channel=SubmissionChannel.API,
            today=today,
        )
        summary.submissions += 1
        summary.rejected += answer.rejected
        summary.outcomes.update(result.outcome for result in answer.results)
        summary.categories[item.category] += answer.accepted


def _document_prefix(department: Department, item: CatalogItem) -> str:
    abbreviation = DOCUMENT_ABBREVIATIONS.get(department.code)
    if abbreviation is None:
        short = department.short_name or department.name
        abbreviation = short.removeprefix("市委").removeprefix("市")[:1]
    if item.category == Category.NEGATIVE:
        kind = "罚" if item.field_set == FieldSet.PENALTY else "决"
    elif item.category == Category.POSITIVE:
        kind = "表"
    elif item.field_set == FieldSet.LICENCE:
        kind = "许"
    else:
        kind = "证" if item.category == Category.BASIC else "承"
    return f"齐{abbreviation}{kind}"


class Command(BaseCommand):
    help = (
        "生成合成的演示人员及其信用记录（经报送流程写入）。"
        "Create synthetic people and their records through the submission pipeline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, **options):
        count = options["persons"]
        if count < 0:
            raise CommandError("--persons 不能为负数。--persons cannot be negative.")
        started = time.monotonic()
        summary = demo_data_load(persons=count, seed=options["seed"])
        elapsed = time.monotonic() - started
        self.stdout.write(_summary_text(summary, elapsed=elapsed))
        if summary.rejected:
            raise CommandError(
                f"有 {summary.rejected} 行被拒收。{summary.rejected} rows were rejected."
            )
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。Demo data ready."))


def _summary_text(summary: DemoSummary, *, elapsed: float) -> str:
    outcomes = "，".join(
        f"{name} {summary.outcomes.get(name, 0)}" for name in ("created", "updated", "unchanged")
    )
    categories = "，".join(
        f"{category} {summary.categories.get(category, 0)}" for category in Category.values
    )
    statuses = "，".join(
        f"{status} {summary.statuses.get(status, 0)}" for status in RecordStatus.values
    )
    return "\n".join(
        [
            f"已登记 {summary.people} 名合成人员。Registered {summary.people} synthetic people.",
            f"报送 {summary.submissions} 次，跳过已导入 {summary.skipped} 次。"
            f"Submissions sent: {summary.submissions}; already loaded, skipped: {summary.skipped}.",
            f"记录结果 Records per outcome：{outcomes}。",
            f"记录类别 Records per category：{categories}。",
            f"演示记录状态 Demo records per status：{statuses}。",
            f"用时 Time：{elapsed:.1f} s",
        ]
    )
