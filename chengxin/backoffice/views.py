"""Staff UI shell: the home page after sign-in, and the system's health."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chengxin.accounts.decorators import staff_required
from chengxin.accounts.permissions import can_manage_policies
from chengxin.backoffice.cards import cards_for
from chengxin.core.replica import MONITOR
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


def can_view_system_health(user) -> bool:
    """The system administrator, who sets the policy values (the replica's lag bound among
    them), watches the system's health."""
    return can_manage_policies(user)


@staff_required
def health(request: HttpRequest) -> HttpResponse:
    """系统状态: the database, and the read replica's lag against its bound (checked now)."""
    if not can_view_system_health(request.user):
        raise PermissionDenied
    context = {"vendor": connection.vendor, "replica": MONITOR.status(fresh=True)}
    return render(request, "backoffice/health.html", context)
