"""Citizens' accounts: sign-up, counter proofing, lapse, contact details, closing (services)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chengxin.accounts import error_codes
from chengxin.accounts.choices import CitizenAccountStatus, IdentityProofing, NoticeKind, Role
from chengxin.accounts.citizens import (
    citizen_account_close,
    citizen_account_confirm,
    citizen_account_refuse,
    citizen_accounts_lapse,
    citizen_contact_update,
    citizen_sign_up,
)
from chengxin.accounts.models import CitizenAccount, Notice, User
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.crypto import blind_index
from chengxin.core.errors import DomainError
from chengxin.identity.services import subject_get_or_create

pytestmark = pytest.mark.django_db
PASSWORD = "Qiqihar-credit-2026"


def _sign_up(sequence: int = 1, **overrides):
    values = {
        "id_number": id_number(sequence),
        "name": "王小明",
        "mobile": "13912345678",
        "email": "Wang@Example.cn",
        "password": PASSWORD,
        "agreed": True,
    }
    values.update(overrides)
    return citizen_sign_up(**values)


def _events(object_type="citizen_account"):
    return list(
        AuditEvent.objects.filter(object_type=object_type)
        .order_by("pk")
        .values_list("action", "actor_username", "subject_index", "detail")
    )


def test_a_sign_up_opens_a_pending_account_bound_by_blind_index_and_audits_it():
    # when
    user = _sign_up()
    # then
    account = user.citizen_account
    assert (user.role, user.display_name, user.email) == (Role.CITIZEN, "王小明", "wang@example.cn")
    assert user.username.startswith("c") and len(user.username) == 13
    assert user.check_password(PASSWORD)
    assert (account.status, account.proofing, account.mobile, account.id_masked) == (
        CitizenAccountStatus.PENDING,
        IdentityProofing.COUNTER,
        "13912345678",
        "**************" + id_number(1)[-4:],
    )
    assert account.subject_index == blind_index(id_number(1))
    assert (account.notify_by_email, account.notify_by_sms, account.name_differs) == (
        True,
        True,
        False,
    )
    assert _events() == [
        (
            AuditAction.CREATE,
            user.username,
            blind_index(id_number(1)),
            {
                "status": "pending",
                "proofing": "counter",
                "name_differs": False,
                "contact": ["mobile", "email"],
            },
        )
    ]


def test_a_sign_up_refuses_every_wrong_field_at_once_with_the_validations_messages():
    # given
    bad_number = id_number(1)[:-1] + ("0" if id_number(1)[-1] != "0" else "1")
    # when
    with pytest.raises(DomainError) as refusal:
        _sign_up(id_number=bad_number, name="", mobile="1234", email="nobody", password="123")
    # then
    errors = [(error["field"], error["code"]) for error in refusal.value.details["errors"]]
    assert errors == [
        ("id_number", "id_checksum"),
        ("name", error_codes.CITIZEN_NAME_REQUIRED),
        ("mobile", error_codes.CITIZEN_MOBILE_INVALID),
        ("email", error_codes.CITIZEN_EMAIL_INVALID),
        ("password", error_codes.USER_PASSWORD_WEAK),
        ("password", error_codes.USER_PASSWORD_WEAK),
        ("password", error_codes.USER_PASSWORD_WEAK),
    ]
    assert refusal.value.details["errors"][0]["message"] == "身份证号码校验码不正确，请核对号码。"
    assert refusal.value.status == 422
    assert (User.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_a_sign_up_needs_a_contact_and_the_agreement():
    # when
    with pytest.raises(DomainError) as refusal:
        _sign_up(mobile="", email="", agreed=False)
    # then
    assert [error["code"] for error in refusal.value.details["errors"]] == [
        error_codes.CITIZEN_CONTACT_REQUIRED,
        error_codes.CITIZEN_AGREEMENT_REQUIRED,
    ]


def test_a_mobile_number_is_taken_as_people_type_it():
    # when
    user = _sign_up(mobile="+86 139-1234-5678", email="")
    # then
    assert user.citizen_account.mobile == "13912345678"
    assert user.email == ""


def test_a_second_sign_up_for_the_same_number_is_told_without_revealing_the_account():
    # given
    _sign_up()
    # when
    with pytest.raises(DomainError) as refusal:
        _sign_up(mobile="13800000000", email="other@example.cn", name="李四")
    # then
    assert (refusal.value.code, refusal.value.status) == (
        error_codes.CITIZEN_ALREADY_REGISTERED,
        409,
    )
    assert "找回密码" in refusal.value.message
    assert "139" not in refusal.value.message and "wang" not in refusal.value.message
    assert CitizenAccount.objects.count() == 1


def test_a_mobile_number_or_e_mail_of_another_account_is_refused():
    # given
    _sign_up()
    # when
    with pytest.raises(DomainError) as refusal:
        _sign_up(sequence=2, email="WANG@example.cn", mobile="13912345678")
    # then
    assert [error["code"] for error in refusal.value.details["errors"]] == [
        error_codes.CITIZEN_MOBILE_TAKEN,
        error_codes.CITIZEN_EMAIL_TAKEN,
    ]
    assert User.objects.filter(role=Role.CITIZEN).count() == 1


def test_a_name_that_differs_from_the_file_is_flagged_for_the_counter():
    # given
    subject_get_or_create(id_number=id_number(1), name="王大明", actor=None)
    subject_get_or_create(id_number=id_number(2), name="李 四", actor=None)
    # when
    differs = _sign_up()
    same = _sign_up(sequence=2, name="李四", mobile="13800000000", email="li@example.cn")
    # then
    assert (differs.citizen_account.name_differs, same.citizen_account.name_differs) == (
        True,
        False,
    )


def test_the_counter_confirms_when_the_typed_number_is_the_accounts():
    # given
    user = _sign_up()
    reviewer = staff_user(Role.REVIEWER, username="counter")
    # when
    account = citizen_account_confirm(
        account=user.citizen_account,
        id_number=f" {id_number(1)[:6]} {id_number(1)[6:]} ",
        actor=reviewer,
    )
    # then
    assert (account.status, account.confirmed_by, account.proofing) == (
        CitizenAccountStatus.CONFIRMED,
        reviewer,
        IdentityProofing.COUNTER,
    )
    assert _events()[-1][:3] == (AuditAction.DECISION, "counter", blind_index(id_number(1)))
    assert _events()[-1][3] == {"status": "confirmed", "proofing": "counter"}
    assert list(Notice.objects.values_list("user", "kind", "title")) == [
        (user.pk, NoticeKind.ACCOUNT, "您的账户已完成身份核验")
    ]


def test_the_counter_cannot_confirm_with_another_number():
    # given
    user = _sign_up()
    reviewer = staff_user(Role.REVIEWER, username="counter")
    # when
    with pytest.raises(DomainError) as refusal:
        citizen_account_confirm(
            account=user.citizen_account, id_number=id_number(2), actor=reviewer
        )
    # then
    assert refusal.value.code == error_codes.CITIZEN_ID_NUMBER_MISMATCH
    user.citizen_account.refresh_from_db()
    assert user.citizen_account.status == CitizenAccountStatus.PENDING
    assert [event[0] for event in _events()] == [AuditAction.CREATE]


def test_a_confirmed_account_is_not_confirmed_again():
    # given
    user = _sign_up()
    reviewer = staff_user(Role.REVIEWER, username="counter")
    citizen_account_confirm(account=user.citizen_account, id_number=id_number(1), actor=reviewer)
    # when
    with pytest.raises(DomainError) as refusal:
        citizen_account_confirm(
            account=user.citizen_account, id_number=id_number(1), actor=reviewer
        )
    # then
    assert (refusal.value.code, refusal.value.status) == (error_codes.CITIZEN_NOT_PENDING, 409)


def test_a_refusal_ends_the_account_clears_its_contacts_and_frees_the_number():
    # given
    squatter = _sign_up()
    reviewer = staff_user(Role.REVIEWER, username="counter")
    # when
    citizen_account_refuse(
        account=squatter.citizen_account, reason="持证人与申请人不符", actor=reviewer
    )
    real = _sign_up(name="王小明", mobile="13912345678", email="wang@example.cn")
    # then
    squatter.refresh_from_db()
    account = squatter.citizen_account
    assert (account.status, account.refusal_reason, account.refused_by) == (
        CitizenAccountStatus.REFUSED,
        "持证人与申请人不符",
        reviewer,
    )
    assert (squatter.is_active, squatter.email, account.mobile, squatter.has_usable_password()) == (
        False,
        "",
        "",
        False,
    )
    assert real.citizen_account.status == CitizenAccountStatus.PENDING
    assert [event[0] for event in _events()] == [
        AuditAction.CREATE,
        AuditAction.DECISION,
        AuditAction.CREATE,
    ]


def test_a_refusal_needs_a_reason():
    # given
    user = _sign_up()
    # when
    with pytest.raises(DomainError) as refusal:
        citizen_account_refuse(account=user.citizen_account, reason="  ", actor=None)
    # then
    assert refusal.value.code == error_codes.CITIZEN_REFUSAL_REASON_REQUIRED


def test_pending_accounts_lapse_after_the_policy_days_and_a_new_sign_up_frees_the_number():
    # given
    old = _sign_up()
    recent = _sign_up(sequence=2, mobile="13800000000", email="li@example.cn")
    CitizenAccount.objects.filter(pk=old.citizen_account.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    # when
    lapsed = citizen_accounts_lapse()
    again = citizen_accounts_lapse()
    # then
    assert (lapsed, again) == (1, 0)
    old.citizen_account.refresh_from_db()
    recent.citizen_account.refresh_from_db()
    assert (old.citizen_account.status, recent.citizen_account.status) == (
        CitizenAccountStatus.REFUSED,
        CitizenAccountStatus.PENDING,
    )
    assert old.citizen_account.refusal_reason == "注册后30日内未核验身份，账户已自动失效。"
    assert _events()[-1][3] == {"status": "refused", "lapsed": True}


def test_a_sign_up_for_a_number_held_by_a_lapsed_pending_account_goes_through():
    # given
    squatter = _sign_up(mobile="13800000000", email="")
    CitizenAccount.objects.filter(pk=squatter.citizen_account.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    # when
    real = _sign_up()
    # then
    assert real.citizen_account.status == CitizenAccountStatus.PENDING
    squatter.citizen_account.refresh_from_db()
    assert squatter.citizen_account.status == CitizenAccountStatus.REFUSED


def test_contact_details_change_with_an_audit_event_naming_the_fields_only():
    # given
    user = _sign_up()
    # when
    account = citizen_contact_update(
        account=user.citizen_account,
        mobile="13800000000",
        email="wang@example.cn",
        notify_by_email=False,
        notify_by_sms=True,
        actor=user,
    )
    # then
    user.refresh_from_db()
    assert (account.mobile, user.email, account.notify_by_email, account.notify_by_sms) == (
        "13800000000",
        "wang@example.cn",
        False,
        True,
    )
    assert _events()[-1][:2] == (AuditAction.UPDATE, user.username)
    assert _events()[-1][3] == {"changed": ["mobile", "notify_by_email"]}


def test_notices_by_e_mail_need_an_address():
    # given
    user = _sign_up()
    # when
    account = citizen_contact_update(
        account=user.citizen_account,
        mobile="13912345678",
        email="",
        notify_by_email=True,
        notify_by_sms=True,
        actor=user,
    )
    # then
    assert (account.notify_by_email, account.notify_by_sms) == (False, True)


def test_another_accounts_mobile_number_is_refused_and_nothing_changes():
    # given
    user = _sign_up()
    _sign_up(sequence=2, mobile="13800000000", email="li@example.cn")
    # when
    with pytest.raises(DomainError) as refusal:
        citizen_contact_update(
            account=user.citizen_account,
            mobile="13800000000",
            email="wang@example.cn",
            notify_by_email=True,
            notify_by_sms=True,
            actor=user,
        )
    # then
    assert refusal.value.code == error_codes.CITIZEN_MOBILE_TAKEN
    user.citizen_account.refresh_from_db()
    assert user.citizen_account.mobile == "13912345678"


def test_closing_clears_the_account_keeps_the_file_and_allows_a_new_sign_up():
    # given
    subject = subject_get_or_create(id_number=id_number(1), name="王小明", actor=None)
    user = _sign_up()
    citizen_account_confirm(account=user.citizen_account, id_number=id_number(1), actor=None)
    # when
    citizen_account_close(account=user.citizen_account, actor=user)
    again = _sign_up()
    # then
    user.refresh_from_db()
    assert (user.citizen_account.status, user.is_active, user.email, user.display_name) == (
        CitizenAccountStatus.CLOSED,
        False,
        "",
        "",
    )
    assert Notice.objects.filter(user=user).count() == 0
    assert subject.__class__.objects.filter(pk=subject.pk).exists()
    assert again.citizen_account.status == CitizenAccountStatus.PENDING
    assert [event[0] for event in _events()] == [
        AuditAction.CREATE,
        AuditAction.DECISION,
        AuditAction.DELETE,
        AuditAction.CREATE,
    ]
