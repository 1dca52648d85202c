"""Limits of tip-offs: the longest text each field from outside may carry, and the body limit of
the filing page, which takes attachments (docs/dueprocess.md, "Tip-offs").

Every text goes through ``core.text.text_checked`` (422 ``text_too_long`` over its limit,
``text_holds_id_number`` when it holds an ID number: the number of the person concerned goes in
its own field, where it is kept encrypted); the forms state the same maximum.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chengxin.core.request_limits import ENVELOPE_BYTES
from chengxin.core.text import TextField
from chengxin.dueprocess.attachments import MAX_PER_CASE, max_bytes

TEXT_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 100
RECORD_REFERENCE_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 500
REASONS_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 2000
TRACKING_NUMBER_MAX_LENGTH = 24
QUERY_CODE_MAX_LENGTH = 32
CAPTCHA_MAX_LENGTH = 10
PAGE_SIZE = 25

TEXT = TextField(name="text", label=_("举报内容"), max_length=TEXT_MAX_LENGTH)
NAME = TextField(
    name="concerned_name", label=_("被举报人姓名或单位名称"), max_length=NAME_MAX_LENGTH
)
RECORD_REFERENCE = TextField(
    name="record_reference", label=_("涉及的记录或文书号"), max_length=RECORD_REFERENCE_MAX_LENGTH
)
NOTE = TextField(name="note", label=_("转办意见"), max_length=NOTE_MAX_LENGTH)
REASONS = TextField(name="reasons", label=_("不予受理的说明"), max_length=REASONS_MAX_LENGTH)
ANSWER = TextField(name="answer", label=_("办理结果"), max_length=ANSWER_MAX_LENGTH)


def attachments_body_max_bytes(request: HttpRequest | None = None) -> int:
    """The largest body of a filing: every attachment a case may hold, at the largest size,
    plus the form's fields and envelope."""
    return MAX_PER_CASE * max_bytes() + ENVELOPE_BYTES
