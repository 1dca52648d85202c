"""A person signs up, sees that the account waits for the counter; a reviewer at the service
counter confirms it with the number typed from the identity card; the person now sees the
account confirmed and the notice that says so."""

from django.core.management import call_command

from chengxin.accounts.services import user_create
from chengxin.collection.tests.factories import id_number
from tests.e2e.conftest import SCREENSHOTS, _html_keeper
from tests.e2e.test_staff import PASSWORD as STAFF_PASSWORD
from tests.e2e.test_staff import sign_in_enrolling

PASSWORD = "Hecheng-credit-2026"
NUMBER = id_number(11)


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_sign_up_and_confirmation_at_the_counter(page, screenshot, browser, live_server, db):
    # given: the reference data and a reviewer of the credit office at the counter
    call_command("seed", verbosity=0)
    user_create(
        username="chen.jing",
        department_code="market",
        role="reviewer",
        password=STAFF_PASSWORD,
        actor=None,
    )

    # when: the person fills in the sign-up form, first with a mistake
    page.goto("/")
    page.get_by_role("link", name="注册").click()
    page.fill("#id_id_number", NUMBER[:-2])
    page.fill("#id_name", "刘晓红")
    page.fill("#id_mobile", "13645201234")
    page.fill("#id_email", "liu.xiaohong@example.cn")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.get_by_role("button", name="注册").click()

    # then: the mistakes are named beside their fields and the number is not shown again
    main = page.locator("main").inner_text()
    assert "身份证号码应为18位（或15位旧号码）。" in main
    assert "请阅读并同意个人信息处理规则后再注册。" in main
    assert page.input_value("#id_name") == "刘晓红"
    assert page.input_value("#id_id_number") == ""
    screenshot("citizen-sign-up-mistakes")

    # when: the person corrects them and agrees to the notice
    page.fill("#id_id_number", NUMBER)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.check("#id_agreed")
    screenshot("citizen-sign-up")
    page.get_by_role("button", name="注册").click()

    # then: the account page says the identity waits for the counter, and where to go
    page.wait_for_url("**/account/")
    main = page.locator("main").inner_text()
    assert "您的账户尚未核验身份，暂时不能查看信用档案。" in main
    assert "政务服务中心 社会信用服务窗口" in main
    assert "待核验身份" in main
    screenshot("citizen-pending")

    # when: at the counter, the reviewer finds the account by the number's last four characters
    counter_context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    counter = counter_context.new_page()
    counter.on("response", _html_keeper(name="counter_confirmation"))
    sign_in_enrolling(counter, "chen.jing")
    counter.get_by_role("link", name="公众账户核验").click()
    counter.fill("#id_q", NUMBER[-4:])
    counter.get_by_role("button", name="查找").click()
    assert "刘晓红" in counter.locator("main").inner_text()
    assert NUMBER not in counter.content()
    _shot(counter, "counter-list")
    counter.get_by_role("link", name="办理", exact=True).click()
    _shot(counter, "counter-detail")

    # when: a number that is not the account's is typed
    counter.fill("#id_id_number", id_number(12))
    counter.get_by_role("button", name="核验通过").click()

    # then: it is refused beside the field
    assert "输入的身份证号码与该账户注册时填写的号码不一致" in counter.locator("main").inner_text()
    _shot(counter, "counter-mismatch")

    # when: the number on the card is typed
    counter.fill("#id_id_number", NUMBER)
    counter.get_by_role("button", name="核验通过").click()

    # then: the counter is told, and the list is empty again
    counter.wait_for_url("**/staff/citizens/")
    assert "账户已核验" in counter.locator("main").inner_text()
    _shot(counter, "counter-confirmed")
    counter_context.close()

    # when: the person opens the account page again
    page.reload()

    # then: the account is confirmed, with the link to the file and the unread notice
    main = page.locator("main").inner_text()
    assert "已核验" in main and "您的账户已与本人身份绑定。" in main
    assert page.get_by_role("link", name="我的信用档案").count() == 1
    screenshot("citizen-confirmed")
    page.get_by_role("link", name="站内消息").click()
    assert "您的账户已完成身份核验" in page.locator("main").inner_text()
    screenshot("citizen-notices")
