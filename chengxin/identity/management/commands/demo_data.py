"""``chengxin demo-data --persons N [--seed S]``: create synthetic data subjects.

Subjects are registered through ``subject_get_or_create`` in batches, one transaction per batch,
so a large run commits steadily and an interrupted run can simply be repeated (existing subjects
are found, not duplicated).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chengxin.identity.services import subject_get_or_create
from chengxin.identity.synthetic import SyntheticPerson, demo_people

DEFAULT_SEED = 20170101
BATCH_SIZE = 200


def demo_subjects_create(people: list[SyntheticPerson], *, batch_size: int = BATCH_SIZE) -> int:
    """Register ``people`` as subjects (system actor), one transaction per batch; return how
    many were processed."""
    for start in range(0, len(people), batch_size):
        with transaction.atomic():
            for person in people[start : start + batch_size]:
                subject_get_or_create(id_number=person.id_number, name=person.name, actor=None)
    return len(people)


class Command(BaseCommand):
    help = "生成合成的演示人员数据。Create synthetic people for demonstrations."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, **options):
        count = options["persons"]
        if count < 0:
            raise CommandError("--persons 不能为负数。--persons cannot be negative.")
        people = demo_people(count=count, seed=options["seed"])
        demo_subjects_create(people)
        self.stdout.write(
            self.style.SUCCESS(f"已登记 {count} 名合成人员。Registered {count} synthetic people.")
        )
