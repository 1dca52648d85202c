"""Writes of content and the campaign calendar: one function per step of the workflow, each in a
transaction with a row lock, the state check and one audit event (docs/outreach.md).

draft ──submit──▶ in review ──publish──▶ published ──unpublish──▶ draft
  ▲                   │
  └──────return───────┘

Providers draft for their own department, the credit office's reviewers for any; only a
reviewer returns, publishes (now, or at a later ``publish_at``) and unpublishes. A refusal raises
``DomainError`` before anything is written: 403 for a role that may not, 404 for an article the
actor does not see, 409 for a step the article's state does not allow, 422 for a bad field.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.permissions import can_draft_content, can_publish_content
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.text import TextField, text_checked
from chengxin.dueprocess.attachments import IncomingFile, attachment_add, attachments_checked
from chengxin.outreach import error_codes, limits
from chengxin.outreach.choices import (
    ActivityStatus,
    ArticleKind,
    ArticleStatus,
    ReferenceOutcome,
    Transition,
)
from chengxin.outreach.images import image_checked
from chengxin.outreach.models import Article, ArticleImage, CampaignActivity, CampaignDay
from chengxin.outreach.selectors import (
    ATTACHMENT_CASE_TYPE,
    article_attachments,
    articles_visible_to,
    may_edit,
    not_allowed,
    not_found,
)

ARTICLE_OBJECT_TYPE = "outreach.article"
ACTIVITY_OBJECT_TYPE = "outreach.activity"
CAMPAIGN_OBJECT_TYPE = "outreach.campaign"
_SOURCES = {
    Transition.SUBMIT: (ArticleStatus.DRAFT,),
    Transition.RETURN: (ArticleStatus.IN_REVIEW,),
    Transition.PUBLISH: (ArticleStatus.IN_REVIEW,),
    Transition.UNPUBLISH: (ArticleStatus.PUBLISHED,),
    Transition.UPDATE: (ArticleStatus.DRAFT,),
    Transition.IMAGE_ADD: (ArticleStatus.DRAFT,),
    Transition.ATTACHMENT_ADD: (ArticleStatus.DRAFT,),
}


def article_create(
    *,
    actor,
    kind: str,
    title: str,
    body: str,
    summary: str = "",
    source: str = "",
    position: int = 0,
    request=None,
) -> Article:
    """A new draft of the actor's department."""
    if not can_draft_content(actor):
        raise not_allowed()
    fields = _checked_fields(
        kind=kind, title=title, body=body, summary=summary, source=source, position=position
    )
    with transaction.atomic():
        article = Article.objects.create(
            **fields, department=actor.department, created_by=actor, status=ArticleStatus.DRAFT
        )
        _event(actor, article, Transition.CREATE, AuditAction.CREATE, request=request)
    return article


def article_update(
    *,
    actor,
    article_id: int,
    kind: str,
    title: str,
    body: str,
    summary: str = "",
    source: str = "",
    position: int = 0,
    request=None,
) -> Article:
    """Change a draft's fields (a returned draft keeps its reviewer's reason until sent again)."""
    fields = _checked_fields(
        kind=kind, title=title, body=body, summary=summary, source=source, position=position
    )
    with transaction.atomic():
        article = _locked_editable(actor, article_id, Transition.UPDATE)
        for name, value in fields.items():
            setattr(article, name, value)
        article.save()
        _event(actor, article, Transition.UPDATE, AuditAction.UPDATE, request=request)
    return article


def article_submit(*, actor, article_id: int, request=None) -> Article:
    """Send a draft to the credit office for review."""
    with transaction.atomic():
        article = _locked_editable(actor, article_id, Transition.SUBMIT)
        article.status = ArticleStatus.IN_REVIEW
        article.submitted_at = timezone.now()
        article.save(update_fields=["status", "submitted_at", "updated_at"])
        _event(actor, article, Transition.SUBMIT, AuditAction.UPDATE, request=request)
    return article


