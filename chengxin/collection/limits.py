"""Limits of the collection routes: the longest texts a submission may carry outside its rows'
own fields, and the body limits derived from the documented row and file limits
(docs/collection.md, "Limits").

Texts are named here, beside the services that refuse longer values (422 ``text_too_long``), so
that the staff upload form and the API schemas state the same maximum. None of these texts may
hold an ID number either (422 ``text_holds_id_number``, ``chengxin.core.text``). The fields of the
rows have the limits of their catalog item's Table Schema (``maxLength``); a text field whose
item states none has at most ``RECORD_TEXT_MAX_LENGTH`` characters.

A JSON submission may carry ``submission.api_max_rows`` rows (a policy, 10,000 by default); its
body may hold that many rows of ``CHENGXIN_SUBMISSION_ROW_MAX_BYTES`` each (8 KiB by default),
plus the envelope. An upload may be a file of ``upload_max_bytes()`` plus its multipart envelope.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chengxin.collection.ingest.files import upload_max_bytes
from chengxin.core.request_limits import ENVELOPE_BYTES
from chengxin.core.selectors import policy_value
from chengxin.core.text import TextField

IDEMPOTENCY_KEY_MAX_LENGTH = 200
FILE_NAME_MAX_LENGTH = 255
RECORD_TEXT_MAX_LENGTH = 10_000
# An unknown field's name is repeated in its row error; a longer one is shown cut, with an ellipsis.
UNKNOWN_FIELD_NAME_SHOWN = 64

IDEMPOTENCY_KEY = TextField(
    name="Idempotency-Key", label=_("幂等键"), max_length=IDEMPOTENCY_KEY_MAX_LENGTH
)
FILE_NAME = TextField(name="file", label=_("文件名"), max_length=FILE_NAME_MAX_LENGTH)

DEFAULT_ROW_MAX_BYTES = 8 * 1024
MAX_ROWS_POLICY = "submission.api_max_rows"


def submission_row_max_bytes() -> int:
    return int(getattr(settings, "CHENGXIN_SUBMISSION_ROW_MAX_BYTES", DEFAULT_ROW_MAX_BYTES))


def submission_body_max_bytes() -> int:
    """The largest body of ``POST /api/v1/submissions``."""
    return int(policy_value(MAX_ROWS_POLICY)) * submission_row_max_bytes() + ENVELOPE_BYTES


def upload_body_max_bytes() -> int:
    """The largest body of a file upload (API or staff page): the file and its envelope."""
    return upload_max_bytes() + ENVELOPE_BYTES
