"""The staff shell in a real browser: each staff role signs in and follows its main path through
the navigation; the display settings are toggled and remembered; axe-core finds no serious or
critical problem on the staff pages."""

from __future__ import annotations

import pytest

from chengxin.accounts.services import user_create
from chengxin.accounts.tests.factories import DepartmentFactory, credit_office
from tests.e2e.axe import serious_violations
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling

pytestmark = pytest.mark.django_db(transaction=True)

# Per role: its department and the menu entries of its main path, in the order followed.
MAIN_PATHS = {
    "provider": ("tax", ["数据报送", "数据质量", "异议处理", "信息目录"]),
    "officer": ("tax", ["奖惩核查", "批量核查", "核查反馈率", "信用查询与报告"]),
    "reviewer": ("market", ["异议处理", "举报办理", "公众账户核验", "数据质量", "奖惩措施清单"]),
    "admin": ("market", ["部门", "政策参数"]),
    "security": ("market", ["用户与角色", "接口令牌"]),
    "auditor": ("market", ["审计日志"]),
}

DEPARTMENT_NAMES = {
    role: "国家税务总局齐齐哈尔市税务局" if department == "tax" else "齐齐哈尔市市场监督管理局"
    for role, (department, _) in MAIN_PATHS.items()
}
ROLE_NAMES = {
    "provider": "数据报送员",
    "officer": "业务经办员",
    "reviewer": "信用办审核员",
    "admin": "系统管理员",
    "security": "安全管理员",
    "auditor": "审计管理员",
}


def _departments() -> None:
    DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")
    credit_office()


def _staff(role: str) -> str:
    department, _ = MAIN_PATHS[role]
    username = f"shell.{role}"
    user_create(
        username=username, department_code=department, role=role, password=PASSWORD, actor=None
    )
    return username


def _assert_accessible(page, name: str) -> None:
    found = serious_violations(page)
    assert found == [], f"{name}: {found}"


@pytest.mark.parametrize("role", list(MAIN_PATHS))
def test_each_role_follows_its_main_path_through_the_navigation(page, screenshot, role):
    # given: a staff member of the role
    _departments()
    username = _staff(role)
    # when: they sign in
    sign_in_enrolling(page, username)
    # then: the shell names them, their department and role, and the workbench is current
    assert page.locator(".staff-user-name").inner_text() == username
    assert page.locator(".staff-user-department").inner_text() == DEPARTMENT_NAMES[role]
    assert page.locator(".staff-user-role").inner_text() == ROLE_NAMES[role]
    assert page.locator("nav.staff-nav a[aria-current='page']").inner_text() == "工作台首页"
    screenshot(f"shell-{role}-home")
    _assert_accessible(page, f"{role} home")
    # when: they follow the main path through the menu
    for number, label in enumerate(MAIN_PATHS[role][1], start=1):
        page.locator("nav.staff-nav").get_by_role("link", name=label, exact=True).click()
        page.wait_for_load_state()
        screenshot(f"shell-{role}-{number}")
        if "/staff/admin/" in page.url:  # the Django admin has its own layout
            assert page.locator("#content").is_visible()
            page.go_back()
            continue
        # then: each page is open, marked current in the menu and named in the breadcrumbs
        current = page.locator("nav.staff-nav a[aria-current='page']")
        assert current.inner_text() == label
        assert label in page.locator("nav.breadcrumbs").inner_text()
        _assert_accessible(page, f"{role} {label}")


def test_text_size_and_high_contrast_are_remembered_across_pages(page, screenshot):
    # given: a reviewer at the workbench
    _departments()
    sign_in_enrolling(page, _staff("reviewer"))
    controls = page.locator("header .a11y-controls")
    # when: they choose the largest text
    controls.get_by_role("button", name="特大").click()
    page.wait_for_load_state()
    # then: the page is larger and stays so on another page
    assert "text-larger" in (page.locator("html").get_attribute("class") or "")
    assert controls.get_by_role("button", name="特大").get_attribute("aria-pressed") == "true"
    size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
    assert size == "22px"
    page.locator("nav.staff-nav").get_by_role("link", name="异议处理").click()
    assert "text-larger" in (page.locator("html").get_attribute("class") or "")
    screenshot("shell-text-larger")
    # when: they switch high contrast on
    controls.get_by_role("button", name="高对比度").click()
    page.wait_for_load_state()
    # then: the page is high contrast, still on the same page, and stays so after a reload
    assert "/staff/objections/" in page.url
    page.reload()
    classes = page.locator("html").get_attribute("class") or ""
    assert "contrast-high" in classes and "text-larger" in classes
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(0, 0, 0)"
    screenshot("shell-high-contrast")
    _assert_accessible(page, "high contrast")
    # when: they go back to normal
    controls.get_by_role("button", name="高对比度").click()
    controls.get_by_role("button", name="标准").click()
    # then
    assert (page.locator("html").get_attribute("class") or "") == ""


def test_the_public_site_offers_the_same_settings(page, screenshot):
    # when: a visitor picks large text on the home page
    page.goto("/")
    page.locator(".a11y-controls").get_by_role("button", name="大", exact=True).click()
    page.wait_for_load_state()
    # then
    assert "text-large" in (page.locator("html").get_attribute("class") or "")
    page.goto("/verify/")
    assert "text-large" in (page.locator("html").get_attribute("class") or "")
    screenshot("public-text-large")


def test_the_keyboard_reaches_the_content_and_focus_is_visible(page):
    # given
    _departments()
    sign_in_enrolling(page, _staff("provider"))
    # when: the first Tab and Enter on the page
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.press("Enter")
    # then: the skip link came first, was visibly focused, and moved focus to the content
    assert focused == "skip-link"
    assert outline != "none"
    assert page.evaluate("() => document.activeElement.id") == "main"
    # when: they tab on to the menu
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('nav.staff-nav')"):
            break
    # then: a menu link is focused, with a visible outline
    assert page.evaluate("() => !!document.activeElement.closest('nav.staff-nav')")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_the_shell_fits_a_phone(browser, live_server, screenshot):
    # given: a phone-sized window
    _departments()
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 800}
    )
    phone = context.new_page()
    try:
        sign_in_enrolling(phone, _staff("officer"))
        # then: nothing is wider than the screen, and the menu comes before the content
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375
        nav_top = phone.locator("nav.staff-nav").bounding_box()["y"]
        main_top = phone.locator("main").bounding_box()["y"]
        assert nav_top < main_top
        phone.screenshot(path="test-artifacts/screenshots/shell-phone.png", full_page=True)
    finally:
        context.close()


def test_the_sign_in_page_has_no_serious_accessibility_problem(page, screenshot):
    # when: a visitor opens the workbench without a session
    page.goto("/staff/")
    # then: the sign-in page has the display settings and passes axe-core
    assert page.locator(".a11y-controls").is_visible()
    assert page.locator("nav.staff-nav").count() == 0
    screenshot("shell-sign-in")
    _assert_accessible(page, "sign-in")