def article_return(*, actor, article_id: int, reason: str, request=None) -> Article:
    """The reviewer sends an article in review back to its editors, saying why."""
    reason = _required(reason, limits.REASON)
    with transaction.atomic():
        article = _locked_for_review(actor, article_id, Transition.RETURN)
        article.status = ArticleStatus.DRAFT
        article.return_reason = reason
        article.save(update_fields=["status", "return_reason", "updated_at"])
        _event(actor, article, Transition.RETURN, AuditAction.DECISION, request=request)
    return article


def article_publish(
    *, actor, article_id: int, publish_at: datetime.datetime | None = None, request=None
) -> Article:
    """The reviewer publishes an article in review: visible from ``publish_at`` (now when not
    given; a time in the past counts as now, so nothing is back-dated)."""
    now = timezone.now()
    with transaction.atomic():
        article = _locked_for_review(actor, article_id, Transition.PUBLISH)
        article.status = ArticleStatus.PUBLISHED
        article.publish_at = max(publish_at, now) if publish_at else now
        article.published_by = actor
        article.return_reason = ""
        article.save(
            update_fields=["status", "publish_at", "published_by", "return_reason", "updated_at"]
        )
        _event(
            actor,
            article,
            Transition.PUBLISH,
            AuditAction.DECISION,
            request=request,
            extra={"publish_at": article.publish_at.isoformat()},
        )
    return article


def article_unpublish(*, actor, article_id: int, request=None) -> Article:
    """The reviewer takes a published (or scheduled) article off the site; it is a draft
    again."""
    with transaction.atomic():
        article = _locked_for_review(actor, article_id, Transition.UNPUBLISH)
        article.status = ArticleStatus.DRAFT
        article.publish_at = None
        article.save(update_fields=["status", "publish_at", "updated_at"])
        _event(actor, article, Transition.UNPUBLISH, AuditAction.DECISION, request=request)
    return article


def article_image_add(
    *, actor, article_id: int, data: bytes, alt: str, request=None
) -> ArticleImage:
    """Add a picture to a draft, re-encoded (``outreach.images``); ``alt`` describes it for
    people who cannot see it, so it is required."""
    alt = _required(alt, limits.ALT)
    checked = image_checked(data)
    with transaction.atomic():
        article = _locked_editable(actor, article_id, Transition.IMAGE_ADD)
        if article.images.count() >= limits.IMAGES_PER_ARTICLE:
            raise _field_error(
                "image",
                error_codes.IMAGE_TOO_MANY,
                _("每篇内容最多 %(count)d 张图片。") % {"count": limits.IMAGES_PER_ARTICLE},
                f"An article holds at most {limits.IMAGES_PER_ARTICLE} images.",
            )
        image = ArticleImage.objects.create(
            article=article,
            content_type=checked.content_type,
            data=checked.data,
            width=checked.width,
            height=checked.height,
            size=len(checked.data),
            sha256=checked.sha256,
            alt=alt,
            uploaded_by=actor,
        )
        _event(
            actor,
            article,
            Transition.IMAGE_ADD,
            AuditAction.UPDATE,
            request=request,
            extra={"image_id": image.pk, "sha256": image.sha256},
        )
    return image


def article_attachment_add(*, actor, article_id: int, file: IncomingFile, request=None):
    """Attach a file (PDF, JPEG or PNG, checked by ``dueprocess.attachments``) to a draft."""
    with transaction.atomic():
        article = _locked_editable(actor, article_id, Transition.ATTACHMENT_ADD)
        (checked,) = attachments_checked([file], already=len(article_attachments(article)))
        attachment = attachment_add(
            case_type=ATTACHMENT_CASE_TYPE,
            case_id=str(article.pk),
            subject_index="",
            file=checked,
            actor=actor,
        )
        _event(
            actor,
            article,
            Transition.ATTACHMENT_ADD,
            AuditAction.UPDATE,
            request=request,
            extra={"attachment_id": str(attachment.pk), "sha256": attachment.sha256},
        )
    return attachment


