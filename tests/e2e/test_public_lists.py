"""The public site's disclosure lists and public query in a browser, on a desktop and a phone."""

from __future__ import annotations

import pytest

from chengxin.portal.tests.factories import MORAL_MODEL, disclose, id_number, list_items

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def entries():
    list_items()
    for number in range(25):
        disclose(
            source_id=f"S-{number}",
            sequence=400 + number,
            name=f"周{'一二三四五六七八九十'[number % 10]}",
        )
    disclose(source_id="S-X", sequence=450, name="钱多多", document_no="齐税罚〔2026〕88号")
    disclose(MORAL_MODEL, source_id="R-1", sequence=451, name="孙善")


@pytest.fixture
def english_page(browser, live_server):
    """A browser whose Accept-Language is English."""
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    yield context.new_page()
    context.close()


def test_an_english_browser_gets_the_lists_in_chinese(english_page, entries):
    # when
    english_page.goto("/disclosure/serious/")

    # then
    assert english_page.locator("html").get_attribute("lang") == "zh-Hans"
    assert english_page.locator("h1").inner_text() == "严重失信主体名单"


def test_search_page_and_open_an_entry(page, screenshot, entries):
    # given
    page.goto("/")
    screenshot("public-home")

    # when: the home page's search
    page.fill("#home-search", "钱多多")
    page.get_by_role("button", name="搜索").first.click()

    # then
    assert page.locator("table.portal-table tbody tr").count() == 1
    screenshot("public-serious-search")

    # when
    page.get_by_role("link", name="钱多多").click()

    # then
    assert "齐税罚〔2026〕88号" in page.locator("main").inner_text()
    assert id_number(450) not in page.content()
    screenshot("public-serious-entry")


def test_list_pages_through(page, screenshot, entries):
    # when
    page.goto("/disclosure/serious/")
    screenshot("public-serious-list")
    page.get_by_role("link", name="下一页").click()

    # then
    assert "第 2 页，共 2 页" in page.locator("main").inner_text()
    assert page.locator("table.portal-table tbody tr").count() == 6


def test_bad_filters_get_a_clear_page(page, screenshot, entries):
    # when
    page.goto("/disclosure/serious/?domain=forged&page=abc")

    # then
    text = page.locator("main").inner_text()
    assert "搜索条件有误" in text and "页码必须是正整数" in text
    screenshot("public-serious-bad-filter")


def test_red_list_and_agency_blacklist(page, screenshot, entries):
    # when
    page.goto("/disclosure/red/")

    # then
    assert "孙善" in page.locator("main").inner_text()
    screenshot("public-red-list")

    # when
    page.get_by_role("link", name="信用服务机构失信名单").first.click()

    # then
    assert page.locator("h1").inner_text() == "信用服务机构违规经营黑名单"
    screenshot("public-agency-blacklist")


def test_public_query_by_name_and_number(page, screenshot, entries):
    # when
    page.goto("/query/")
    page.fill("#id_name", "钱多多")
    page.fill("#id_id_number", id_number(450))
    page.get_by_role("button", name="查询").click()

    # then
    text = page.locator("main").inner_text()
    assert "有 1 条公开信用信息" in text
    assert id_number(450) not in page.content()
    screenshot("public-query-answer")


def test_keyboard_reaches_the_navigation_with_visible_focus(page, entries):
    # when
    page.goto("/")
    page.keyboard.press("Tab")

    # then: the skip link comes first and is shown when focused
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_the_list_fits_a_phone(browser, live_server, entries):
    # given
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 740}
    )
    phone = context.new_page()

    # when
    phone.goto("/disclosure/serious/")

    # then: the page itself does not scroll sideways (the table scrolls in its own box)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    phone.screenshot(path="test-artifacts/screenshots/public-serious-phone.png", full_page=True)
    phone.goto("/")
    phone.screenshot(path="test-artifacts/screenshots/public-home-phone.png", full_page=True)
    context.close()
