"""Middleware of the whole site: the answers to refusals that any page or operation may meet
(429 from a rate limit, 503 from a busy database).

Under the API's prefix the answer is problem+json; everywhere else it is a page of the site's
layout (``chengxin.core.pages``). Both carry the error's headers (``Retry-After``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from chengxin.api.middleware import api_prefix
from chengxin.api.problems import domain_error_problem
from chengxin.core.database import database_busy_error, is_database_busy
from chengxin.core.errors import DomainError
from chengxin.core.pages import error_page
from chengxin.core.throttle import ThrottledError


def error_answer(request: HttpRequest, error: DomainError) -> HttpResponse:
    """``error`` as problem+json under the API's prefix, as a page of the site elsewhere."""
    if request.path_info.startswith(api_prefix()):
        return domain_error_problem(error)
    return error_page(request, error)


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
