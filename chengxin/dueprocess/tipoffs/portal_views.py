"""A signed-in citizen's own tip-offs (/my/tipoffs/…): those filed from the account, with their
status and outcome. Another account's tip-off is not found (404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chengxin.accounts.citizen_views import confirmed_citizen_required
from chengxin.core.errors import NotFoundError
from chengxin.dueprocess.tipoffs.choices import OUTCOME_STATUSES
from chengxin.dueprocess.tipoffs.selectors import tipoff_get_for_reporter, tipoffs_of_reporter


@confirmed_citizen_required
def my_tipoffs(request: HttpRequest) -> HttpResponse:
    tipoffs = tipoffs_of_reporter(user=request.user)
    return render(request, "tipoffs/portal/list.html", {"tipoffs": tipoffs})


@confirmed_citizen_required
def tipoff_detail(request: HttpRequest, tipoff_id: int) -> HttpResponse:
    try:
        tipoff = tipoff_get_for_reporter(user=request.user, tipoff_id=tipoff_id)
    except NotFoundError:
        raise Http404 from None
    context = {"tipoff": tipoff, "outcome_shown": tipoff.status in OUTCOME_STATUSES}
    return render(request, "tipoffs/portal/detail.html", context)
