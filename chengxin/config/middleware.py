"""Middleware of the whole site: request body limits (413), and the answers to refusals that any
page or operation may meet (429 from a rate limit, 503 from a busy database).

Under the API's prefix the answer is problem+json; everywhere else it is a page of the site's
layout (``chengxin.core.pages``). Both carry the error's headers (``Retry-After``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from chengxin.api.middleware import api_prefix
from chengxin.api.problems import domain_error_problem
from chengxin.collection.limits import submission_body_max_bytes, upload_body_max_bytes
from chengxin.core.database import database_busy_error, is_database_busy
from chengxin.core.errors import DomainError
from chengxin.core.pages import error_page
from chengxin.core.request_limits import request_max_bytes, request_too_large_error
from chengxin.core.throttle import ThrottledError
from chengxin.dueprocess.objections.limits import attachments_body_max_bytes
from chengxin.dueprocess.tipoffs.limits import (
    attachments_body_max_bytes as tipoff_body_max_bytes,
)
from chengxin.measures.checks.limits import batch_body_max_bytes
from chengxin.outreach.limits import attachment_body_max_bytes

_READ_CHUNK_BYTES = 64 * 1024


def _submission_limit(request: HttpRequest) -> int:
    return submission_body_max_bytes()


def _upload_limit(request: HttpRequest) -> int:
    return upload_body_max_bytes()


# The routes that take more than CHENGXIN_REQUEST_MAX_BYTES, by their URL pattern (the API
# contract's paths, which stay stable).
ROUTE_BODY_LIMITS: dict[str, Callable[[HttpRequest], int]] = {
    "api/v1/submissions": _submission_limit,
    "api/v1/submissions/upload": _upload_limit,
    "api/v1/checks/batch": batch_body_max_bytes,
    "staff/collection/submissions/upload/": _upload_limit,
    "staff/checks/batch/": _upload_limit,
    # Objections with their attachments (docs/dueprocess.md, "Limits").
    "api/v1/objections": attachments_body_max_bytes,
    "staff/objections/new/": attachments_body_max_bytes,
    "my/records/<int:record_id>/object/": attachments_body_max_bytes,
    # Tip-offs with their attachments.
    "tipoffs/new/": tipoff_body_max_bytes,
    # A file attached to an article (docs/outreach.md, "Limits").
    "staff/content/<int:article_id>/attachments/": attachment_body_max_bytes,
    # Repair applications with their proof (docs/dueprocess.md, "Credit repair").
    "api/v1/repairs": attachments_body_max_bytes,
    "staff/repairs/new/": attachments_body_max_bytes,
    "my/records/<int:record_id>/repair/": attachments_body_max_bytes,
}


def error_answer(request: HttpRequest, error: DomainError) -> HttpResponse:
    """``error`` as problem+json under the API's prefix, as a page of the site elsewhere."""
    if request.path_info.startswith(api_prefix()):
        return domain_error_problem(error)
    return error_page(request, error)


def body_limit(request: HttpRequest) -> int:
    """The largest body this request's route accepts, in bytes."""
    try:
        route = resolve(request.path_info).route
    except Resolver404:
        return request_max_bytes()
    limit = ROUTE_BODY_LIMITS.get(route)
    return limit(request) if limit is not None else request_max_bytes()


class RequestBodyLimitMiddleware:
    """Refuses a body larger than its route's limit with 413 before anything reads it.

    The declared ``Content-Length`` decides at once. A chunked body without one (which the
    WSGI server passes on as a stream that ends, ``wsgi.input_terminated``) is read and counted
    into a temporary file (in memory up to ``FILE_UPLOAD_MAX_MEMORY_SIZE``) until it ends or
    passes the limit; a body that fits is then handed on with its length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length == 0:
            return self.get_response(request)
        limit = body_limit(request)
        if length is not None:
            if length > limit:
                return error_answer(request, request_too_large_error(limit))
            return self.get_response(request)
        with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as spool:
            if not _spool_body(request, spool, limit=limit):
                return error_answer(request, request_too_large_error(limit))
            return self.get_response(request)


class RefusalAnswerMiddleware:
    """Answers a page's rate-limit refusal (the API's own handler answers its operations) and a
    busy database (pages and operations alike) instead of letting them become a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ThrottledError):
            return error_answer(request, exception)
        if is_database_busy(exception):
            return error_answer(request, database_busy_error())
        return None


def _declared_length(request: HttpRequest) -> int | None:
    """The body's declared length; ``None`` for a chunked body to count; 0 for none."""
    declared = request.META.get("CONTENT_LENGTH")
    if declared:
        try:
            return max(0, int(declared))
        except ValueError:
            return 0
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if chunked and request.META.get("wsgi.input_terminated"):
        return None
    return 0


def _spool_body(request: HttpRequest, spool, *, limit: int) -> bool:
    """Copy the request's stream into ``spool``; false as soon as it passes ``limit``."""
    stream = request.META["wsgi.input"]
    size = 0
    while chunk := stream.read(_READ_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            return False
        spool.write(chunk)
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(spool, size)  # what Django reads the body from
    return True
