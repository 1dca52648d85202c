"""The site's answer to an error that escaped every view and middleware."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from chengxin.config.middleware import error_answer
from chengxin.core.database import database_busy_error, is_database_busy


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a busy database met outside a view (a middleware's query, saving the
    session) is still the 503 answer; anything else is Django's 500 page."""
    if is_database_busy(sys.exc_info()[1]):
        return error_answer(request, database_busy_error())
    return defaults.server_error(request)