def activity_create(
    *,
    actor,
    campaign_code: str,
    year: int,
    title: str,
    organiser: str,
    description: str,
    held_on: datetime.date | None = None,
    request=None,
) -> CampaignActivity:
    """The credit office registers an activity for a campaign date of a year; it is on the
    public calendar at once (the credit office is the reviewer of content)."""
    if not can_publish_content(actor):
        raise not_allowed()
    values = {
        "title": _required(title, limits.ACTIVITY_TITLE),
        "organiser": _required(organiser, limits.ACTIVITY_UNIT),
        "description": _required(description, limits.ACTIVITY_DESCRIPTION),
    }
    year = _checked_year(year, held_on)
    with transaction.atomic():
        campaign = CampaignDay.objects.filter(code=campaign_code).first()
        if campaign is None:
            raise _field_error(
                "campaign",
                error_codes.CAMPAIGN_NOT_FOUND,
                _("请选择宣传节点。"),
                "Choose a campaign date.",
            )
        activity = CampaignActivity.objects.create(
            campaign=campaign, year=year, held_on=held_on, created_by=actor, **values
        )
        audit_events.change_event(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=ACTIVITY_OBJECT_TYPE,
            object_id=str(activity.pk),
            detail={"campaign": campaign.code, "year": year},
            request=request,
        )
    return activity


def activity_report(*, actor, activity_id: int, report: str, request=None) -> CampaignActivity:
    """The credit office records how an activity went (it may correct the report later; each
    report is one audit event)."""
    if not can_publish_content(actor):
        raise not_allowed()
    report = _required(report, limits.ACTIVITY_REPORT)
    with transaction.atomic():
        activity = CampaignActivity.objects.select_for_update().filter(pk=activity_id).first()
        if activity is None:
            raise not_found()
        activity.report = report
        activity.reported_at = timezone.now()
        activity.reported_by = actor
        activity.status = ActivityStatus.REPORTED
        activity.save(update_fields=["report", "reported_at", "reported_by", "status"])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=ACTIVITY_OBJECT_TYPE,
            object_id=str(activity.pk),
            detail={"campaign_id": activity.campaign_id, "year": activity.year, "report": True},
            request=request,
        )
    return activity


# --- reference data --------------------------------------------------------------------------


def campaign_day_load(*, definition: Mapping[str, Any]) -> str:
    """Create or update one campaign date of the plan from the shipped reference data."""
    values = {key: definition[key] for key in ("name", "timing", "theme", "position")}
    values.update(
        month=definition.get("month"),
        day=definition.get("day"),
        year_dates=definition.get("year_dates", {}),
    )
    with transaction.atomic():
        campaign = CampaignDay.objects.select_for_update().filter(code=definition["code"]).first()
        if campaign is not None and all(getattr(campaign, k) == v for k, v in values.items()):
            return ReferenceOutcome.UNCHANGED
        outcome = ReferenceOutcome.CREATED if campaign is None else ReferenceOutcome.UPDATED
        campaign, _created = CampaignDay.objects.update_or_create(
            code=definition["code"], defaults=values
        )
        audit_events.change_event(
            actor=None,
            action=AuditAction.CREATE
            if outcome == ReferenceOutcome.CREATED
            else AuditAction.UPDATE,
            object_type=CAMPAIGN_OBJECT_TYPE,
            object_id=campaign.code,
            detail={"reference": True},
        )
    return outcome


def article_load_reference(*, definition: Mapping[str, Any]) -> str:
    """Create a shipped education page (published at once), or bring it up to date when nobody
    has edited it on the platform since it was loaded; an edited page keeps its edits."""
    fields = {key: definition[key] for key in ("kind", "title", "summary", "body", "position")}
    fields["source"] = definition.get("source", "")
    reference_hash = _content_hash(fields)
    with transaction.atomic():
        article = (
            Article.objects.select_for_update().filter(reference_key=definition["key"]).first()
        )
        if article is not None and article.reference_hash == reference_hash:
            return ReferenceOutcome.UNCHANGED
        if article is not None and _content_hash(_fields_of(article)) != article.reference_hash:
            return ReferenceOutcome.KEPT
        outcome = ReferenceOutcome.CREATED if article is None else ReferenceOutcome.UPDATED
        article = article or Article(reference_key=definition["key"])
        for name, value in fields.items():
            setattr(article, name, value)
        article.reference_hash = reference_hash
        article.status = ArticleStatus.PUBLISHED
        article.publish_at = article.publish_at or timezone.now()
        article.save()
        _event(None, article, Transition.LOAD_REFERENCE, AuditAction.UPDATE)
    return outcome


