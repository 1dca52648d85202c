"""Factories of the tip-off tests: the accounts of a tip-off's path (a citizen reporter, the
credit office's reviewer, staff of the tax bureau and of the court) and tip-offs made through
their own services, never saved raw."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department, User
from chengxin.accounts.tests.factories import DepartmentFactory, confirmed_citizen, staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.dueprocess.tipoffs.services import FiledTipOff, tipoff_file

TEXT = "某公司在政府采购投标中提供虚假的纳税证明，材料见附件。"
PERSON = 1
OTHER_PERSON = 2
CONCERNED = 7


@dataclass
class Cast:
    citizen: User
    citizen_other: User
    reviewer: User
    provider: User
    officer: User
    provider_other: User
    tax: Department
    court: Department


def cast() -> Cast:
    court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
    provider = staff_user(Role.PROVIDER, username="provider-tax")
    return Cast(
        citizen=confirmed_citizen(id_number(PERSON), username="citizen-a"),
        citizen_other=confirmed_citizen(id_number(OTHER_PERSON), username="citizen-b"),
        reviewer=staff_user(Role.REVIEWER, username="reviewer"),
        provider=provider,
        officer=staff_user(Role.OFFICER, username="officer-tax"),
        provider_other=staff_user(Role.PROVIDER, department=court, username="provider-court"),
        tax=provider.department,
        court=court,
    )


def filed(actor=None, *, now: datetime.datetime | None = None, **extra) -> FiledTipOff:
    values = {"category": "dishonest_conduct", "text": TEXT, **extra}
    return tipoff_file(actor=actor, now=now, **values)


def moment(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def concerned_id() -> str:
    return id_number(CONCERNED)
