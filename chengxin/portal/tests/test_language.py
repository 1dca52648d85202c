"""Chinese first: public and citizen pages in zh-Hans whatever the browser asks, English on request."""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.mark.parametrize("path", ["/", "/disclosure/serious/", "/query/", "/account/login/"])
def test_an_english_browser_still_gets_chinese(client, path):
    # when
    response = client.get(path, **ENGLISH_BROWSER)

    # then
    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_the_switch_to_english_is_remembered(client):
    # given
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/disclosure/serious/"})

    # when
    home = client.get("/")
    listing = client.get("/disclosure/serious/")

    # then
    assert switched.status_code == 302 and switched["Location"] == "/disclosure/serious/"
    assert '<html lang="en"' in home.content.decode()
    assert '<html lang="en"' in listing.content.decode()


def test_switching_back_to_chinese(client):
    # given
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    # when
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    # then
    assert '<html lang="zh-Hans"' in client.get("/", **ENGLISH_BROWSER).content.decode()


def test_a_forged_language_cookie_gets_chinese(client):
    # given
    client.cookies["django_language"] = "xx-forged"

    # when
    response = client.get("/", **ENGLISH_BROWSER)

    # then
    assert '<html lang="zh-Hans"' in response.content.decode()


def test_staff_pages_keep_the_browser_language(client):
    # given
    sign_in_verified(client, staff_user(Role.REVIEWER, username="reviewer.qian"))

    # when
    response = client.get("/staff/", **ENGLISH_BROWSER)

    # then
    assert '<html lang="en"' in response.content.decode()
