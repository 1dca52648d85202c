"""How large a request body may be, and the refusal of a larger one (413).

Each route that takes large bodies has its own limit, derived from the documented row limits
(``chengxin.config.middleware.RequestBodyLimitMiddleware`` holds the table); every other route
accepts ``CHENGXIN_REQUEST_MAX_BYTES``. Django's own limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``,
whose refusal is a bare 400) is off: the middleware applies these limits before anything reads
the body, and answers with the limit.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from chengxin.core import error_codes
from chengxin.core.errors import DomainError

DEFAULT_REQUEST_MAX_BYTES = 5 * 1024 * 1024 // 2  # 2.5 MiB, Django's own default
# Room for what surrounds the rows or the file: the other JSON members, multipart boundaries and
# part headers, the form's other fields.
ENVELOPE_BYTES = 64 * 1024
MEBIBYTE = 1024 * 1024


def request_max_bytes() -> int:
    """The body limit of every route without one of its own."""
    return int(getattr(settings, "CHENGXIN_REQUEST_MAX_BYTES", DEFAULT_REQUEST_MAX_BYTES))


def mebibytes(size: int) -> str:
    """``size`` in MiB: whole when it is, else with one decimal rounded down (so the figure never
    overstates the limit): 50, 1.0, 78.1."""
    if size % MEBIBYTE == 0:
        return str(size // MEBIBYTE)
    tenths = size * 10 // MEBIBYTE
    return f"{tenths // 10}.{tenths % 10}"


def request_too_large_error(limit: int) -> DomainError:
    """The 413 refusal of a body over ``limit`` bytes, naming the limit."""
    size = mebibytes(limit)
    return DomainError(
        code=error_codes.REQUEST_TOO_LARGE,
        message=_(
            "请求内容过大：此处一次最多接受 %(size)s MiB（%(bytes)s 字节），请拆分后分批发送。"
        )
        % {"size": size, "bytes": f"{limit:,}"},
        message_en=f"The request body is too large: at most {size} MiB ({limit:,} bytes) here; "
        "split it and send the parts.",
        status=413,
        details={"limit_bytes": limit},
    )
