"""Real-name proofing by OpenID Connect, end to end against a real provider on 127.0.0.1
(``tests/oidc_provider``: django-oauth-toolkit with OIDC on, in its own process). Only the
provider's users are made up; discovery, the code flow, the signed ID token, the key set and the
userinfo endpoint are the provider's own."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from chengxin.accounts.choices import CitizenAccountStatus, IdentityProofing
from chengxin.accounts.citizens import citizen_sign_up
from chengxin.accounts.models import CitizenAccount
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.crypto import blind_index

pytestmark = pytest.mark.django_db

CLIENT_ID = "chengxin-test"
CLIENT_SECRET = "oidc-test-client-secret"
REDIRECT_URI = "http://testserver/account/oidc/callback/"
PROVIDER_PASSWORD = "provider-password-1"
STARTUP_SECONDS = 60
REPOSITORY = Path(__file__).resolve().parents[3]
USERS = {
    "zhang": {"claims": {"id_number": id_number(7), "id_number_verified": True, "name": "张三"}},
    "li": {"claims": {"id_number": id_number(8), "id_number_verified": True, "name": "李四",
                      "email": "li@example.cn", "phone_number": "13700000008"}},
    "unverified": {"claims": {"id_number": id_number(9), "id_number_verified": False}},
}  # fmt: skip


class Provider:
    def __init__(self, base: str) -> None:
        self.base = base
        self.issuer = f"{base}/o"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider process, for the module's tests; stopped at the end."""
    port = _free_port()
    users = {name: {"password": PROVIDER_PASSWORD, **user} for name, user in USERS.items()}
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_TEST_DATABASE": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_USERS": json.dumps(users),
        "OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_TEST_REDIRECT_URI": REDIRECT_URI,
    }
    log = open(tmp_path_factory.mktemp("oidc-log") / "provider.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"],
        cwd=REPOSITORY,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = Provider(f"http://127.0.0.1:{port}")
    try:
        _wait_until_up(provider, process)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_until_up(provider: Provider, process: subprocess.Popen) -> None:
    discovery = f"{provider.issuer}/.well-known/openid-configuration"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("The test OIDC provider stopped while starting.")
        try:
            if _direct().get(discovery, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("The test OIDC provider did not start.")


def _direct() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # the provider is on this machine: no proxy
    return session


@pytest.fixture
def oidc_settings(settings, provider, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    settings.CHENGXIN_IDENTITY_PROOFING = IdentityProofing.OIDC
    settings.CHENGXIN_OIDC_ISSUER = provider.issuer
    settings.CHENGXIN_OIDC_CLIENT_ID = CLIENT_ID
    settings.CHENGXIN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    return provider


def _through_provider(client, provider: Provider, username: str, *, start="/account/oidc/start/"):
    """The person signs in at the provider and is sent back; the platform's answer."""
    started = client.get(start)
    assert started.status_code == 302 and started.url.startswith(f"{provider.issuer}/authorize/")
    browser = _direct()
    login_page = f"{provider.base}/accounts/login/"
    browser.get(login_page, timeout=10)
    signed_in = browser.post(
        login_page,
        data={
            "username": username,
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302
    back = browser.get(started.url, allow_redirects=False, timeout=10).headers["Location"]
    assert back.startswith(REDIRECT_URI)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def _pending(sequence: int, *, mobile: str):
    return citizen_sign_up(
        id_number=id_number(sequence),
        name="王小明",
        mobile=mobile,
        email="",
        password="Qiqihar-credit-2026",
        agreed=True,
    )


def test_a_verified_person_signs_in_with_a_new_account_confirmed_at_once(client, oidc_settings):
    # when
    response = _through_provider(client, oidc_settings, "li")
    # then
    assert (response.status_code, response.url) == (302, "/account/")
    account = CitizenAccount.objects.get()
    assert (account.status, account.proofing, account.subject_index) == (
        CitizenAccountStatus.CONFIRMED,
        IdentityProofing.OIDC,
        blind_index(id_number(8)),
    )
    assert (account.user.display_name, account.user.email, account.mobile) == (
        "李四",
        "li@example.cn",
        "13700000008",
    )
    assert not account.user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == account.user.pk
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "object_type")) == [
        (AuditAction.CREATE, "citizen_account"),
        (AuditAction.SIGN_IN, "user"),
    ]


def test_the_same_person_signs_in_again_to_the_same_account(client, oidc_settings):
    # given
    _through_provider(client, oidc_settings, "zhang")
    client.post("/account/logout/")
    # when
    response = _through_provider(client, oidc_settings, "zhang")
    # then
    assert response.status_code == 302
    assert CitizenAccount.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == CitizenAccount.objects.get().user_id


def test_a_pending_account_is_proofed_when_the_verified_number_is_its_own(client, oidc_settings):
    # given
    user = _pending(7, mobile="13912345670")
    client.force_login(user)
    # when
    response = _through_provider(client, oidc_settings, "zhang")
    # then
    assert (response.status_code, response.url) == (302, "/account/")
    user.citizen_account.refresh_from_db()
    assert (user.citizen_account.status, user.citizen_account.proofing) == (
        CitizenAccountStatus.CONFIRMED,
        IdentityProofing.OIDC,
    )
    assert user.has_usable_password()


def test_a_pending_account_is_not_proofed_by_another_persons_identity(client, oidc_settings):
    # given
    user = _pending(1, mobile="13912345671")
    client.force_login(user)
    # when
    response = _through_provider(client, oidc_settings, "zhang")
    # then
    assert response.status_code == 409
    assert "实名认证平台核验的身份与本账户注册时填写的身份证号码不一致" in response.content.decode()
    user.citizen_account.refresh_from_db()
    assert user.citizen_account.status == CitizenAccountStatus.PENDING


def test_the_real_person_displaces_a_squatters_pending_account(client, oidc_settings):
    # given
    squatter = _pending(7, mobile="13912345679")
    # when
    _through_provider(client, oidc_settings, "zhang")
    # then
    squatter.citizen_account.refresh_from_db()
    assert squatter.citizen_account.status == CitizenAccountStatus.REFUSED
    confirmed = CitizenAccount.objects.get(status=CitizenAccountStatus.CONFIRMED)
    assert confirmed.subject_index == blind_index(id_number(7))
    assert confirmed.user_id != squatter.pk


def test_an_identity_the_provider_has_not_verified_is_refused(client, oidc_settings):
    # when
    response = _through_provider(client, oidc_settings, "unverified")
    # then
    assert response.status_code == 403
    assert "实名认证平台尚未核验您的身份证件" in response.content.decode()
    assert CitizenAccount.objects.count() == 0


def test_a_forged_state_is_refused(client, oidc_settings):
    # given
    client.get("/account/oidc/start/")
    # when
    response = client.get("/account/oidc/callback/?code=made-up&state=made-up")
    # then
    assert response.status_code == 400
    assert "实名认证未完成" in response.content.decode()
    assert CitizenAccount.objects.count() == 0


def test_the_provider_pages_answer_404_when_proofing_is_at_the_counter(client, settings):
    # given
    settings.CHENGXIN_IDENTITY_PROOFING = IdentityProofing.COUNTER
    # when
    answers = [client.get("/account/oidc/start/").status_code]
    answers.append(client.get("/account/oidc/callback/?code=x&state=y").status_code)
    # then
    assert answers == [404, 404]
