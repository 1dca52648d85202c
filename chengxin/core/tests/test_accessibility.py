"""The display settings shared by public and staff pages: text size and high contrast, chosen
with plain form buttons, kept in cookies, applied on the server."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.core.accessibility import CONTRAST_COOKIE, TEXT_SIZE_COOKIE

pytestmark = pytest.mark.django_db

DISPLAY = reverse("display_settings")


def test_a_chosen_text_size_is_remembered_and_the_visitor_goes_back():
    # given
    client = Client()
    # when
    response = client.post(DISPLAY, {"text_size": "larger", "next": "/verify/?x=1"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/verify/?x=1"
    cookie = response.cookies[TEXT_SIZE_COOKIE]
    assert cookie.value == "larger"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) > 30 * 24 * 3600
    assert CONTRAST_COOKIE not in response.cookies


def test_high_contrast_is_switched_on_and_off():
    # given
    client = Client()
    # when
    on = client.post(DISPLAY, {"contrast": "high", "next": "/"})
    off = client.post(DISPLAY, {"contrast": "normal", "next": "/"})
    # then
    assert on.cookies[CONTRAST_COOKIE].value == "high"
    assert off.cookies[CONTRAST_COOKIE].value == "normal"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
        "/" + "a" * 3000,
    ],
)
def test_a_next_address_off_the_site_goes_to_the_home_page(target):
    # when
    response = Client().post(DISPLAY, {"text_size": "large", "next": target})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_unknown_value_sets_nothing():
    # when
    response = Client().post(DISPLAY, {"text_size": "huge", "contrast": "<script>", "next": "/"})
    # then
    assert response.status_code == 302
    assert TEXT_SIZE_COOKIE not in response.cookies
    assert CONTRAST_COOKIE not in response.cookies


def test_the_settings_are_only_changed_by_a_form_post():
    assert Client().get(DISPLAY).status_code == 405


def test_the_public_pages_render_the_settings_and_offer_the_controls():
    # given: a visitor who chose large text and high contrast
    client = Client()
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    client.cookies[CONTRAST_COOKIE] = "high"
    # when
    html = client.get("/").content.decode()
    # then: the page's root carries the classes, and the pressed buttons say so
    assert 'class="text-large contrast-high"' in html
    assert f'action="{DISPLAY}"' in html
    assert 'name="text_size" value="large" aria-pressed="true"' in html
    assert 'name="contrast" value="normal" aria-pressed="true"' in html


def test_a_forged_cookie_counts_as_the_normal_setting():
    # given
    client = Client()
    client.cookies[TEXT_SIZE_COOKIE] = '"><script>'
    # when
    html = client.get("/").content.decode()
    # then
    assert '<html lang="zh-Hans" class="">' in html
    assert 'name="text_size" value="normal" aria-pressed="true"' in html


def test_the_staff_pages_offer_the_same_controls():
    # given
    client = Client()
    sign_in_verified(client, staff_user(Role.REVIEWER, username="a11y-reviewer"))
    client.cookies[TEXT_SIZE_COOKIE] = "larger"
    # when
    html = client.get(reverse("backoffice:home")).content.decode()
    sign_in_page = Client().get(reverse("accounts:login")).content.decode()
    # then
    assert 'class="text-larger"' in html
    assert 'class="a11y-controls"' in html
    assert 'class="a11y-controls"' in sign_in_page
    assert 'class="skip-link" href="#main"' in html
