"""The longest text a check, a batch check or a feedback may carry (docs/checks.md, "Limits").

Named here, beside the services that refuse longer values (422 ``text_too_long``), so that the
staff forms and the API schemas state the same maximum. None of these texts may hold an ID number
either (422 ``text_holds_id_number``, ``chengxin.core.text``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

CASE_NO_MAX_LENGTH = 100
PURPOSE_MAX_LENGTH = 200
FEEDBACK_REASON_MAX_LENGTH = 2000
FILE_NAME_MAX_LENGTH = 255

CASE_NO = TextField(name="case_no", label=_("案件编号"), max_length=CASE_NO_MAX_LENGTH)
PURPOSE = TextField(name="purpose", label=_("核查事由"), max_length=PURPOSE_MAX_LENGTH)
FEEDBACK_REASON = TextField(name="reason", label=_("理由"), max_length=FEEDBACK_REASON_MAX_LENGTH)
BATCH_FILE_NAME = TextField(name="file", label=_("文件名"), max_length=FILE_NAME_MAX_LENGTH)
