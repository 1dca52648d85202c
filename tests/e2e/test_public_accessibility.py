"""Every public page of Credit Qiqihar passes axe-core without a serious or critical finding, on
a desktop and on a phone, and the whole public layout is in Chinese for an English browser."""

from __future__ import annotations

import io

import pytest

from chengxin.outreach.reference import load_reference_data
from chengxin.outreach.tests.factories import provider, published, reviewer
from chengxin.portal.tests.factories import MORAL_MODEL, disclose, list_items
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = (
    "/",
    "/disclosure/serious/",
    "/disclosure/red/",
    "/disclosure/agency-blacklist/",
    "/query/",
    "/verify/",
    "/news/",
    "/policies/",
    "/policies/plan/",
    "/policies/rules/",
    "/campaigns/",
    "/campaigns/credit-record-day/",
    "/certificates/verify/",
    "/education/",
    "/education/culture/",
    "/education/models/",
    "/education/warnings/",
    "/education/reader/",
    "/tipoffs/new/",
    "/tipoffs/status/",
    "/account/login/",
    "/account/signup/",
)


@pytest.fixture
def site():
    """A site with disclosed entries, the shipped education pages and campaign dates, and one
    published news article."""
    list_items()
    for number in range(3):
        disclose(source_id=f"A-{number}", sequence=700 + number, name="赵守法")
    disclose(MORAL_MODEL, source_id="A-R", sequence=710, name="钱善良")
    load_reference_data(stdout=io.StringIO())
    published(provider(), reviewer(), title="我市启动诚信宣传月活动")


def _violations_on(page, paths) -> dict[str, list[dict]]:
    found = {}
    for path in paths:
        page.goto(path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    return found


def test_every_public_page_passes_axe_on_a_desktop(page, screenshot, site):
    # given
    page.goto("/")
    screenshot("public-home-with-content")

    # when: every public page and one entry of each list are checked
    page.goto("/disclosure/serious/")
    entry = page.locator("table.portal-table tbody a").first.get_attribute("href")
    found = _violations_on(page, (*PUBLIC_PAGES, entry))

    # then
    assert found == {}


def test_every_public_page_passes_axe_on_a_phone(browser, live_server, site):
    # given: a phone-sized browser with large text and high contrast
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.goto("/")
    page.context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (("chengxin_text_size", "larger"), ("chengxin_contrast", "high"))
        ]
    )

    # when
    found = _violations_on(page, PUBLIC_PAGES)
    page.goto("/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "public-home-phone-high-contrast.png"), full_page=True)
    context.close()

    # then
    assert found == {}
