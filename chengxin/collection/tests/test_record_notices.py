"""People with a confirmed account are told of their new disclosed negative records, set-based:
one look-up of accounts per chunk, one insert of notices, mail after commit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengxin.accounts.choices import NoticeKind
from chengxin.accounts.models import CitizenAccount, Notice
from chengxin.accounts.tests.factories import confirmed_citizen
from chengxin.catalog.choices import Disclosure, Severity
from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import penalty_item, provider, row, tax_department

pytestmark = pytest.mark.django_db


def _submit(records, *, key="notices-1", item=None):
    item = item or penalty_item()
    return submission_create(
        actor=provider(),
        department=tax_department(),
        item_code=item.code,
        operation="upsert",
        records=records,
        idempotency_key=key,
        channel=SubmissionChannel.API,
    )


def _id(sequence):
    from chengxin.collection.tests.factories import id_number

    return id_number(sequence)


def test_a_new_disclosed_negative_record_tells_the_person_with_an_account(
    django_capture_on_commit_callbacks,
):
    # given
    citizen = confirmed_citizen(_id(1), username="citizen-a")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _submit([row("N-1", sequence=1, decided_on="2026-11-01"), row("N-2", sequence=2)])
    # then
    assert list(Notice.objects.values_list("user", "kind", "title", "link")) == [
        (citizen.pk, NoticeKind.RECORD, "您有一条新的失信信息记录", "/my/")
    ]
    body = Notice.objects.get().body
    assert (
        "国家税务总局齐齐哈尔市税务局报送了一条关于您的“税务行政处罚”记录（决定日期2026-11-01）"
        in body
    )
    assert _id(1) not in body


def test_a_new_version_tells_again_and_an_unchanged_row_does_not():
    # given
    confirmed_citizen(_id(1))
    item = penalty_item()
    _submit([row("N-1", sequence=1)], key="first", item=item)
    # when
    _submit([row("N-1", sequence=1)], key="same", item=item)
    _submit([row("N-1", sequence=1, document_no="齐税罚〔2026〕2号")], key="changed", item=item)
    # then
    assert Notice.objects.count() == 2


@pytest.mark.parametrize(
    "item",
    [
        {"disclosure": Disclosure.SHARED},
        {"severity": Severity.MINOR},
    ],
)
def test_records_that_are_not_disclosed_tell_nobody(item):
    # given
    confirmed_citizen(_id(1))
    # when
    _submit([row("N-1", sequence=1)], item=penalty_item(**item))
    # then
    assert Notice.objects.count() == 0


def test_a_pending_account_is_not_told():
    # given
    citizen = confirmed_citizen(_id(1))
    CitizenAccount.objects.filter(user=citizen).update(status="pending")
    # when
    _submit([row("N-1", sequence=1)])
    # then
    assert Notice.objects.count() == 0


def test_the_accounts_of_a_chunk_are_looked_up_in_one_query():
    # given
    for sequence in range(1, 6):
        confirmed_citizen(_id(sequence), username=f"citizen-{sequence}")
    records = [row(f"N-{number}", sequence=number) for number in range(1, 41)]
    # when
    with CaptureQueriesContext(connection) as queries:
        _submit(records)
    # then
    account_queries = [q["sql"] for q in queries if '"accounts_citizenaccount"' in q["sql"]]
    notice_inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "accounts_notice"')
    ]
    assert (len(account_queries), len(notice_inserts)) == (1, 1)
    assert Notice.objects.count() == 5
