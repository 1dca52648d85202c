"""Middleware of the whole site: the answer to a refusal that any page or operation may meet
(503 from a busy database).

Under the API's prefix the answer is problem+json; everywhere else it is a page of the site's
layout (``chengxin.core.pages``). Both carry the error's headers (``Retry-After``).
"""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from chengxin.api.problems import domain_error_problem
from chengxin.core.database import database_busy_error, is_database_busy
from chengxin.core.errors import DomainError
from chengxin.core.pages import error_page


@cache
def api_prefix() -> str:
    """The path the API is mounted at (``/api/v1/``)."""
    return reverse("api:api-root")


def error_answer(request: HttpRequest, error: DomainError) -> HttpResponse:
    """``error`` as problem+json under the API's prefix, as a page of the site elsewhere."""
    if request.path_info.startswith(api_prefix()):
        return domain_error_problem(error)
    return error_page(request, error)


class RefusalAnswerMiddleware:
    """Answers a busy database (pages and operations alike) instead of letting it become a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            return error_answer(request, database_busy_error())
        return None
