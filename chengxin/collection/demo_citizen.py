"""The demo citizen (``chengxin demo``): a confirmed account bound to a demo person whose file
holds one record of each kind a person meets on their side of the platform:

- a serious negative record (重大税收违法失信主体, decided 45 days ago);
- a general negative record (食品安全行政处罚, decided 20 days ago: not repairable yet);
- a repairable general record (产品质量行政处罚, decided 150 days ago: past the 3 months, so
  the demo citizen can try credit repair on /my/records/<id>/repair/);
- a good-conduct record (优秀志愿者, a positive honour the person may opt out of).

The account is opened with the real sign-up and confirmed as the counter would; the records are
sent through the submission pipeline by each department's demo provider, after the account
exists, so the person's inbox holds the notices of the negative ones. A second run creates
nothing and says how to get a new password.
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from chengxin.accounts.citizens import citizen_account_confirm, citizen_sign_up
from chengxin.accounts.models import Department, User
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection.choices import Operation, SubmissionChannel
from chengxin.collection.management.commands.demo_data import demo_provider
from chengxin.collection.models import Submission
from chengxin.collection.services import submission_create
from chengxin.collection.synthetic import synthetic_rows
from chengxin.identity.synthetic import SyntheticPerson, demo_people

DEMO_CITIZEN_USERNAME = "demo-citizen"
DEMO_CITIZEN_MOBILE = "13800138000"
DEMO_CITIZEN_EMAIL = "demo-citizen@example.cn"
DEMO_CITIZEN_SEED = 20260315
MIN_AGE_YEARS = 25
PASSWORD_BYTES = 12
# (item, department, days since the decision)
DEMO_CITIZEN_RECORDS = (
    ("major-tax-violation", "tax", 45),
    ("food-safety-penalty", "market", 20),
    ("product-quality-penalty", "market", 150),
    ("outstanding-volunteer", "civil-affairs", 200),
)


@dataclass(frozen=True)
class DemoCitizen:
    """What the run did: the person, the password (only when the account was created now) and
    the records sent."""

    person: SyntheticPerson
    password: str | None
    records: int


def demo_citizen_ensure(*, stdout, today: datetime.date | None = None) -> DemoCitizen:
    """Create the demo citizen and the records of their file if missing; report on ``stdout``."""
    today = today or timezone.localdate()
    person = demo_citizen_person(today)
    password = None
    if not User.objects.filter(username=DEMO_CITIZEN_USERNAME).exists():
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        _account_create(person, password)
    records = sum(_record_send(person, *spec, today=today) for spec in DEMO_CITIZEN_RECORDS)
    stdout.write(_report(password) + "\n")
    return DemoCitizen(person=person, password=password, records=records)


def demo_citizen_person(today: datetime.date) -> SyntheticPerson:
    """The demo person: the first adult of at least 25 among a fixed seed's people."""
    people = demo_people(count=20, seed=DEMO_CITIZEN_SEED, as_of=today)
    adult_before = today.replace(year=today.year - MIN_AGE_YEARS)
    return next(person for person in people if person.birth_date <= adult_before)


def _account_create(person: SyntheticPerson, password: str) -> None:
    user = citizen_sign_up(
        id_number=person.id_number,
        name=person.name,
        mobile=DEMO_CITIZEN_MOBILE,
        email=DEMO_CITIZEN_EMAIL,
        password=password,
        agreed=True,
        username=DEMO_CITIZEN_USERNAME,
    )
    citizen_account_confirm(account=user.citizen_account, id_number=person.id_number, actor=None)


def _record_send(person, item_code: str, department_code: str, days: int, *, today) -> int:
    """Send one record of ``item_code`` about ``person``; 0 when it was sent before or the
    deployment's catalog has no such item."""
    key = f"demo-citizen-{item_code}"
    item = CatalogItem.objects.filter(code=item_code, is_active=True).first()
    department = Department.objects.filter(code=department_code).first()
    if item is None or department is None:
        return 0
    if Submission.objects.filter(department=department, idempotency_key=key).exists():
        return 0
    schema = catalog_version_table_schema(catalog_item_current_version(item))
    rows = synthetic_rows(
        item_schema=schema,
        people=[person],
        rng=random.Random(key),  # noqa: S311 - demo values, not secrets
        today=today,
        source_prefix=f"{key}-",
        authority=department.name,
        decided_on=today - datetime.timedelta(days=days),
    )
    answer = submission_create(
        actor=demo_provider(department),
        department=department,
        item_code=item.code,
        operation=Operation.UPSERT,
        records=list(rows),
        idempotency_key=key,
        channel=SubmissionChannel.API,
        today=today,
    )
    return answer.accepted


def _report(password: str | None) -> str:
    if password is not None:
        return gettext(
            "演示公众用户 %(username)s 已创建并核验身份（绑定一名演示人员，其档案有严重失信、一般失信、"
            "可修复和守信记录各一条）：在 /account/login/ 用手机号码 %(mobile)s 或电子邮箱 %(email)s "
            "登录，密码（只显示这一次）：%(password)s"
        ) % {
            "username": DEMO_CITIZEN_USERNAME,
            "mobile": DEMO_CITIZEN_MOBILE,
            "email": DEMO_CITIZEN_EMAIL,
            "password": password,
        }
    return gettext(
        "演示公众用户 %(username)s 已存在（在 /account/login/ 用手机号码 %(mobile)s 登录）；"
        "如需新密码，请运行 chengxin user reset-password %(username)s"
    ) % {"username": DEMO_CITIZEN_USERNAME, "mobile": DEMO_CITIZEN_MOBILE}
