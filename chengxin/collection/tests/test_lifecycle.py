from datetime import date

import pytest
from django.core.management import call_command

from chengxin.catalog.choices import Category, Disclosure, Severity
from chengxin.collection.choices import RecordStatus, SubmissionChannel
from chengxin.collection.lifecycle import is_publicly_disclosed, record_dates, records_expire
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import ITEM_CODE, penalty_item, provider, row
from chengxin.core.audit.models import AuditEvent
from chengxin.core.services import policy_value_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("severity", "disclosure_end", "repair_start"),
    [
        (Severity.MINOR, date(2026, 6, 1), None),
        (Severity.GENERAL, date(2027, 3, 1), date(2026, 6, 1)),
        (Severity.SERIOUS, date(2029, 3, 1), date(2027, 3, 1)),
    ],
)
def test_negative_dates_come_from_the_policy_values(severity, disclosure_end, repair_start):
    # given
    item = penalty_item(severity=severity)
    # when
    dates = record_dates(item=item, decided_on=date(2026, 3, 1))
    # then
    assert dates.disclosure_ends_on == disclosure_end
    assert dates.repairable_from == repair_start
    assert dates.valid_until is None


def test_an_item_may_shorten_the_disclosure_but_the_shorter_policy_wins():
    # given
    item = penalty_item(disclosure_months=9)
    before = record_dates(item=item, decided_on=date(2026, 3, 1))
    policy_value_set(
        name="disclosure.general_months", value=6, actor=None, reason="地方规定缩短公示期"
    )
    # when
    after = record_dates(item=item, decided_on=date(2026, 3, 1))
    # then
    assert before.disclosure_ends_on == date(2026, 12, 1)
    assert after.disclosure_ends_on == date(2026, 9, 1)


def test_positive_records_are_valid_for_the_policy_years_or_the_shorter_item_period():
    # given
    default = penalty_item(category=Category.POSITIVE, severity="", code="model-worker")
    shorter = penalty_item(
        category=Category.POSITIVE, severity="", code="volunteer", validity_months=12
    )
    # when
    default_dates = record_dates(item=default, decided_on=date(2026, 3, 1))
    shorter_dates = record_dates(item=shorter, decided_on=date(2026, 3, 1))
    # then
    assert default_dates.valid_until == date(2029, 3, 1)
    assert shorter_dates.valid_until == date(2027, 3, 1)
    assert default_dates.disclosure_ends_on is None


def _submit(user, rows, key):
    return submission_create(
        actor=user,
        department=user.department,
        item_code=ITEM_CODE,
        operation="upsert",
        records=rows,
        idempotency_key=key,
        channel=SubmissionChannel.API,
        today=date(2026, 3, 10),
    )


def test_expire_catches_up_after_missed_days_and_is_idempotent():
    # given
    penalty_item()
    user = provider()
    _submit(
        user,
        [
            row("S-1", decided_on="2026-03-01"),
            row("S-2", sequence=3, decided_on="2026-03-05"),
            row("S-3", sequence=5, decided_on="2026-03-09"),
        ],
        "k1",
    )
    # when
    before = records_expire(today=date(2027, 2, 28))
    caught_up = records_expire(today=date(2027, 3, 6))
    again = records_expire(today=date(2027, 3, 6))
    # then
    assert (before, caught_up, again) == (0, 2, 0)
    statuses = dict(CreditRecord.objects.values_list("source_id", "status"))
    assert statuses == {
        "S-1": RecordStatus.EXPIRED,
        "S-2": RecordStatus.EXPIRED,
        "S-3": RecordStatus.ACTIVE,
    }
    event = AuditEvent.objects.filter(object_type="collection.creditrecord").get()
    assert event.detail == {"today": "2027-03-06", "expired": 2}


def test_expire_command_takes_the_day_to_run_for(capsys):
    # given
    penalty_item()
    _submit(provider(), [row("S-1")], "k1")
    # when
    call_command("expire", "--today", "2027-03-01")
    # then
    assert CreditRecord.objects.get().status == RecordStatus.EXPIRED
    assert capsys.readouterr().out.strip().splitlines() == [
        "已结束1条到期记录。",
        "已使0个逾期未核验身份的公众账户失效。",
    ]


def test_public_disclosure_needs_a_public_active_unexpired_record_that_is_not_minor():
    # given
    item = penalty_item()
    minor = penalty_item(code="minor-penalty", severity=Severity.MINOR)
    shared = penalty_item(code="shared-penalty", disclosure=Disclosure.SHARED)
    record = CreditRecord(
        status=RecordStatus.ACTIVE, severity=Severity.GENERAL, disclosure_ends_on=date(2027, 3, 1)
    )
    # when / then
    assert is_publicly_disclosed(record, item=item, today=date(2027, 2, 28)) is True
    assert is_publicly_disclosed(record, item=item, today=date(2027, 3, 1)) is False
    assert is_publicly_disclosed(record, item=shared, today=date(2026, 4, 1)) is False
    record.severity = Severity.MINOR
    assert is_publicly_disclosed(record, item=minor, today=date(2026, 4, 1)) is False
    record.severity = Severity.GENERAL
    record.status = RecordStatus.REVOKED
    assert is_publicly_disclosed(record, item=item, today=date(2026, 4, 1)) is False


def test_positive_records_expire_when_their_validity_ends():
    # given
    penalty_item(category=Category.POSITIVE, severity="", validity_months=12)
    _submit(provider(), [row("S-1")], "k1")
    # when
    early = records_expire(today=date(2027, 2, 28))
    due = records_expire(today=date(2027, 3, 1))
    # then
    assert (early, due) == (0, 1)
    assert CreditRecord.objects.get().status == RecordStatus.EXPIRED
