"""Test helpers of the outreach app: articles in each state, made through the services."""

from __future__ import annotations

import datetime
import io

from PIL import Image

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.outreach import services
from chengxin.outreach.choices import ArticleKind

BODY = "## 基本情况\n某市民连续十年按时足额纳税。\n\n- 依法纳税\n- 诚实守信"


def provider(**extra):
    return staff_user(Role.PROVIDER, username=extra.pop("username", "content-provider"), **extra)


def reviewer(**extra):
    return staff_user(Role.REVIEWER, username=extra.pop("username", "content-reviewer"), **extra)


def draft(actor, *, kind: str = ArticleKind.NEWS, title: str = "我市开展诚信宣传活动"):
    return services.article_create(actor=actor, kind=kind, title=title, body=BODY, summary="摘要")


def in_review(actor, **kwargs):
    article = draft(actor, **kwargs)
    return services.article_submit(actor=actor, article_id=article.pk)


def published(author, publisher, *, publish_at: datetime.datetime | None = None, **kwargs):
    article = in_review(author, **kwargs)
    return services.article_publish(actor=publisher, article_id=article.pk, publish_at=publish_at)


def jpeg_with_exif(size=(40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0131] = "PhoneEditor"  # Software
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def png(size=(20, 20)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(output, format="PNG")
    return output.getvalue()
