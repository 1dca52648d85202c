"""Reads of content and the campaign calendar (docs/outreach.md).

Staff reads take the viewer: the credit office's reviewers see every article, a provider its own
department's, anyone else is refused. Public reads see only what is published and due:
``status`` published and ``publish_at`` not after now, so a scheduled article appears at its time
without any job, and an unpublished one is gone at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.permissions import can_draft_content, can_publish_content
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.dueprocess.models import Attachment
from chengxin.outreach import error_codes, limits
from chengxin.outreach.choices import CASE_KINDS, ArticleKind, ArticleStatus, CampaignTiming
from chengxin.outreach.models import Article, ArticleImage, CampaignActivity, CampaignDay

ATTACHMENT_CASE_TYPE = "outreach.article"


def not_found() -> NotFoundError:
    return NotFoundError(error_codes.NOT_FOUND, _("没有找到这篇内容。"), "No such content.")


def not_allowed() -> PermissionDeniedError:
    return PermissionDeniedError(
        error_codes.NOT_ALLOWED,
        _("您的角色不能管理网站内容。"),
        "Your role may not manage the site's content.",
    )


# --- staff -----------------------------------------------------------------------------------


def articles_visible_to(*, user) -> QuerySet[Article]:
    """The articles ``user`` may see in the staff pages; ``PermissionDeniedError`` for a role
    that sees none."""
    if can_publish_content(user):
        return Article.objects.all()
    if can_draft_content(user) and user.department_id is not None:
        return Article.objects.filter(department_id=user.department_id)
    raise not_allowed()


@dataclass(frozen=True)
class StaffFilters:
    kind: str = ""
    status: str = ""


def article_page_visible_to(*, user, filters: StaffFilters, page: int | str = 1) -> Page:
    """One page of the staff list, newest change first (one query for the rows)."""
    articles = articles_visible_to(user=user).select_related("department", "created_by")
    if filters.kind:
        articles = articles.filter(kind=filters.kind)
    if filters.status:
        articles = articles.filter(status=filters.status)
    paginator = Paginator(articles.order_by("-updated_at", "-pk"), limits.STAFF_PAGE_SIZE)
    return paginator.get_page(page)


def article_get_visible_to(*, user, article_id: int) -> Article:
    article = (
        articles_visible_to(user=user)
        .select_related("department", "created_by", "published_by")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise not_found()
    return article


def may_edit(user, article: Article) -> bool:
    """Drafts are edited by the credit office or by a provider of the article's department."""
    if article.status != ArticleStatus.DRAFT:
        return False
    if can_publish_content(user):
        return True
    return can_draft_content(user) and article.department_id == user.department_id


def article_images(article: Article) -> list[ArticleImage]:
    return list(article.images.defer("data").order_by("pk"))


def article_attachments(article: Article) -> list[Attachment]:
    return list(
        Attachment.objects.filter(case_type=ATTACHMENT_CASE_TYPE, case_id=str(article.pk))
        .defer("ciphertext")
        .order_by("created_at")
    )


# --- public ----------------------------------------------------------------------------------


def articles_public(*, now: datetime.datetime | None = None) -> QuerySet[Article]:
    """Published articles whose publication time has come."""
    return Article.objects.filter(
        status=ArticleStatus.PUBLISHED, publish_at__lte=now or timezone.now()
    )


def article_get_public(*, article_id: int) -> Article:
    article = articles_public().filter(pk=article_id).first()
    if article is None:
        raise not_found()
    return article


def article_page_public(*, kinds: tuple[str, ...], page: int) -> Page:
    """A page of a public list, newest first; pages beyond the deepest are refused by the view
    (results per query are bounded, SPEC §13)."""
    articles = articles_public().filter(kind__in=kinds).defer("body").order_by("-publish_at", "-pk")
    return Paginator(articles, limits.PUBLIC_PAGE_SIZE).page(page)


def reader_chapters() -> list[Article]:
    """The chapters of the credit knowledge reader, in order."""
    return list(
        articles_public().filter(kind=ArticleKind.READER).defer("body").order_by("position", "pk")
    )


