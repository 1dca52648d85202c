"""Limits of checks: the longest text a check, a batch check or a feedback may carry
(docs/checks.md, "Limits"), and the body limit of ``POST /api/v1/checks/batch``.

Texts are named here, beside the services that refuse longer values (422 ``text_too_long``), so
that the staff forms and the API schemas state the same maximum. None of these texts may hold an
ID number either (422 ``text_holds_id_number``, ``chengxin.core.text``).

A batch body is a JSON list of as many ID numbers as a batch may hold (100,000:
``MAX_IDS``, or the policy ``check.batch_max_size`` when that is larger), or a CSV/XLSX file
as large as any upload. An 18-character number takes 20 bytes as a JSON string and up to 26 with
a separator, a line break and indentation; 32 bytes a number leaves room for that and for
surrounding spaces.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chengxin.collection.limits import upload_body_max_bytes
from chengxin.core.request_limits import ENVELOPE_BYTES
from chengxin.core.selectors import policy_value
from chengxin.core.text import TextField

CASE_NO_MAX_LENGTH = 100
PURPOSE_MAX_LENGTH = 200
FEEDBACK_REASON_MAX_LENGTH = 2000
FILE_NAME_MAX_LENGTH = 255

CASE_NO = TextField(name="case_no", label=_("案件编号"), max_length=CASE_NO_MAX_LENGTH)
PURPOSE = TextField(name="purpose", label=_("核查事由"), max_length=PURPOSE_MAX_LENGTH)
FEEDBACK_REASON = TextField(name="reason", label=_("理由"), max_length=FEEDBACK_REASON_MAX_LENGTH)
BATCH_FILE_NAME = TextField(name="file", label=_("文件名"), max_length=FILE_NAME_MAX_LENGTH)

BATCH_MAX_POLICY = "check.batch_max_size"
# The numbers of one batch check, whatever the policy (a larger policy value raises it).
MAX_IDS = 100_000
BYTES_PER_ID_NUMBER = 32
MULTIPART = "multipart/form-data"


def batch_body_max_bytes(request: HttpRequest) -> int:
    """The body limit of a batch check: by the file limit for an upload, else by the numbers."""
    if request.content_type == MULTIPART:
        return upload_body_max_bytes()
    numbers = max(MAX_IDS, int(policy_value(BATCH_MAX_POLICY)))
    return numbers * BYTES_PER_ID_NUMBER + ENVELOPE_BYTES
