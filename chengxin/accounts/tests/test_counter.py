"""The service counter: pending accounts found by the number's last characters or the mobile,
confirmed when the number typed from the card is the account's, refused with a reason."""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import CitizenAccountStatus, Role
from chengxin.accounts.citizens import citizen_sign_up
from chengxin.accounts.models import CitizenAccount
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.identity.services import subject_get_or_create

pytestmark = pytest.mark.django_db


def _pending(sequence: int, *, name: str = "王小明"):
    return citizen_sign_up(
        id_number=id_number(sequence),
        name=name,
        mobile=f"1391234567{sequence}",
        email="",
        password="Qiqihar-credit-2026",
        agreed=True,
    ).citizen_account


@pytest.fixture
def counter(client):
    reviewer = staff_user(Role.REVIEWER, username="counter-clerk")
    sign_in_verified(client, reviewer)
    return client


def test_the_list_shows_pending_accounts_without_full_numbers(counter):
    # given
    subject_get_or_create(id_number=id_number(1), name="王大明", actor=None)
    _pending(1)
    _pending(2, name="李四")
    # when
    page = counter.get("/staff/citizens/").content.decode()
    # then
    assert "待核验的账户（2）" in page
    assert "**************" + id_number(1)[-4:] in page
    assert id_number(1) not in page and id_number(1)[:6] not in page
    assert page.count("姓名与档案不一致") == 1


@pytest.mark.parametrize(
    ("query", "found"), [("last4", 1), ("13912345672", 1), ("5672", 1), ("0000", 0)]
)
def test_the_list_is_searched_by_the_last_characters_or_the_mobile(counter, query, found):
    # given
    _pending(1)
    _pending(2)
    query = id_number(1)[-4:] if query == "last4" else query
    # when
    page = counter.get("/staff/citizens/", {"q": query}).content.decode()
    # then
    assert f"（{found}）" in page


def test_the_counter_confirms_with_the_number_typed_from_the_card(counter):
    # given
    account = _pending(1)
    # when
    detail = counter.get(f"/staff/citizens/{account.pk}/")
    response = counter.post(f"/staff/citizens/{account.pk}/confirm/", {"id_number": id_number(1)})
    # then
    assert detail.status_code == 200
    assert (response.status_code, response.url) == (302, "/staff/citizens/")
    account.refresh_from_db()
    assert account.status == CitizenAccountStatus.CONFIRMED
    assert list(
        AuditEvent.objects.filter(object_type="citizen_account")
        .exclude(action=AuditAction.CREATE)
        .values_list("action", "actor_username", "purpose")
    ) == [
        (AuditAction.PERSONAL_DATA_READ, "counter-clerk", "citizen_account_proofing"),
        (AuditAction.DECISION, "counter-clerk", ""),
    ]


def test_another_number_is_refused_beside_the_field_and_not_shown_again(counter):
    # given
    account = _pending(1)
    # when
    response = counter.post(f"/staff/citizens/{account.pk}/confirm/", {"id_number": id_number(2)})
    # then
    page = response.content.decode()
    assert response.status_code == 422
    assert "输入的身份证号码与该账户注册时填写的号码不一致，不能核验。" in page
    assert id_number(2) not in page
    account.refresh_from_db()
    assert account.status == CitizenAccountStatus.PENDING


def test_the_counter_refuses_with_a_reason(counter):
    # given
    account = _pending(1)
    # when
    empty = counter.post(f"/staff/citizens/{account.pk}/refuse/", {"reason": ""})
    response = counter.post(f"/staff/citizens/{account.pk}/refuse/", {"reason": "证件与申请人不符"})
    # then
    assert empty.status_code == 422
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.status, account.refusal_reason) == (
        CitizenAccountStatus.REFUSED,
        "证件与申请人不符",
    )


@pytest.mark.parametrize(
    "role", [Role.PROVIDER, Role.OFFICER, Role.ADMIN, Role.SECURITY, Role.AUDITOR]
)
def test_only_the_counter_capability_reaches_the_pages(client, role):
    # given
    account = _pending(1)
    sign_in_verified(client, staff_user(role, username=f"staff-{role}"))
    # when
    answers = [
        client.get("/staff/citizens/").status_code,
        client.get(f"/staff/citizens/{account.pk}/").status_code,
        client.post(
            f"/staff/citizens/{account.pk}/confirm/", {"id_number": id_number(1)}
        ).status_code,
    ]
    # then
    assert answers == [403, 403, 403]
    assert CitizenAccount.objects.get().status == CitizenAccountStatus.PENDING