# --- helpers ---------------------------------------------------------------------------------


def _checked_fields(**values: Any) -> dict[str, Any]:
    if values["kind"] not in ArticleKind.values:
        raise _field_error(
            "kind", error_codes.FIELD_REQUIRED, _("请选择栏目。"), "Choose a kind of content."
        )
    position = values["position"] or 0
    if not isinstance(position, int) or not 0 <= position <= 999:
        raise _field_error(
            "position",
            error_codes.FIELD_REQUIRED,
            _("章节顺序应为0到999之间的整数。"),
            "The position is a whole number from 0 to 999.",
        )
    return {
        "kind": values["kind"],
        "title": _required(values["title"], limits.TITLE),
        "body": _required(values["body"], limits.BODY),
        "summary": text_checked(values["summary"], limits.SUMMARY),
        "source": text_checked(values["source"], limits.SOURCE),
        "position": position,
    }


def _required(value: str | None, field: TextField) -> str:
    cleaned = text_checked(value, field)
    if not cleaned:
        raise _field_error(
            field.name,
            error_codes.FIELD_REQUIRED,
            _("请填写“%(label)s”。") % {"label": field.label},
            f"{field.name} is required.",
        )
    return cleaned


def _checked_year(year: int, held_on: datetime.date | None) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise _field_error(
            "year", error_codes.FIELD_REQUIRED, _("年度应为四位年份。"), "The year has 4 digits."
        )
    if held_on is not None and held_on.year != year:
        raise _field_error(
            "held_on",
            error_codes.FIELD_REQUIRED,
            _("活动日期应在所填年度内。"),
            "The activity's date lies in its year.",
        )
    return year


def _field_error(field: str, code: str, message: str, message_en: str) -> DomainError:
    error = {"field": field, "code": code, "message": message, "message_en": message_en}
    return DomainError(
        code=code, message=message, message_en=message_en, status=422, details={"errors": [error]}
    )


def _locked(actor, article_id: int) -> Article:
    article = articles_visible_to(user=actor).select_for_update().filter(pk=article_id).first()
    if article is None:
        raise not_found()
    return article


def _locked_editable(actor, article_id: int, transition: str) -> Article:
    if not can_draft_content(actor):
        raise not_allowed()
    article = _locked(actor, article_id)
    _check_source(article, transition)
    if not may_edit(actor, article):
        raise not_allowed()
    return article


def _locked_for_review(actor, article_id: int, transition: str) -> Article:
    if not can_publish_content(actor):
        raise not_allowed()
    article = _locked(actor, article_id)
    _check_source(article, transition)
    return article


def _check_source(article: Article, transition: str) -> None:
    if article.status not in _SOURCES[transition]:
        raise DomainError(
            code=error_codes.WRONG_STATUS,
            message=_("这篇内容当前为“%(status)s”，不能%(step)s。")
            % {"status": article.get_status_display(), "step": Transition(transition).label},
            message_en=f"The article is {article.status}; it cannot be sent to {transition}.",
            status=409,
        )


def _event(actor, article: Article, transition: str, action: str, *, request=None, extra=None):
    detail = {"transition": transition, "kind": article.kind, "status": article.status}
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=ARTICLE_OBJECT_TYPE,
        object_id=str(article.pk),
        detail={**detail, **(extra or {})},
        request=request,
    )


def _fields_of(article: Article) -> dict[str, Any]:
    names = ("kind", "title", "summary", "body", "position", "source")
    return {name: getattr(article, name) for name in names}


def _content_hash(fields: Mapping[str, Any]) -> str:
    canonical = json.dumps(dict(fields), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
