"""What the staff pages and the API of every kind of case share: the answer that hands over one
file of a case."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from chengxin.dueprocess.models import Attachment


def attachment_response(data: bytes, attachment: Attachment) -> HttpResponse:
    """``data``, the bytes of ``attachment``, as a download under the file's own name."""
    response = HttpResponse(data, content_type=attachment.kind)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.file_name
    )
    return response
