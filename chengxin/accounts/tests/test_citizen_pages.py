"""Citizens' pages: sign-up, sign-in, the account page, the inbox, password reset, closing."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client

from chengxin.accounts.choices import CitizenAccountStatus, NoticeKind, Role
from chengxin.accounts.citizens import citizen_account_confirm, citizen_sign_up
from chengxin.accounts.models import CitizenAccount, Notice, User
from chengxin.accounts.notices import notice_send
from chengxin.accounts.tests.factories import PASSWORD as STAFF_PASSWORD
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Qiqihar-credit-2026"


def _form(sequence: int = 1, **overrides) -> dict[str, str]:
    values = {
        "id_number": id_number(sequence),
        "name": "王小明",
        "mobile": "13912345678",
        "email": "wang@example.cn",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "agreed": "on",
    }
    values.update(overrides)
    return values


def _citizen(sequence: int = 1, *, confirmed: bool = True, **overrides) -> User:
    values = {
        "id_number": id_number(sequence),
        "name": "王小明",
        "mobile": f"1391234567{sequence}",
        "email": f"citizen{sequence}@example.cn",
        "password": PASSWORD,
        "agreed": True,
    }
    values.update(overrides)
    user = citizen_sign_up(**values)
    if confirmed:
        citizen_account_confirm(
            account=user.citizen_account, id_number=id_number(sequence), actor=None
        )
    return user


def test_the_sign_up_page_opens_a_pending_account_and_signs_the_person_in(client):
    # when
    response = client.post("/account/signup/", _form(), follow=True)
    # then
    page = response.content.decode()
    assert response.redirect_chain == [("/account/", 302)]
    assert "您的账户尚未核验身份，暂时不能查看信用档案。" in page
    assert "政务服务中心 社会信用服务窗口" in page
    assert "**************" + id_number(1)[-4:] in page
    account = CitizenAccount.objects.get()
    assert account.status == CitizenAccountStatus.PENDING
    assert [event.action for event in AuditEvent.objects.order_by("pk")] == [
        AuditAction.CREATE,
        AuditAction.SIGN_IN,
    ]


def test_a_sign_up_with_mistakes_names_each_field_and_keeps_what_was_typed_but_the_number(client):
    # when
    response = client.post(
        "/account/signup/",
        _form(id_number="23020219800517123", mobile="1391234", password_again="other"),
    )
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码应为18位（或15位旧号码）。" in page
    assert "请填写11位中国大陆手机号码" in page
    assert "两次输入的密码不一致。" in page
    assert 'value="王小明"' in page and 'value="wang@example.cn"' in page
    assert "23020219800517123" not in page
    assert User.objects.count() == 0


def test_a_second_sign_up_is_pointed_to_the_password_reset(client):
    # given
    _citizen()
    # when
    response = client.post("/account/signup/", _form(mobile="13800000000", email="x@example.cn"))
    # then
    page = response.content.decode()
    assert "该身份证号码已注册过账户。" in page
    assert "citizen1@example.cn" not in page and "13912345671" not in page


def test_sign_up_is_rate_limited_per_address(client, settings):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "sign_up_address": "2/h",
    }
    for _ in range(2):
        client.post("/account/signup/", _form(mobile="1", email=""))
    # when
    response = client.post("/account/signup/", _form())
    # then
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert User.objects.count() == 0


@pytest.mark.parametrize("contact", ["13912345671", "139 1234 5671", "CITIZEN1@example.cn"])
def test_a_citizen_signs_in_with_mobile_or_e_mail(client, contact):
    # given
    user = _citizen()
    # when
    response = client.post("/account/login/", {"username": contact, "password": PASSWORD})
    # then
    assert (response.status_code, response.url) == (302, "/account/")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_wrong_password_is_refused_counted_and_audited_without_the_contact(client):
    # given
    _citizen()
    # when
    response = client.post("/account/login/", {"username": "13912345671", "password": "nope"})
    # then
    assert "手机号码（电子邮箱）或密码不正确。" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.detail == {"username": "139****5671"}


def test_the_citizens_sign_in_locks_a_contact_at_an_address_after_five_failures(client):
    # given
    _citizen()
    for _ in range(5):
        client.post("/account/login/", {"username": "13912345671", "password": "nope"})
    # when
    response = client.post("/account/login/", {"username": "13912345671", "password": PASSWORD})
    # then
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_staff_accounts_cannot_sign_in_on_the_citizens_page(client):
    # given
    staff_user(Role.REVIEWER, username="reviewer", email="reviewer@example.cn")
    # when
    by_username = client.post(
        "/account/login/", {"username": "reviewer", "password": STAFF_PASSWORD}
    )
    by_email = client.post(
        "/account/login/", {"username": "reviewer@example.cn", "password": STAFF_PASSWORD}
    )
    # then
    assert [by_username.status_code, by_email.status_code] == [200, 200]
    assert "_auth_user_id" not in client.session


def test_citizens_never_get_the_staff_area_and_staff_never_the_citizens_pages(client):
    # given
    citizen = _citizen()
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    staff_client = Client()
    sign_in_verified(staff_client, reviewer)
    client.force_login(citizen)
    # when
    answers = [
        client.get("/staff/").status_code,
        client.get("/staff/citizens/").status_code,
        staff_client.get("/account/").status_code,
        staff_client.get("/account/notices/").status_code,
    ]
    # then
    assert answers == [403, 403, 403, 403]


def test_a_pending_account_sees_what_to_do_and_no_link_to_the_file(client):
    # given
    client.force_login(_citizen(confirmed=False))
    # when
    page = client.get("/account/").content.decode()
    # then
    assert "请本人携带居民身份证" in page
    assert 'href="/my/">我的信用档案' not in page


def test_a_confirmed_account_links_to_the_file_and_shows_unread_notices(client):
    # given
    citizen = _citizen()
    client.force_login(citizen)
    # when
    page = client.get("/account/").content.decode()
    # then
    assert 'data-status="confirmed"' in page
    assert '<a href="/my/">我的信用档案</a>' in page
    assert "1 条未读" in page


def test_the_account_page_changes_contact_details(client):
    # given
    citizen = _citizen()
    client.force_login(citizen)
    # when
    response = client.post(
        "/account/",
        {"mobile": "138 0000 0000", "email": "new@example.cn", "notify_by_sms": "on"},
        follow=True,
    )
    # then
    assert "联系方式和通知设置已保存。" in response.content.decode()
    account = CitizenAccount.objects.get(user=citizen)
    account.user.refresh_from_db()
    assert (account.mobile, account.user.email, account.notify_by_email, account.notify_by_sms) == (
        "13800000000",
        "new@example.cn",
        False,
        True,
    )


def test_the_account_page_refuses_a_bad_mobile_number_beside_the_field(client):
    # given
    client.force_login(_citizen())
    # when
    response = client.post("/account/", {"mobile": "12345", "email": ""})
    # then
    assert "请填写11位中国大陆手机号码" in response.content.decode()


def test_the_inbox_is_newest_first_paged_and_marks_as_read(client):
    # given
    citizen = _citizen()
    for number in range(21):
        notice_send(
            user=citizen, kind=NoticeKind.RECORD, title=f"消息{number}", body="请登录查看。"
        )
    client.force_login(citizen)
    # when
    first_page = client.get("/account/notices/").content.decode()
    newest = Notice.objects.filter(user=citizen).order_by("-created_at", "-id").first()
    client.post(f"/account/notices/{newest.pk}/read/", {"page": "1"})
    # then
    titles = re.findall(r"(消息\d+|您的账户已完成身份核验)</h2>", first_page)
    assert titles[:3] == ["消息20", "消息19", "消息18"]
    assert len(titles) == 20
    assert "第 1 / 2 页" in first_page
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert Notice.objects.filter(user=citizen, read_at__isnull=True).count() == 21


def test_a_citizen_cannot_mark_another_persons_notice(client):
    # given
    owner = _citizen()
    other = _citizen(2)
    notice = Notice.objects.get(user=owner)
    client.force_login(other)
    # when
    response = client.post(f"/account/notices/{notice.pk}/read/")
    # then
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_as_read(client):
    # given
    citizen = _citizen()
    notice_send(user=citizen, kind=NoticeKind.RECORD, title="新记录", body="请登录查看。")
    client.force_login(citizen)
    # when
    client.post("/account/notices/read-all/")
    # then
    assert Notice.objects.filter(user=citizen, read_at__isnull=True).count() == 0


def test_a_password_reset_mail_goes_to_citizens_only(client):
    # given
    _citizen()
    staff_user(Role.REVIEWER, username="reviewer", email="reviewer@example.cn")
    # when
    client.post("/account/password/reset/", {"email": "citizen1@example.cn"})
    staff = client.post("/account/password/reset/", {"email": "reviewer@example.cn"})
    # then
    assert (staff.status_code, staff.url) == (302, "/account/password/reset/sent/")
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["citizen1@example.cn"], "信用齐齐哈尔：重新设置密码")
    ]
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None


def test_the_reset_link_sets_a_new_password(client):
    # given
    citizen = _citizen()
    client.post("/account/password/reset/", {"email": "citizen1@example.cn"})
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    # when
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Another-credit-2027", "new_password2": "Another-credit-2027"},
    )
    # then
    assert (response.status_code, response.url) == (302, "/account/password/reset/complete/")
    citizen.refresh_from_db()
    assert citizen.check_password("Another-credit-2027")


def test_a_failing_mail_server_does_not_break_the_reset_page(client, settings, caplog):
    # given
    settings.EMAIL_BACKEND = "chengxin.accounts.tests.mail.FailingEmailBackend"
    _citizen()
    # when
    with caplog.at_level(logging.WARNING):
        response = client.post("/account/password/reset/", {"email": "citizen1@example.cn"})
    # then
    assert (response.status_code, response.url) == (302, "/account/password/reset/sent/")
    assert "citizen1" not in caplog.text
    assert "A password reset e-mail was not sent (SMTPServerDisconnected)." in caplog.text


def test_password_reset_is_rate_limited_per_e_mail(client, settings):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "password_reset_email": "1/h",
    }
    _citizen()
    client.post("/account/password/reset/", {"email": "citizen1@example.cn"})
    # when
    response = client.post("/account/password/reset/", {"email": "citizen1@example.cn"})
    # then
    assert response.status_code == 429
    assert len(mail.outbox) == 1


def test_closing_needs_the_password_then_signs_out_and_frees_the_person(client):
    # given
    citizen = _citizen()
    client.force_login(citizen)
    # when
    wrong = client.post("/account/delete/", {"password": "nope"})
    right = client.post("/account/delete/", {"password": PASSWORD}, follow=True)
    # then
    assert "密码不正确。" in wrong.content.decode()
    assert right.redirect_chain == [("/", 302)]
    assert "账户已注销。" in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert CitizenAccount.objects.get(user=citizen).status == CitizenAccountStatus.CLOSED
    assert client.post("/account/signup/", _form()).status_code == 302


def test_sign_out_is_a_post(client):
    # given
    client.force_login(_citizen())
    # when
    get = client.get("/account/logout/")
    post = client.post("/account/logout/")
    # then
    assert (get.status_code, post.status_code, post.url) == (405, 302, "/")
    assert "_auth_user_id" not in client.session


def test_the_portal_header_shows_mine_for_citizens_and_sign_in_for_visitors(client):
    # given
    visitor = client.get("/").content.decode()
    client.force_login(_citizen())
    # when
    citizen = client.get("/").content.decode()
    # then
    assert 'href="/account/login/"' in visitor and 'href="/account/signup/"' in visitor
    assert '我的：<a href="/my/">信用档案</a> · <a href="/account/">账户</a>' in citizen


def test_the_privacy_notice_says_what_is_kept_and_why(client):
    # when
    page = client.get("/account/privacy/").content.decode()
    # then
    assert "个人信息保护法" in page
    assert "只保存号码的加密索引" in page
