"""Limits of access challenges: the longest text each field may carry (``core.text``), and the
page sizes of who looked and of the staff queue."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

REASON_MAX_LENGTH = 1000
EXPLANATION_MAX_LENGTH = 2000
CLOSING_NOTE_MAX_LENGTH = 1000
LOOKUPS_PAGE_SIZE = 20
QUEUE_PAGE_SIZE = 25

REASON = TextField(name="reason", label=_("说明"), max_length=REASON_MAX_LENGTH)
EXPLANATION = TextField(
    name="explanation", label=_("查询部门的说明"), max_length=EXPLANATION_MAX_LENGTH
)
CLOSING_NOTE = TextField(name="note", label=_("办结意见"), max_length=CLOSING_NOTE_MAX_LENGTH)
