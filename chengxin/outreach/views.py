"""Public pages of content (信用齐齐哈尔, SPEC §13; docs/outreach.md): news, policies (the plan
itself and the national rules it follows), the campaign calendar, the education pages and the
knowledge reader. Only published content whose time has come is shown; anything else is 404.
Every page counts against the public rate limit per client address.
"""

from __future__ import annotations

import json
from functools import cache, wraps
from pathlib import Path

from django.core.paginator import EmptyPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from chengxin.core.errors import NotFoundError
from chengxin.core.network import client_limit_key
from chengxin.core.pages import error_page
from chengxin.dueprocess.attachments import attachment_open
from chengxin.outreach import limits, markup, selectors
from chengxin.outreach.activities import activity_files, public_activity_file
from chengxin.outreach.choices import ActivityStatus, ArticleKind
from chengxin.portal.middleware import PUBLIC_PAGES

DATA = Path(__file__).resolve().parent / "data"
SECTIONS = {
    ArticleKind.NEWS: "outreach:news",
    ArticleKind.POLICY: "outreach:policies",
    ArticleKind.MODEL: "outreach:models",
    ArticleKind.WARNING: "outreach:warnings",
    ArticleKind.CULTURE: "outreach:culture",
    ArticleKind.READER: "outreach:reader",
}


def public_page(view):
    """Count the request against the public pages' rate (``portal.middleware``)."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        refusal = PUBLIC_PAGES.hit(client_limit_key(request))
        if refusal is not None:
            return error_page(request, refusal)
        return view(request, *args, **kwargs)

    return limited


def _page_number(request: HttpRequest) -> int:
    """The page asked for: a number from 1 to the deepest page, else 404 (never a scan)."""
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        raise Http404 from None
    if not 1 <= number <= limits.PUBLIC_DEEPEST_PAGE:
        raise Http404
    return number


def _listing(request, *, kinds, title: str, intro: str = "", template="outreach/list.html"):
    try:
        page = selectors.article_page_public(kinds=kinds, page=_page_number(request))
    except EmptyPage:
        raise Http404 from None
    context = {"page": page, "articles": page.object_list, "title": title, "intro": intro}
    return render(request, template, context)


@public_page
def news(request: HttpRequest) -> HttpResponse:
    return _listing(request, kinds=(ArticleKind.NEWS,), title=_("信用动态"))


@public_page
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    """One published article: its text as blocks, its pictures and files."""
    try:
        found = selectors.article_get_public(article_id=article_id)
    except NotFoundError:
        raise Http404 from None
    context = {
        "article": found,
        "blocks": markup.blocks(found.body),
        "images": selectors.article_images(found),
        "attachments": selectors.article_attachments(found),
        "section": SECTIONS[found.kind],
        **_chapter_neighbours(found),
    }
    return render(request, "outreach/article.html", context)


def _chapter_neighbours(found) -> dict:
    """For a chapter of the reader, the chapters before and after it."""
    if found.kind != ArticleKind.READER:
        return {}
    chapters = selectors.reader_chapters()
    position = next(i for i, chapter in enumerate(chapters) if chapter.pk == found.pk)
    return {
        "previous_chapter": chapters[position - 1] if position > 0 else None,
        "next_chapter": chapters[position + 1] if position + 1 < len(chapters) else None,
    }


@public_page
def image(request: HttpRequest, article_id: int, image_id: int) -> HttpResponse:
    try:
        found = selectors.public_image_get(article_id=article_id, image_id=image_id)
    except NotFoundError:
        raise Http404 from None
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    return response


@public_page
def attachment(request: HttpRequest, article_id: int, attachment_id) -> HttpResponse:
    try:
        found = selectors.public_attachment_get(article_id=article_id, attachment_id=attachment_id)
    except NotFoundError:
        raise Http404 from None
    response = HttpResponse(attachment_open(found), content_type=found.kind)
    response["Content-Disposition"] = content_disposition_header(True, found.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_page
def policies(request: HttpRequest) -> HttpResponse:
    """The policies page: the plan, the national rules, and the policy interpretations."""
    return _listing(
        request,
        kinds=(ArticleKind.POLICY,),
        title=_("政策法规"),
        template="outreach/policies.html",
    )


@cache
def _plan_text() -> str:
    return (DATA / "plan.txt").read_text(encoding="utf-8")


@public_page
def plan(request: HttpRequest) -> HttpResponse:
    """The city's work plan (齐政办规〔2017〕24号) as published, with a table of contents."""
    parts = markup.plan_blocks(_plan_text())
    return render(
        request, "outreach/plan.html", {"blocks": parts, "headings": markup.headings(parts)}
    )


