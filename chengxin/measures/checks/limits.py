"""Body limit of ``POST /api/v1/checks/batch``: a JSON list of as many ID numbers as a batch may
hold (100,000: ``batch.MAX_IDS``, or the policy ``check.batch_max_size`` when that is larger), or
a CSV/XLSX file as large as any upload.

An 18-character number takes 20 bytes as a JSON string and up to 26 with a separator, a line
break and indentation; 32 bytes a number leaves room for that and for surrounding spaces.
"""

from __future__ import annotations

from django.http import HttpRequest

from chengxin.collection.limits import upload_body_max_bytes
from chengxin.core.request_limits import ENVELOPE_BYTES
from chengxin.core.selectors import policy_value
from chengxin.measures.checks.batch import MAX_IDS

BATCH_MAX_POLICY = "check.batch_max_size"
BYTES_PER_ID_NUMBER = 32
MULTIPART = "multipart/form-data"


def batch_body_max_bytes(request: HttpRequest) -> int:
    """The body limit of a batch check: by the file limit for an upload, else by the numbers."""
    if request.content_type == MULTIPART:
        return upload_body_max_bytes()
    numbers = max(MAX_IDS, int(policy_value(BATCH_MAX_POLICY)))
    return numbers * BYTES_PER_ID_NUMBER + ENVELOPE_BYTES
