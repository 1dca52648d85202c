"""The binding of citizen accounts to people, and notices to them."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from chengxin.accounts.choices import CitizenAccountStatus, IdentityProofing, NoticeKind, Role
from chengxin.accounts.models import CitizenAccount, Notice
from chengxin.accounts.notices import notice_send
from chengxin.accounts.tests.factories import UserFactory
from chengxin.core.errors import DomainError

pytestmark = pytest.mark.django_db
PERSON = "a" * 64


def _account(username: str, status=CitizenAccountStatus.PENDING, **extra) -> CitizenAccount:
    user = UserFactory(role=Role.CITIZEN, username=username, email=f"{username}@example.cn")
    return CitizenAccount.objects.create(
        user=user,
        subject_index=PERSON,
        id_masked="**************1236",
        status=status,
        proofing=IdentityProofing.COUNTER,
        **extra,
    )


def test_a_person_has_at_most_one_active_account():
    # given
    _account("first")
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        _account("second")


def test_a_closed_account_frees_the_person_for_a_new_one():
    # given
    _account("first", status=CitizenAccountStatus.CLOSED)
    # when
    second = _account("second")
    # then
    assert CitizenAccount.objects.filter(subject_index=PERSON).count() == 2
    assert second.status == CitizenAccountStatus.PENDING


def test_a_notice_goes_to_the_inbox_and_by_email_after_commit_when_chosen(
    django_capture_on_commit_callbacks,
):
    # given
    account = _account("wang", notify_by_email=True)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_send(
            user=account.user, kind=NoticeKind.OBJECTION, title="异议已受理", body="请登录查看。"
        )
    # then
    assert list(Notice.objects.values_list("title", "channels")) == [
        ("异议已受理", ["site", "email"])
    ]
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["wang@example.cn"], "信用齐齐哈尔：异议已受理")
    ]
    assert notice.read_at is None


def test_a_notice_refuses_a_full_id_number():
    # given
    from chengxin.collection.tests.factories import id_number

    account = _account("li")
    # when / then
    with pytest.raises(DomainError) as refusal:
        notice_send(user=account.user, kind=NoticeKind.RECORD, title="新记录", body=id_number(2))
    assert refusal.value.code == "text_holds_id_number"
    assert Notice.objects.count() == 0


def test_only_a_confirmed_citizen_reads_through_the_binding():
    # given
    from chengxin.accounts.selectors import confirmed_citizen_account
    from chengxin.accounts.tests.factories import confirmed_citizen
    from chengxin.collection.tests.factories import id_number

    pending = _account("pending")
    confirmed = confirmed_citizen(id_number(4))
    # when / then
    assert confirmed_citizen_account(pending.user) is None
    assert confirmed_citizen_account(confirmed).id_masked == "**************" + id_number(4)[-4:]


def test_a_failing_mail_server_keeps_the_inbox_message_and_logs_nothing_personal(
    settings, django_capture_on_commit_callbacks, caplog
):
    # given
    import logging

    settings.EMAIL_BACKEND = "chengxin.accounts.tests.mail.FailingEmailBackend"
    account = _account("zhao", notify_by_email=True)
    # when
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        notice = notice_send(
            user=account.user, kind=NoticeKind.REPAIR, title="修复结果", body="请登录查看。"
        )
    # then
    assert Notice.objects.filter(pk=notice.pk).exists()
    assert "zhao@example.cn" not in caplog.text
    assert f"Notice {notice.pk} was not sent by email (SMTPServerDisconnected)" in caplog.text


def test_sms_goes_to_the_backend_after_commit(settings, django_capture_on_commit_callbacks, caplog):
    # given
    import logging

    CitizenAccount.objects.all().delete()
    account = _account("sun", notify_by_sms=True, mobile="13912345678")
    # when
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        notice = notice_send(
            user=account.user, kind=NoticeKind.RECORD, title="新记录", body="请登录查看。"
        )
    # then
    assert notice.channels == ["site", "sms"]
    assert f"SMS for notice {notice.pk} to a mobile ending in 5678." in caplog.text
