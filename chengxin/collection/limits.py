"""Body limits of the collection routes, derived from the documented row and file limits.

A JSON submission may carry ``submission.api_max_rows`` rows (a policy, 10,000 by default); its
body may hold that many rows of ``CHENGXIN_SUBMISSION_ROW_MAX_BYTES`` each (8 KiB by default),
plus the envelope. docs/collection.md shows the arithmetic from the catalog's field lengths. An
upload may be a file of ``upload_max_bytes()`` plus its multipart envelope.
"""

from __future__ import annotations

from django.conf import settings

from chengxin.collection.files import upload_max_bytes
from chengxin.core.request_limits import ENVELOPE_BYTES
from chengxin.core.selectors import policy_value

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
