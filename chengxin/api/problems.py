"""A ``DomainError`` as problem+json outside the API's own exception handlers.

The middlewares that answer before a request reaches an operation (a refused bearer token, a
body too large) or after it failed outside the API's handlers (a busy database) use this, so their
answers have exactly the shape the API's ``DomainError`` handler gives: ``code``, ``title`` and
``detail`` in Chinese, ``message_en``, the error's details and its headers.
"""

from __future__ import annotations

from django.http import HttpResponse

from chengxin.api.errors import problem_response
from chengxin.core.errors import DomainError


def domain_error_problem(error: DomainError) -> HttpResponse:
    extra: dict[str, object] = {"message_en": error.message_en} if error.message_en else {}
    extra.update(error.details)
    return problem_response(
        status=error.status,
        code=error.code,
        title=error.message,
        detail=error.message,
        extra=extra,
        headers=error.headers,
    )
