"""Content on the public site: a provider of the tax bureau drafts a news item with a picture,
the credit office's reviewer previews and publishes it, and a visitor reads it on the news page;
the policies, the plan, the campaign calendar and the education pages as a visitor sees them."""

import io

from django.core.management import call_command
from PIL import Image

from chengxin.accounts.services import user_create
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling

TITLE = "市税务局开展诚信纳税宣传月活动"
BODY = "市税务局在全市开展诚信纳税宣传。\n\n## 活动安排\n- 进社区讲解纳税信用\n- 发放信用知识读本"


def _photo(tmp_path) -> str:
    path = tmp_path / "现场.jpg"
    output = io.BytesIO()
    Image.new("RGB", (640, 360), (179, 36, 28)).save(output, format="JPEG")
    path.write_bytes(output.getvalue())
    return str(path)


def test_a_draft_is_reviewed_published_and_read_on_the_public_site(page, screenshot, db, tmp_path):
    # given: the reference data, a provider of the tax bureau and a credit-office reviewer
    call_command("seed", verbosity=0)
    for username, department, role in (
        ("wang.fang", "tax", "provider"),
        ("liu.yang", "market", "reviewer"),
    ):
        user_create(
            username=username, department_code=department, role=role, password=PASSWORD, actor=None
        )

    # when: the provider drafts a news item with a picture and sends it for review
    sign_in_enrolling(page, "wang.fang")
    page.get_by_role("link", name="网站内容").first.click()
    page.get_by_role("link", name="新建内容").click()
    page.select_option("#id_kind", "news")
    page.fill("#id_title", TITLE)
    page.fill("#id_body", BODY)
    screenshot("staff-content-draft")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/staff/content/*/")
    page.set_input_files("#id_image", _photo(tmp_path))
    page.fill("#id_alt", "社区宣传现场")
    page.get_by_role("button", name="上传图片").click()
    page.get_by_role("button", name="提交审核").click()

    # then: it waits for review, and is not on the public site
    assert "待审核" in page.locator(".article-status").inner_text()
    page.goto("/news/")
    assert TITLE not in page.locator("main").inner_text()

    # when: the reviewer previews it and publishes it
    page.context.clear_cookies()
    sign_in_enrolling(page, "liu.yang")
    page.goto("/staff/content/?status=in_review")
    screenshot("staff-content-queue")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="预览").click()
    assert "活动安排" in page.locator("main h2").first.inner_text()
    screenshot("staff-content-preview")
    page.go_back()
    page.get_by_role("button", name="审核发布").click()
    assert "已发布" in page.locator(".article-status").inner_text()

    # then: a visitor sees it on the news page and reads it, picture included
    page.context.clear_cookies()
    page.goto("/news/")
    screenshot("portal-news")
    page.get_by_role("link", name=TITLE).click()
    article = page.locator("main article")
    assert article.locator("h1").inner_text() == TITLE
    assert article.locator("img").get_attribute("alt") == "社区宣传现场"
    # the picture loads after the page's text: wait for it before reading its size
    article.locator("img").scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('main article img').complete")
    assert page.evaluate("document.querySelector('main article img').naturalWidth") == 640
    screenshot("portal-news-article")


def test_the_policies_calendar_and_education_pages(page, screenshot, db):
    # given
    call_command("seed", verbosity=0)

    # when / then: the plan with its table of contents
    page.goto("/policies/")
    screenshot("portal-policies")
    page.get_by_role("link", name="齐齐哈尔市个人诚信体系建设工作方案").click()
    assert page.locator("main h1").inner_text() == "齐齐哈尔市个人诚信体系建设工作方案"
    page.locator(".content-toc a", has_text="二、工作任務").click()
    screenshot("portal-plan")
    page.goto("/policies/rules/")
    assert "个人信息保护法" in page.locator("main table").inner_text()
    screenshot("portal-rules")

    # the campaign calendar lists the plan's nine dates
    page.goto("/campaigns/")
    assert page.locator(".campaign-calendar > li").count() == 9
    screenshot("portal-campaigns")

    # the education pages and a chapter of the reader
    page.goto("/education/")
    screenshot("portal-education")
    page.goto("/education/reader/")
    page.get_by_role("link", name="第四章 纠正失信行为：信用修复").click()
    assert "信用修复不收取任何费用" in page.locator("main article").inner_text()
    screenshot("portal-reader-chapter")


def test_the_credit_office_registers_a_campaign_activity_shown_on_the_calendar(
    page, screenshot, db
):
    # given
    call_command("seed", verbosity=0)
    user_create(
        username="zhou.jie",
        department_code="market",
        role="reviewer",
        password=PASSWORD,
        actor=None,
    )
    sign_in_enrolling(page, "zhou.jie")

    # when: the reviewer registers an activity for the credit record day
    page.goto("/staff/content/")
    page.get_by_role("link", name="诚信宣传活动").click()
    page.select_option("#id_campaign", "credit-record-day")
    page.fill("#id_title", "6·14信用记录关爱日集中宣传")
    page.fill("#id_organiser", "市市场监管局")
    page.fill("#id_description", "在中心广场设咨询台，讲解信用报告查询和信用修复。")
    screenshot("staff-content-activity")
    page.get_by_role("button", name="登记", exact=True).click()

    # when: after the day, the reviewer records how it went
    page.locator("textarea[name=report]").first.fill("共接待群众咨询两百余人次。")
    page.get_by_role("button", name="记录开展情况").first.click()
    assert "活动开展情况已记录" in page.locator(".messages").inner_text()

    # then: the calendar shows it under its date, with its report
    page.context.clear_cookies()
    page.goto("/campaigns/")
    day = page.locator("#campaign-credit-record-day")
    assert "6·14信用记录关爱日集中宣传" in day.inner_text()
    assert "市市场监管局" in day.inner_text()
    assert "共接待群众咨询两百余人次。" in day.inner_text()
    screenshot("portal-campaigns-activity")
