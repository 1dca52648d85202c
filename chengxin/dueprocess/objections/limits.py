"""Limits of objections: the longest text each field from outside may carry, and the body limit
of the routes that take attachments (docs/dueprocess.md, "Objections", "Limits").

Every text goes through ``core.text.text_checked`` (422 ``text_too_long`` over its limit,
``text_holds_id_number`` when it holds an ID number); the forms and the API schemas state the
same maximum. A statement is short: it is printed beside the record in every later check answer,
query and credit report.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chengxin.core.request_limits import ENVELOPE_BYTES
from chengxin.core.text import TextField
from chengxin.dueprocess.attachments import MAX_PER_CASE, max_bytes

TEXT_MAX_LENGTH = 2000
REASONS_MAX_LENGTH = 2000
STATEMENT_MAX_LENGTH = 500
EXTENSION_REASON_MAX_LENGTH = 500
REVIEW_REASON_MAX_LENGTH = 2000
CORRECTION_VALUE_MAX_LENGTH = 10_000
PAGE_SIZE = 25
PAGE_SIZE_MAX = 100

TEXT = TextField(name="text", label=_("异议理由"), max_length=TEXT_MAX_LENGTH)
REASONS = TextField(name="reasons", label=_("决定理由"), max_length=REASONS_MAX_LENGTH)
STATEMENT = TextField(name="text", label=_("异议声明"), max_length=STATEMENT_MAX_LENGTH)
EXTENSION_REASON = TextField(
    name="reason", label=_("延长理由"), max_length=EXTENSION_REASON_MAX_LENGTH
)
REVIEW_REASON = TextField(name="reason", label=_("复核理由"), max_length=REVIEW_REASON_MAX_LENGTH)


def attachments_body_max_bytes(request: HttpRequest | None = None) -> int:
    """The largest body of a filing: every attachment a case may hold, at the largest size,
    plus the form's fields and envelope."""
    return MAX_PER_CASE * max_bytes() + ENVELOPE_BYTES
