"""The staff workbench as a department clerk first meets it: sign-in, enrolment, the catalog."""

import base64
import time

from django.core.management import call_command
from django_otp.oath import TOTP

from chengxin.accounts.services import user_create

PASSWORD = "Qiqihar-credit-2026"


def _code_for(secret: str) -> str:
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in_enrolling(page, username: str, screenshot=None) -> None:
    """Sign in with the password and enrol the second factor, as on a first visit."""
    page.goto("/staff/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if screenshot:
        screenshot("staff-sign-in")
    page.get_by_role("button", name="下一步").click()
    secret = page.locator(".totp-secret").inner_text()
    if screenshot:
        screenshot("staff-enrol")
    page.fill("#id_code", _code_for(secret))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/staff/")


def test_a_provider_enrols_the_second_factor_and_reads_the_catalog(page, screenshot, db):
    # given: the reference data and a provider of the tax bureau
    call_command("seed", verbosity=0)
    user_create(
        username="li.na", department_code="tax", role="provider", password=PASSWORD, actor=None
    )

    # when: the clerk opens the workbench and signs in with password, then enrols
    sign_in_enrolling(page, "li.na", screenshot)

    # then: the workbench greets the clerk with the department's tasks
    assert "国家税务总局齐齐哈尔市税务局" in page.locator("main").inner_text()
    screenshot("staff-home-provider")

    # when: the clerk opens the catalog and one tax item
    page.goto("/staff/catalog/?department=tax")
    screenshot("staff-catalog")
    page.locator("main table a").first.click()

    # then: the item's fields are listed with their Chinese titles
    assert "证件号码" in page.locator("main").inner_text()
    screenshot("staff-catalog-item")
