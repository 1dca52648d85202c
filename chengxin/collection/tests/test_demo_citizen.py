"""The demo citizen: a confirmed account bound to a demo person with a serious, a general, a
repairable and a good-conduct record, all sent through the submission pipeline."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from chengxin.accounts.choices import CitizenAccountStatus, NoticeKind
from chengxin.accounts.models import Notice, User
from chengxin.collection.choices import RecordStatus
from chengxin.collection.demo_citizen import DEMO_CITIZEN_MOBILE, demo_citizen_ensure
from chengxin.collection.models import CreditRecord
from chengxin.core.crypto import blind_index

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def seeded():
    call_command("seed", stdout=io.StringIO())


def test_the_demo_citizen_is_confirmed_and_has_one_record_of_each_kind(seeded, client):
    # given
    output = io.StringIO()
    # when
    demo = demo_citizen_ensure(stdout=output, today=TODAY)
    # then
    user = User.objects.get(username="demo-citizen")
    account = user.citizen_account
    assert (account.status, account.subject_index) == (
        CitizenAccountStatus.CONFIRMED,
        blind_index(demo.person.id_number),
    )
    records = CreditRecord.objects.filter(subject_index=account.subject_index).order_by(
        "decided_on"
    )
    assert [
        (record.item.code, record.category, record.severity, record.status, record.decided_on)
        for record in records
    ] == [
        ("outstanding-volunteer", "positive", "", RecordStatus.ACTIVE, TODAY - datetime.timedelta(days=200)),
        ("product-quality-penalty", "negative", "general", RecordStatus.ACTIVE, TODAY - datetime.timedelta(days=150)),
        ("major-tax-violation", "negative", "serious", RecordStatus.ACTIVE, TODAY - datetime.timedelta(days=45)),
        ("food-safety-penalty", "negative", "general", RecordStatus.ACTIVE, TODAY - datetime.timedelta(days=20)),
    ]  # fmt: skip
    repairable = records.get(item__code="product-quality-penalty")
    assert repairable.repairable_from <= TODAY
    assert Notice.objects.filter(user=user, kind=NoticeKind.RECORD).count() == 3
    assert f"手机号码 {DEMO_CITIZEN_MOBILE}" in output.getvalue()
    signed_in = client.post(
        "/account/login/", {"username": DEMO_CITIZEN_MOBILE, "password": demo.password}
    )
    assert (signed_in.status_code, signed_in.url) == (302, "/account/")


def test_a_second_run_sends_nothing_and_prints_no_password(seeded):
    # given
    demo_citizen_ensure(stdout=io.StringIO(), today=TODAY)
    output = io.StringIO()
    # when
    again = demo_citizen_ensure(stdout=output, today=TODAY)
    # then
    assert (again.password, again.records) == (None, 0)
    assert "chengxin user reset-password demo-citizen" in output.getvalue()
    assert CreditRecord.objects.filter(source_id__startswith="demo-citizen-").count() == 4
