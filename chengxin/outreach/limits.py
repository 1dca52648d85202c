"""Limits of content (docs/outreach.md, "Limits"): the longest text of each field, images and
paging. Forms state the same maximum; services refuse longer values with 422."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.request_limits import ENVELOPE_BYTES
from chengxin.core.text import TextField
from chengxin.dueprocess.attachments import max_bytes

TITLE_MAX_LENGTH = 120
SUMMARY_MAX_LENGTH = 300
BODY_MAX_LENGTH = 20_000
SOURCE_MAX_LENGTH = 100
REASON_MAX_LENGTH = 500
ALT_MAX_LENGTH = 200
ACTIVITY_TITLE_MAX_LENGTH = 120
ACTIVITY_UNIT_MAX_LENGTH = 200
ACTIVITY_DESCRIPTION_MAX_LENGTH = 2000
ACTIVITY_REPORT_MAX_LENGTH = 2000

IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_PIXELS = 25_000_000
IMAGE_MAX_SIDE = 1600
IMAGES_PER_ARTICLE = 6

STAFF_PAGE_SIZE = 25
PUBLIC_PAGE_SIZE = 15
PUBLIC_DEEPEST_PAGE = 50
HOME_ITEMS = 5

TITLE = TextField(name="title", label=_("标题"), max_length=TITLE_MAX_LENGTH)
SUMMARY = TextField(name="summary", label=_("摘要"), max_length=SUMMARY_MAX_LENGTH)
BODY = TextField(name="body", label=_("正文"), max_length=BODY_MAX_LENGTH)
SOURCE = TextField(name="source", label=_("来源"), max_length=SOURCE_MAX_LENGTH)
REASON = TextField(name="reason", label=_("退回理由"), max_length=REASON_MAX_LENGTH)
ALT = TextField(name="alt", label=_("图片说明"), max_length=ALT_MAX_LENGTH)
ACTIVITY_TITLE = TextField(name="title", label=_("活动名称"), max_length=ACTIVITY_TITLE_MAX_LENGTH)
ACTIVITY_UNIT = TextField(
    name="organiser", label=_("组织单位"), max_length=ACTIVITY_UNIT_MAX_LENGTH
)
ACTIVITY_REPORT = TextField(
    name="report", label=_("开展情况"), max_length=ACTIVITY_REPORT_MAX_LENGTH
)
ACTIVITY_DESCRIPTION = TextField(
    name="description", label=_("活动内容"), max_length=ACTIVITY_DESCRIPTION_MAX_LENGTH
)


def attachment_body_max_bytes(request=None) -> int:
    """The largest body of a file upload to an article: one attachment at the largest size plus
    the form's fields and envelope (``config.middleware.ROUTE_BODY_LIMITS``)."""
    return max_bytes() + ENVELOPE_BYTES
