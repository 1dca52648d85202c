"""Factories of the repair tests: records made through the collection service (on a given day,
so that their dates are those of that day), applications through their own services."""

from __future__ import annotations

import datetime
from itertools import count
from typing import Any

from django.utils import timezone

from chengxin.accounts.models import User
from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import ITEM_CODE, row
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.objections.tests.factories import (
    OTHER_PERSON,
    PERSON,
    bearer,
    moment,
    pdf,
    people,
    png,
)
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.services import repair_apply_by_person

__all__ = ["OTHER_PERSON", "PERSON", "bearer", "moment", "pdf", "people", "png"]

TEXT = "罚款及滞纳金已于2026年5月全部缴清，整改已完成。"
_keys = count(1)


def record(
    provider: User,
    *,
    source_id: str = "R-1",
    sequence: int = PERSON,
    item_code: str = ITEM_CODE,
    decided_on: str = "2026-03-01",
    today: str = "2026-06-01",
    operation: str = "upsert",
    **values: Any,
) -> CreditRecord:
    """The record ``source_id`` after a submission of ``provider`` on ``today``."""
    records = (
        [{"source_id": source_id}]
        if operation == "revoke"
        else [row(source_id, sequence=sequence, decided_on=decided_on, **values)]
    )
    answer = submission_create(
        actor=provider,
        department=provider.department,
        item_code=item_code,
        operation=operation,
        records=records,
        idempotency_key=f"repair-test-{next(_keys)}",
        channel=SubmissionChannel.API,
        today=datetime.date.fromisoformat(today),
    )
    assert answer.rejected == 0, answer.errors
    return CreditRecord.objects.get(pk=answer.results[0].record_id)


def applied(
    citizen: User,
    credit_record: CreditRecord,
    *,
    now: datetime.datetime | None = None,
    files: list[IncomingFile] | None = None,
    accepted: bool = True,
    version: str | None = None,
    text: str = TEXT,
) -> Repair:
    return repair_apply_by_person(
        actor=citizen,
        record_id=credit_record.pk,
        text=text,
        commitment_version=version or current_template().version,
        commitment_accepted=accepted,
        files=[png()] if files is None else files,
        now=now or moment("2026-06-02"),
    )


def repairable_today(provider: User, *, source_id: str = "R-1", sequence: int = PERSON):
    """A general record decided 150 days ago (past its three months), submitted today."""
    today = timezone.localdate()
    return record(
        provider,
        source_id=source_id,
        sequence=sequence,
        decided_on=(today - datetime.timedelta(days=150)).isoformat(),
        today=today.isoformat(),
    )


def applied_today(citizen: User, credit_record: CreditRecord) -> Repair:
    return applied(citizen, credit_record, now=timezone.now())
