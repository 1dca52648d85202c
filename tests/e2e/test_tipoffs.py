"""An anonymous visitor reports a false tax record on the public site, answers the captcha, gets
a tracking number and a query code, and follows the tip-off with them; the credit office's
reviewer routes it to the tax bureau, whose provider answers; the visitor reads the outcome.
The captcha's answer is read from the browser's session, where the test settings keep it."""

from importlib import import_module

from django.conf import settings
from django.core.management import call_command

from chengxin.accounts.services import user_create
from chengxin.dueprocess.tipoffs.captcha import expected_answer
from chengxin.dueprocess.tipoffs.models import TipOff
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling

TEXT = "某建材公司在2026年11月的政府采购投标中提交了伪造的完税证明，投标文件编号QQHR-2026-118。"
ANSWER = "经核查，该公司提交的完税证明确系伪造，已移送有关部门依法处理。"


def _captcha_answer(page) -> str:
    session_key = next(
        cookie["value"]
        for cookie in page.context.cookies()
        if cookie["name"] == settings.SESSION_COOKIE_NAME
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    return expected_answer(store)


def test_an_anonymous_tip_off_is_followed_routed_and_answered(page, screenshot, db):
    # given: the reference data, a reviewer of the credit office and a provider of the tax bureau
    call_command("seed", verbosity=0)
    user_create(
        username="wu.jing", department_code="market", role="reviewer", password=PASSWORD, actor=None
    )
    user_create(
        username="sun.li", department_code="tax", role="provider", password=PASSWORD, actor=None
    )

    # when: a visitor opens the tip-off form from the site's navigation and fills it in
    page.goto("/")
    page.get_by_role("link", name="信用举报").click()
    page.wait_for_url("**/tipoffs/new/")
    page.wait_for_load_state("load")
    page.get_by_label("信用记录虚假或错误").check()
    page.fill("#id_concerned_name", "齐齐哈尔某建材有限公司")
    page.select_option("#id_department", label="国家税务总局齐齐哈尔市税务局")
    page.fill("#id_text", TEXT)
    page.fill("#id_captcha", _captcha_answer(page))
    screenshot("tipoff-form-filled")
    page.get_by_role("button", name="提交举报").click()

    # then: the receipt shows the tracking number and the query code once
    page.wait_for_selector("#tracking-number")
    number = page.locator("#tracking-number").inner_text()
    code = page.locator("#query-code").inner_text()
    assert number.startswith("JB") and len(code.replace("-", "")) == 12
    screenshot("tipoff-receipt")
    tipoff = TipOff.objects.get()
    assert tipoff.number == number and code.replace("-", "") not in tipoff.query_code_hash

    # when: the visitor follows it with both
    page.goto("/tipoffs/status/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.get_by_role("button", name="查询").click()

    # then: filed, waiting to be routed
    assert "待分办" in page.locator("main").inner_text()
    screenshot("tipoff-status-filed")

    # when: the reviewer opens the queue and the case, and routes it to the tax bureau
    page.context.clear_cookies()
    sign_in_enrolling(page, "wu.jing")
    page.get_by_role("link", name="举报办理").first.click()
    page.wait_for_url("**/staff/tipoffs/")
    screenshot("staff-tipoff-queue")
    page.get_by_role("link", name=number).click()
    case = page.locator("main").inner_text()
    assert TEXT in case and "齐齐哈尔某建材有限公司" in case
    page.select_option("#id_department", label="国家税务总局齐齐哈尔市税务局")
    screenshot("staff-tipoff-case")
    page.get_by_role("button", name="转交办理").click()
    page.wait_for_url(f"**/staff/tipoffs/{tipoff.pk}/")
    assert "已转交主管部门办理" in page.locator("main").inner_text()

    # when: the tax bureau's provider answers
    page.context.clear_cookies()
    sign_in_enrolling(page, "sun.li")
    page.goto(f"/staff/tipoffs/{tipoff.pk}/")
    page.get_by_label("举报属实，已依法处理").check()
    page.fill("#id_answer", ANSWER)
    screenshot("staff-tipoff-answer-form")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_url(f"**/staff/tipoffs/{tipoff.pk}/")
    assert "已答复办理结果" in page.locator("main").inner_text()

    # then: the visitor reads the outcome with the number and the code
    page.context.clear_cookies()
    page.goto("/tipoffs/status/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.get_by_role("button", name="查询").click()
    result = page.locator("main").inner_text()
    assert "已答复" in result and ANSWER in result and "国家税务总局齐齐哈尔市税务局" in result
    screenshot("tipoff-status-answered")
