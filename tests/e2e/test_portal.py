"""The public site as a citizen sees it."""

from django.conf import settings


def test_home_page_is_in_chinese_and_switches_to_english(page, screenshot):
    # given / when
    page.goto("/")

    # then
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == f"欢迎访问{settings.CHENGXIN_SITE_NAME}"
    screenshot("portal-home-zh")

    # when
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="切换").click()

    # then
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == f"Welcome to {settings.CHENGXIN_SITE_NAME_EN}"
    screenshot("portal-home-en")
