"""Staff UI shell: the home page after sign-in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chengxin.accounts.decorators import staff_required
from chengxin.backoffice.cards import cards_for
from chengxin.core.selectors import calendar_warnings


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in role can do, the user's department, and warnings for staff."""
    context = {
        "cards": cards_for(request.user),
        "department": request.user.department,
        "warnings": calendar_warnings(today=timezone.localdate()),
    }
    return render(request, "backoffice/home.html", context)
