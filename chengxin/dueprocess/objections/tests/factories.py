"""Factories of the objection tests: a tax record about a person with a confirmed citizen
account, the staff who answer it, and files to attach. Records are made through the collection
service and objections through their own services, never saved raw."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from itertools import count
from typing import Any

from django.utils import timezone
from PIL import Image

from chengxin.accounts.choices import Role
from chengxin.accounts.models import User
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import DepartmentFactory, confirmed_citizen, staff_user
from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import ITEM_CODE, id_number, penalty_item, row
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.objections.choices import ObjectionGrounds
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.services import objection_file_by_person

PERSON = 1
OTHER_PERSON = 2
TEXT = "该处罚决定已被复议机关撤销，记录内容有误。"
_keys = count(1)


@dataclass
class People:
    """The accounts of an objection: the person (citizen A), another person (citizen B), the
    providers of the record's department and of another one, an officer, a reviewer."""

    citizen: User
    citizen_other: User
    provider: User
    provider_other: User
    officer: User
    reviewer: User


def people(*, with_item: bool = True) -> People:
    """The accounts; ``with_item`` also makes the tax penalty item the records are of."""
    if with_item:
        penalty_item()
    court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
    return People(
        citizen=confirmed_citizen(id_number(PERSON), username="citizen-a"),
        citizen_other=confirmed_citizen(id_number(OTHER_PERSON), username="citizen-b"),
        provider=staff_user(Role.PROVIDER, username="provider-tax"),
        provider_other=staff_user(Role.PROVIDER, department=court, username="provider-court"),
        officer=staff_user(Role.OFFICER, username="officer-tax"),
        reviewer=staff_user(Role.REVIEWER, username="reviewer"),
    )


def record(
    provider: User,
    *,
    source_id: str = "S-1",
    sequence: int = PERSON,
    item_code: str = ITEM_CODE,
    operation: str = "upsert",
    **values: Any,
) -> CreditRecord:
    """The record ``source_id`` after a submission of ``provider`` (``revoke`` revokes it)."""
    records = (
        [{"source_id": source_id}]
        if operation == "revoke"
        else [row(source_id, sequence=sequence, **values)]
    )
    answer = submission_create(
        actor=provider,
        department=provider.department,
        item_code=item_code,
        operation=operation,
        records=records,
        idempotency_key=f"objection-test-{next(_keys)}",
        channel=SubmissionChannel.API,
        today=timezone.localdate(),
    )
    assert answer.rejected == 0, answer.errors
    return CreditRecord.objects.get(pk=answer.results[0].record_id)


def filed(
    citizen: User,
    credit_record: CreditRecord,
    *,
    grounds: str = ObjectionGrounds.WRONG,
    now: datetime.datetime | None = None,
    files: list[IncomingFile] | None = None,
) -> Objection:
    return objection_file_by_person(
        actor=citizen,
        record_id=credit_record.pk,
        grounds=grounds,
        text=TEXT,
        files=files or [],
        now=now,
    )


def moment(day: str, hour: int = 10) -> datetime.datetime:
    """An aware datetime at ``hour`` o'clock on ``day`` in Asia/Shanghai."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def bearer(user: User) -> dict[str, str]:
    _token, plaintext = api_token_create(user=user, name="部门系统", expires_in_days=30, actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def png(name: str = "收据.png") -> IncomingFile:
    output = io.BytesIO()
    Image.new("RGB", (12, 12), (20, 120, 40)).save(output, format="PNG")
    return IncomingFile(name=name, data=output.getvalue())


def pdf(name: str = "授权委托书.pdf") -> IncomingFile:
    return IncomingFile(name=name, data=b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