def public_image_get(*, article_id: int, image_id: int) -> ArticleImage:
    image = ArticleImage.objects.filter(
        pk=image_id, article__in=articles_public().filter(pk=article_id)
    ).first()
    if image is None:
        raise not_found()
    return image


def public_attachment_get(*, article_id: int, attachment_id) -> Attachment:
    if not articles_public().filter(pk=article_id).exists():
        raise not_found()
    attachment = Attachment.objects.filter(
        pk=attachment_id, case_type=ATTACHMENT_CASE_TYPE, case_id=str(article_id)
    ).first()
    if attachment is None:
        raise not_found()
    return attachment


@dataclass(frozen=True)
class HomeBlocks:
    """What the home page shows of the content: latest news, latest typical cases, and today's
    or the next campaign."""

    news: list[Article]
    cases: list[Article]
    campaign: CampaignOccurrence | None


def home_blocks(*, today: datetime.date | None = None) -> HomeBlocks:
    """The home page's content blocks (three queries)."""
    latest = articles_public().defer("body").order_by("-publish_at", "-pk")
    today = today or timezone.localdate()
    return HomeBlocks(
        news=list(latest.filter(kind=ArticleKind.NEWS)[: limits.HOME_ITEMS]),
        cases=list(latest.filter(kind__in=CASE_KINDS)[: limits.HOME_ITEMS]),
        campaign=campaign_current_or_next(today=today),
    )


# --- campaign calendar -----------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignOccurrence:
    """A campaign date in one year: ``starts`` and ``ends`` (a month runs over the whole month),
    or both ``None`` when the date is announced each year and not known yet."""

    campaign: CampaignDay
    year: int
    starts: datetime.date | None
    ends: datetime.date | None
    activities: tuple[CampaignActivity, ...] = ()

    def is_on(self, today: datetime.date) -> bool:
        return (
            self.starts is not None and self.ends is not None and self.starts <= today <= self.ends
        )


def occurrence_dates(
    campaign: CampaignDay, year: int
) -> tuple[datetime.date | None, datetime.date | None]:
    """When ``campaign`` falls in ``year``, from its timing rule."""
    if campaign.timing == CampaignTiming.FIXED and campaign.month and campaign.day:
        day = datetime.date(year, campaign.month, campaign.day)
        return day, day
    if campaign.timing == CampaignTiming.MONTH and campaign.month:
        first = datetime.date(year, campaign.month, 1)
        following = datetime.date(year + (campaign.month == 12), campaign.month % 12 + 1, 1)
        return first, following - datetime.timedelta(days=1)
    known = (campaign.year_dates or {}).get(str(year))
    if known:
        day = datetime.date.fromisoformat(known)
        return day, day
    return None, None


def campaign_calendar(*, year: int) -> list[CampaignOccurrence]:
    """Every campaign date of ``year`` in calendar order (undated ones last), each with the
    activities registered for it that year (two queries)."""
    activities: dict[int, list[CampaignActivity]] = {}
    for activity in CampaignActivity.objects.filter(year=year).order_by("held_on", "pk"):
        activities.setdefault(activity.campaign_id, []).append(activity)
    occurrences = [
        CampaignOccurrence(
            campaign,
            year,
            *occurrence_dates(campaign, year),
            tuple(activities.get(campaign.pk, ())),
        )
        for campaign in CampaignDay.objects.order_by("position", "pk")
    ]
    return sorted(occurrences, key=lambda o: (o.starts is None, o.starts or datetime.date.max))


def campaign_current_or_next(*, today: datetime.date) -> CampaignOccurrence | None:
    """The campaign on today (a month-long one included), else the next dated one, looking into
    next year at the end of the year."""
    for year in (today.year, today.year + 1):
        for occurrence in campaign_calendar(year=year):
            if occurrence.ends is not None and occurrence.ends >= today:
                return occurrence
    return None


def campaign_days() -> list[CampaignDay]:
    return list(CampaignDay.objects.order_by("position", "pk"))


def activity_exists(*, activity_id: int) -> bool:
    return CampaignActivity.objects.filter(pk=activity_id).exists()
