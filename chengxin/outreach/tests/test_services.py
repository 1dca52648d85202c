"""The content workflow's services: every step, its audit event, and refusals that write
nothing (docs/outreach.md)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import DepartmentFactory, staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.outreach import error_codes, limits, services
from chengxin.outreach.choices import ArticleKind, ArticleStatus, Transition
from chengxin.outreach.models import Article, ArticleImage
from chengxin.outreach.reference import load_reference_data
from chengxin.outreach.selectors import article_attachments
from chengxin.outreach.tests.factories import (
    BODY,
    draft,
    in_review,
    jpeg_with_exif,
    png,
    provider,
    published,
    reviewer,
)

pytestmark = pytest.mark.django_db


def _events(article) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="outreach.article", object_id=str(article.pk))
        .order_by("pk")
        .values_list("detail__transition", flat=True)
    )


def _nothing_written(call):
    articles, events = Article.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as raised:
        call()
    assert (Article.objects.count(), AuditEvent.objects.count()) == (articles, events)
    return raised.value


def test_a_draft_goes_through_review_to_publication_with_one_event_per_step():
    # given
    author, publisher = provider(), reviewer()
    # when
    article = draft(author)
    services.article_submit(actor=author, article_id=article.pk)
    services.article_publish(actor=publisher, article_id=article.pk)
    services.article_unpublish(actor=publisher, article_id=article.pk)
    # then
    article.refresh_from_db()
    assert (article.status, article.publish_at, article.department) == (
        ArticleStatus.DRAFT,
        None,
        author.department,
    )
    assert _events(article) == [
        Transition.CREATE,
        Transition.SUBMIT,
        Transition.PUBLISH,
        Transition.UNPUBLISH,
    ]


def test_the_reviewer_returns_an_article_with_a_reason_and_the_editor_edits_it_again():
    # given
    author, publisher = provider(), reviewer()
    article = in_review(author)
    # when
    services.article_return(actor=publisher, article_id=article.pk, reason="请补充活动时间。")
    services.article_update(
        actor=author, article_id=article.pk, kind=ArticleKind.NEWS, title="新标题", body=BODY
    )
    # then
    article.refresh_from_db()
    assert (article.status, article.title, article.return_reason) == (
        ArticleStatus.DRAFT,
        "新标题",
        "请补充活动时间。",
    )
    assert _events(article)[-2:] == [Transition.RETURN, Transition.UPDATE]


def test_publication_in_the_future_is_kept_and_in_the_past_counts_as_now():
    # given
    author, publisher = provider(), reviewer()
    later = timezone.now() + datetime.timedelta(days=2)
    earlier = timezone.now() - datetime.timedelta(days=2)
    # when
    scheduled = published(author, publisher, publish_at=later)
    backdated = published(author, publisher, publish_at=earlier, title="另一篇")
    # then
    assert scheduled.publish_at == later
    assert backdated.publish_at > earlier + datetime.timedelta(days=1)


def test_a_provider_may_not_publish_and_nothing_is_written():
    # given
    author = provider()
    article = in_review(author)
    # when
    error = _nothing_written(lambda: services.article_publish(actor=author, article_id=article.pk))
    # then
    assert (error.status, error.code) == (403, error_codes.NOT_ALLOWED)
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN, Role.SECURITY, Role.AUDITOR])
def test_roles_without_content_work_cannot_draft(role):
    # given
    actor = staff_user(role, username=f"no-content-{role}")
    # when
    error = _nothing_written(lambda: draft(actor))
    # then
    assert error.status == 403


def test_another_departments_provider_does_not_see_the_draft():
    # given
    article = draft(provider())
    court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
    other = staff_user(Role.PROVIDER, department=court, username="court-provider")
    # when
    error = _nothing_written(lambda: services.article_submit(actor=other, article_id=article.pk))
    # then
    assert (error.status, error.code) == (404, error_codes.NOT_FOUND)


def test_a_step_the_state_does_not_allow_is_refused_and_writes_nothing():
    # given
    author, publisher = provider(), reviewer()
    article = draft(author)
    # when
    error = _nothing_written(
        lambda: services.article_publish(actor=publisher, article_id=article.pk)
    )
    again = _nothing_written(
        lambda: services.article_unpublish(actor=publisher, article_id=article.pk)
    )
    # then
    assert (error.status, again.status) == (409, 409)
    assert error.code == error_codes.WRONG_STATUS


def test_an_article_in_review_cannot_be_edited():
    # given
    author = provider()
    article = in_review(author)
    # when
    error = _nothing_written(
        lambda: services.article_update(
            actor=author, article_id=article.pk, kind=ArticleKind.NEWS, title="改", body=BODY
        )
    )
    # then
    assert error.status == 409


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("title", {"title": "长" * (limits.TITLE_MAX_LENGTH + 1)}),
        ("title", {"title": "  "}),
        ("body", {"body": "身份证号码 110101199003074514 的当事人"}),
        ("kind", {"kind": "poem"}),
    ],
)
def test_bad_fields_are_refused_naming_the_field(field, values):
    # given
    author = provider()
    arguments = {"kind": ArticleKind.NEWS, "title": "标题", "body": BODY, **values}
    # when
    error = _nothing_written(lambda: services.article_create(actor=author, **arguments))
    # then
    assert error.status == 422
    assert [item["field"] for item in error.details["errors"]] == [field]


def test_an_image_is_re_encoded_without_its_metadata():
    # given
    author = provider()
    article = draft(author)
    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()
    # when
    image = services.article_image_add(
        actor=author, article_id=article.pk, data=original, alt="宣传活动现场"
    )
    # then
    stored = Image.open(io.BytesIO(bytes(image.data)))
    assert (stored.format, stored.size, dict(stored.getexif())) == ("JPEG", (40, 30), {})
    assert bytes(image.data) != original
    assert _events(article)[-1] == Transition.IMAGE_ADD


def test_a_large_picture_is_scaled_down_to_the_longest_side():
    # given
    author = provider()
    article = draft(author)
    # when
    image = services.article_image_add(
        actor=author, article_id=article.pk, data=png((3200, 800)), alt="长图"
    )
    # then
    assert (image.width, image.height) == (limits.IMAGE_MAX_SIDE, 400)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + b"\0" * 20, error_codes.IMAGE_TYPE_REFUSED),
        (b"\x89PNG\r\n\x1a\n" + b"broken", error_codes.IMAGE_UNREADABLE),
        (b"\xff\xd8\xff" + b"\0" * (limits.IMAGE_MAX_BYTES + 1), error_codes.IMAGE_TOO_LARGE),
    ],
)
def test_images_that_are_not_pictures_or_too_large_are_refused(data, code):
    # given
    author = provider()
    article = draft(author)
    # when
    with pytest.raises(DomainError) as raised:
        services.article_image_add(actor=author, article_id=article.pk, data=data, alt="图")
    # then
    assert (raised.value.status, raised.value.code) == (422, code)
    assert ArticleImage.objects.count() == 0


def test_an_attachment_is_kept_through_the_attachment_checks():
    # given
    author = provider()
    article = draft(author)
    # when
    services.article_attachment_add(
        actor=author, article_id=article.pk, file=IncomingFile(name="通知.png", data=png())
    )
    # then
    assert [a.file_name for a in article_attachments(article)] == ["通知.png"]
    assert _events(article)[-1] == Transition.ATTACHMENT_ADD


def test_a_reviewer_registers_a_campaign_activity():
    # given
    load_reference_data(stdout=io.StringIO())
    # when
    activity = services.activity_create(
        actor=reviewer(),
        campaign_code="credit-record-day",
        year=2026,
        held_on=datetime.date(2026, 6, 14),
        title="信用记录关爱日宣传",
        organiser="市市场监管局",
        description="在人民广场设咨询台。",
    )
    # then
    assert (
        AuditEvent.objects.filter(
            object_type="outreach.activity", object_id=str(activity.pk)
        ).count()
        == 1
    )


def test_a_provider_cannot_register_activities():
    # when
    with pytest.raises(DomainError) as raised:
        services.activity_create(
            actor=provider(),
            campaign_code="credit-record-day",
            year=2026,
            title="活动",
            organiser="单位",
            description="内容",
        )
    # then
    assert raised.value.status == 403


def test_the_credit_office_reports_how_an_activity_went():
    # given
    load_reference_data(stdout=io.StringIO())
    publisher = reviewer()
    activity = services.activity_create(
        actor=publisher,
        campaign_code="national-day",
        year=2026,
        title="国庆诚信旅游宣传",
        organiser="市文旅局",
        description="景区宣传。",
    )
    # when
    services.activity_report(actor=publisher, activity_id=activity.pk, report="发放资料三千份。")
    # then
    activity.refresh_from_db()
    assert activity.report == "发放资料三千份。" and activity.reported_at is not None
    assert (
        AuditEvent.objects.filter(
            object_type="outreach.activity", object_id=str(activity.pk)
        ).count()
        == 2
    )


def test_a_provider_cannot_report_an_activity_and_nothing_is_written():
    # given
    load_reference_data(stdout=io.StringIO())
    activity = services.activity_create(
        actor=reviewer(),
        campaign_code="national-day",
        year=2026,
        title="活动",
        organiser="单位",
        description="内容",
    )
    events = AuditEvent.objects.count()
    # when
    with pytest.raises(DomainError) as raised:
        services.activity_report(actor=provider(), activity_id=activity.pk, report="情况")
    # then
    activity.refresh_from_db()
    assert (raised.value.status, activity.report, AuditEvent.objects.count()) == (403, "", events)
