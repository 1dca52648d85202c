"""Public and staff pages of content, scheduled publication, the reference data, the home-page
blocks and the sitemap (docs/outreach.md)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.outreach import services
from chengxin.outreach.choices import ArticleKind, ArticleStatus
from chengxin.outreach.demo import DEMO_ARTICLES, demo_content_ensure
from chengxin.outreach.models import Article, CampaignDay
from chengxin.outreach.reference import load_reference_data
from chengxin.outreach.selectors import article_attachments, campaign_current_or_next, home_blocks
from chengxin.outreach.sitemaps import ContentSitemap
from chengxin.outreach.tests.factories import draft, in_review, provider, published, reviewer

pytestmark = pytest.mark.django_db
PUBLIC_PAGES = [
    "outreach:news",
    "outreach:policies",
    "outreach:plan",
    "outreach:rules",
    "outreach:campaigns",
    "outreach:education",
    "outreach:culture",
    "outreach:models",
    "outreach:warnings",
    "outreach:reader",
]


def _seeded() -> None:
    load_reference_data(stdout=io.StringIO())


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_content_page_answers_in_chinese(client, name):
    # given
    _seeded()
    # when
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then
    assert response.status_code == 200


def test_the_plan_is_rendered_with_its_headings_and_a_table_of_contents(client):
    # when
    page = client.get(reverse("outreach:plan")).content.decode()
    # then
    assert '<h3 id="part-1">一、總體要求</h3>' in page
    assert "<h4>(一)加強個人誠信教育</h4>" in page
    assert 'href="#part-1"' in page
    assert "齊政辦規〔2017〕24號" in page


def test_the_rules_page_lists_the_national_rules_from_the_spec(client):
    # when
    page = client.get(reverse("outreach:rules")).content.decode()
    # then
    assert "《中华人民共和国个人信息保护法》" in page
    assert "GB 11643-1999《公民身份号码》" in page


def test_a_published_article_is_public_and_an_unpublished_one_is_not_found(client):
    # given
    author, publisher = provider(), reviewer()
    article = published(author, publisher)
    url = reverse("outreach:article", args=[article.pk])
    # when
    shown = client.get(url)
    services.article_unpublish(actor=publisher, article_id=article.pk)
    gone = client.get(url)
    # then
    assert (shown.status_code, gone.status_code) == (200, 404)
    assert "<h2>基本情况</h2>" in shown.content.decode()


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_content_not_yet_published_is_not_found_and_not_listed(client, state):
    # given
    author, publisher = provider(), reviewer()
    later = timezone.now() + datetime.timedelta(hours=3)
    article = {
        "draft": lambda: draft(author),
        "in_review": lambda: in_review(author),
        "scheduled": lambda: published(author, publisher, publish_at=later),
    }[state]()
    # when
    detail = client.get(reverse("outreach:article", args=[article.pk]))
    listing = client.get(reverse("outreach:news")).content.decode()
    # then
    assert detail.status_code == 404
    assert article.title not in listing
    assert article.title not in [getattr(item, "title", "") for item in ContentSitemap().items()]


def test_a_scheduled_article_appears_when_its_time_has_come(client):
    # given
    author, publisher = provider(), reviewer()
    article = published(author, publisher, publish_at=timezone.now() + datetime.timedelta(hours=1))
    # when: the time comes (moved here by a direct update of the test's own row)
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("outreach:article", args=[article.pk]))
    # then
    assert response.status_code == 200
    assert reverse("outreach:article", args=[article.pk]) in [
        ContentSitemap().location(item) for item in ContentSitemap().items()
    ]


def test_editor_text_is_escaped_never_html(client):
    # given
    author, publisher = provider(), reviewer()
    article = in_review(author, title="<b>标题</b>")
    services.article_return(actor=publisher, article_id=article.pk, reason="改")
    services.article_update(
        actor=author,
        article_id=article.pk,
        kind=ArticleKind.NEWS,
        title="<b>标题</b>",
        body='<script>alert("x")</script>\n## <i>小标题</i>',
    )
    services.article_submit(actor=author, article_id=article.pk)
    services.article_publish(actor=publisher, article_id=article.pk)
    # when
    page = client.get(reverse("outreach:article", args=[article.pk])).content.decode()
    # then
    assert "<script>alert" not in page and "<b>标题" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<h2>&lt;i&gt;小标题&lt;/i&gt;</h2>" in page


@pytest.mark.parametrize("page", ["0", "51", "abc", "9"])
def test_pages_out_of_range_are_not_found(client, page):
    # when
    response = client.get(reverse("outreach:news"), {"page": page})
    # then
    assert response.status_code == 404


def test_the_reference_data_loads_twice_without_change():
    # given
    _seeded()
    first = list(Article.objects.order_by("pk").values()), list(CampaignDay.objects.values())
    events = AuditEvent.objects.count()
    out = io.StringIO()
    # when
    load_reference_data(stdout=out)
    # then
    second = list(Article.objects.order_by("pk").values()), list(CampaignDay.objects.values())
    assert (second, AuditEvent.objects.count()) == (first, events)
    assert out.getvalue() == "宣传节点：未变 9。\n教育内容：未变 7。\n"


def test_an_edited_reference_page_keeps_its_edits():
    # given
    _seeded()
    chapter = Article.objects.get(reference_key="reader-01-credit-record")
    publisher = reviewer()
    services.article_unpublish(actor=publisher, article_id=chapter.pk)
    services.article_update(
        actor=publisher,
        article_id=chapter.pk,
        kind=ArticleKind.READER,
        title="第一章（修订）",
        body="修订后的正文。",
        position=1,
    )
    out = io.StringIO()
    # when
    load_reference_data(stdout=out)
    # then
    chapter.refresh_from_db()
    assert (chapter.title, chapter.status) == ("第一章（修订）", ArticleStatus.DRAFT)
    assert out.getvalue() == "宣传节点：未变 9。\n教育内容：未变 7。\n"


def test_the_calendar_shows_this_years_dates_and_the_next_campaign():
    # given
    _seeded()
    # when
    after_children = campaign_current_or_next(today=datetime.date(2026, 6, 2))
    in_september = campaign_current_or_next(today=datetime.date(2026, 9, 20))
    after_december = campaign_current_or_next(today=datetime.date(2026, 12, 5))
    # then
    assert (after_children.campaign.code, after_children.starts) == (
        "credit-record-day",
        datetime.date(2026, 6, 14),
    )
    assert in_september.campaign.code == "integrity-month"
    assert in_september.is_on(datetime.date(2026, 9, 20))
    assert (after_december.campaign.code, after_december.starts) == (
        "spring-festival",
        datetime.date(2027, 2, 6),
    )


def test_the_calendar_page_lists_a_dates_activities(client):
    # given
    _seeded()
    year = timezone.localdate().year
    services.activity_create(
        actor=reviewer(),
        campaign_code="constitution-day",
        year=year,
        title="宪法宣传进社区",
        organiser="市司法局",
        description="发放信用知识读本。",
    )
    # when
    page = client.get(reverse("outreach:campaigns")).content.decode()
    # then
    assert "宪法宣传进社区" in page and "市司法局" in page


def test_the_home_blocks_show_latest_news_cases_and_campaign(django_assert_num_queries):
    # given
    _seeded()
    author, publisher = provider(), reviewer()
    news = published(author, publisher, title="新闻一")
    case = published(author, publisher, kind=ArticleKind.WARNING, title="案例一")
    # when
    with django_assert_num_queries(4):
        blocks = home_blocks(today=datetime.date(2026, 6, 2))
    html = render_to_string("outreach/_home_blocks.html", {"home_blocks": blocks})
    # then
    assert ([a.pk for a in blocks.news], [a.pk for a in blocks.cases]) == ([news.pk], [case.pk])
    assert "全国信用记录关爱日" in html and "案例一" in html


def test_the_news_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # given
    author, publisher = provider(), reviewer()
    for number in range(20):
        published(author, publisher, title=f"动态{number}")
    # when
    with django_assert_max_num_queries(8):
        response = client.get(reverse("outreach:news"))
    # then
    assert response.context["page"].paginator.count == 20


def test_a_provider_drafts_on_the_staff_pages_and_a_reviewer_publishes(client):
    # given
    author, publisher = provider(), reviewer()
    sign_in_verified(client, author)
    # when
    created = client.post(
        reverse("content:new"),
        {"kind": "news", "title": "税务局开展诚信纳税宣传", "body": "正文。", "summary": ""},
    )
    article = Article.objects.get()
    client.post(reverse("content:submit", args=[article.pk]))
    sign_in_verified(client, publisher)
    client.post(reverse("content:publish", args=[article.pk]), {"publish_at": ""})
    # then
    article.refresh_from_db()
    assert (created.status_code, article.status) == (302, ArticleStatus.PUBLISHED)
    assert client.get(reverse("content:list")).context["page"].paginator.count == 1


def test_a_too_long_title_keeps_what_was_typed_and_names_the_field(client):
    # given
    sign_in_verified(client, provider())
    # when
    response = client.post(
        reverse("content:new"), {"kind": "news", "title": "长" * 121, "body": "正文。"}
    )
    # then
    assert response.status_code == 422
    assert "title" in response.context["form"].errors
    assert Article.objects.count() == 0


def test_the_demo_content_is_published_once():
    # given
    _seeded()
    staff_user(Role.PROVIDER, username="demo-provider")
    staff_user(Role.REVIEWER, username="demo-reviewer")
    # when
    demo_content_ensure(stdout=io.StringIO())
    demo_content_ensure(stdout=io.StringIO())
    # then
    demo = Article.objects.filter(source="演示数据")
    assert demo.filter(status=ArticleStatus.PUBLISHED).count() == len(DEMO_ARTICLES)
    assert demo.count() == len(DEMO_ARTICLES)


def test_a_file_larger_than_the_default_body_limit_reaches_the_attachment_checks(client):
    # given
    author = provider()
    article = draft(author)
    sign_in_verified(client, author)
    pdf = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    # when
    response = client.post(
        reverse("content:attachment_add", args=[article.pk]),
        {"attachments": SimpleUploadedFile("通知.pdf", pdf)},
    )
    # then
    assert response.status_code == 302
    assert len(article_attachments(article)) == 1


def test_the_staff_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # given
    author = provider()
    for number in range(30):
        draft(author, title=f"草稿{number}")
    sign_in_verified(client, reviewer())
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("content:list"))
    # then
    assert [
        len(response.context["page"].object_list),
        response.context["page"].paginator.count,
    ] == [
        25,
        30,
    ]


def test_a_chapter_of_the_reader_links_to_the_chapters_before_and_after(client):
    # given
    _seeded()
    second = Article.objects.get(reference_key="reader-02-disclosure")
    # when
    response = client.get(reverse("outreach:article", args=[second.pk]))
    # then
    assert response.context["previous_chapter"].reference_key == "reader-01-credit-record"
    assert response.context["next_chapter"].reference_key == "reader-03-objection"