@cache
def national_rules() -> list[dict[str, str]]:
    """The national rules the platform follows (``data/rules.json``, from SPEC.md)."""
    with (DATA / "rules.json").open(encoding="utf-8") as handle:
        return json.load(handle)["rules"]


@public_page
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/rules.html", {"rules": national_rules()})


@public_page
def campaigns(request: HttpRequest) -> HttpResponse:
    """This year's campaign calendar, the campaign of today or the next one, and each date's
    activities."""
    today = timezone.localdate()
    context = {
        "year": today.year,
        "today": today,
        "calendar": selectors.campaign_calendar(year=today.year),
        "current": selectors.campaign_current_or_next(today=today),
    }
    return render(request, "outreach/campaigns.html", context)


@public_page
def campaign_day(request: HttpRequest, code: str) -> HttpResponse:
    """One date of the calendar this year: its theme and every unit's activities, with the
    report, participants and photos of those held and reported."""
    today = timezone.localdate()
    occurrence = next(
        (
            found
            for found in selectors.campaign_calendar(year=today.year)
            if found.campaign.code == code
        ),
        None,
    )
    if occurrence is None:
        raise Http404
    files = activity_files([activity.pk for activity in occurrence.activities])
    entries = [
        (activity, files.get(activity.pk, []) if activity.status == ActivityStatus.REPORTED else [])
        for activity in occurrence.activities
    ]
    context = {"occurrence": occurrence, "entries": entries, "year": today.year}
    return render(request, "outreach/campaign_day.html", context)


@public_page
def activity_file(request: HttpRequest, activity_id: int, attachment_id) -> HttpResponse:
    """A photo or file of a reported activity (pictures shown inline, PDFs downloaded)."""
    try:
        found = public_activity_file(activity_id=activity_id, attachment_id=attachment_id)
    except NotFoundError:
        raise Http404 from None
    response = HttpResponse(attachment_open(found), content_type=found.kind)
    inline = found.kind.startswith("image/")
    response["Content-Disposition"] = content_disposition_header(not inline, found.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_page
def education(request: HttpRequest) -> HttpResponse:
    """The education index: integrity culture, models, warning cases and the reader."""
    latest = selectors.articles_public().defer("body").order_by("-publish_at", "-pk")
    context = {
        "culture": list(latest.filter(kind=ArticleKind.CULTURE)[: limits.HOME_ITEMS]),
        "models": list(latest.filter(kind=ArticleKind.MODEL)[: limits.HOME_ITEMS]),
        "warnings": list(latest.filter(kind=ArticleKind.WARNING)[: limits.HOME_ITEMS]),
        "chapters": selectors.reader_chapters(),
    }
    return render(request, "outreach/education.html", context)


@public_page
def culture(request: HttpRequest) -> HttpResponse:
    return _listing(request, kinds=(ArticleKind.CULTURE,), title=_("诚信文化"))


@public_page
def models(request: HttpRequest) -> HttpResponse:
    intro = _("宣传推广诚信道德模范、优秀志愿者等诚信典型和诚信事迹。")
    return _listing(request, kinds=(ArticleKind.MODEL,), title=_("诚信典型"), intro=intro)


@public_page
def warnings(request: HttpRequest) -> HttpResponse:
    intro = _("以典型失信案例开展警示教育。")
    return _listing(request, kinds=(ArticleKind.WARNING,), title=_("失信案例警示"), intro=intro)


@public_page
def reader(request: HttpRequest) -> HttpResponse:
    """The credit knowledge reader (信用知识读本, plan 二(一)5): its chapters in order."""
    return render(request, "outreach/reader.html", {"chapters": selectors.reader_chapters()})
