"""One step of a due-process case taken from a page: the form's errors, or the service's refusal
shown on the case page with its status (nothing written), or a redirect with the success message.

Staff queues and the person's pages of every kind of case (objections, repairs, tip-offs,
access challenges) take their steps through ``case_step``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from chengxin.core.errors import DomainError

#: ``page(forms, status, refusal)`` renders the case page again.
CasePage = Callable[[dict, int, str], HttpResponse]


def case_step(
    request: HttpRequest,
    *,
    key: str,
    form,
    call: Callable[[], object],
    page: CasePage,
    success: str,
    done: Callable[[], HttpResponse],
) -> HttpResponse:
    """Validate ``form`` (if any), run ``call``; on a refusal show it on the form (or as the page's
    refusal when there is no form) with the error's status; on success flash ``success`` and
    answer ``done()``."""
    forms = {key: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return page(forms, 422, "")
    try:
        call()
    except DomainError as error:
        if form is not None:
            form.add_refusal(error)
        return page(forms, error.status, "" if form is not None else error.message)
    messages.success(request, success)
    return done()
