"""Factories of the tests of the person's own file: an opt-out-able good-conduct item (a
volunteer honour on the red list), records through the collection service, the people."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chengxin.catalog.choices import Category, ListKind
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import penalty_item
from chengxin.dueprocess.objections.tests.factories import People, people, record

VOLUNTEER = "volunteer-honour"
CASE_NO = "齐许〔2026〕7号"
PURPOSE = "administrative_licensing"


def cast() -> People:
    """The tax items, the red-list items (a moral model, not opt-out-able, and a volunteer
    honour, opt-out-able) and the people of ``objections.tests.factories``."""
    from chengxin.measures.tests.factories import list_items

    list_items()
    penalty_item(
        code=VOLUNTEER,
        name="优秀志愿者",
        category=Category.POSITIVE,
        severity="",
        domain="",
        lists=[ListKind.RED_LIST],
        opt_out_allowed=True,
    )
    return people(with_item=False)


def honour(provider, *, source_id: str = "V-1", sequence: int = 1, decided_on=None):
    decided_on = decided_on or timezone.localdate() - datetime.timedelta(days=30)
    return record(
        provider,
        source_id=source_id,
        sequence=sequence,
        item_code=VOLUNTEER,
        decided_on=decided_on.isoformat(),
    )


def reload(record_: CreditRecord) -> CreditRecord:
    return CreditRecord.objects.get(pk=record_.pk)
