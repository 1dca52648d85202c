"""The longest text each work-plan field may carry and the bounds of numbers and files
(docs/workplan.md, "Limits"). Forms state the same maxima; services check them again."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

CODE_MAX_LENGTH = 64
TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 4000
NUMBER_MAX_LENGTH = 8
UNIT_NAME_MAX_LENGTH = 100
DEADLINE_TEXT_MAX_LENGTH = 40
DOCUMENT_NO_MAX_LENGTH = 100
REPORT_TEXT_MAX_LENGTH = 2000
NOTE_TEXT_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 1000
MAX_TASKS = 500
MAX_UNITS_PER_TASK = 60
PLAN_FILE_MAX_BYTES = 5 * 1024 * 1024
PLAN_FILE_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ERRORS_SHOWN = 50
PAGE_SIZE = 25

REPORT_TEXT = TextField(name="text", label=_("进展情况"), max_length=REPORT_TEXT_MAX_LENGTH)
NOTE_TEXT = TextField(name="text", label=_("督促检查意见"), max_length=NOTE_TEXT_MAX_LENGTH)
COMMENT = TextField(name="comment", label=_("考核说明"), max_length=COMMENT_MAX_LENGTH)
