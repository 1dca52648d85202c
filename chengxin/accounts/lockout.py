"""The answer to a locked sign-in (django-axes' ``AXES_LOCKOUT_CALLABLE``): for how long.

A user name is locked at one client address after ``AXES_FAILURE_LIMIT`` failures there, for
``AXES_COOLOFF_TIME`` after the latest of them (a failure during the lock starts it again). The
page says how many minutes are left and sends the same as ``Retry-After``.
"""

from __future__ import annotations

import math

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chengxin.core.network import client_address


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The lockout page (429) with the time left and ``Retry-After``."""
    username = _username(request, credentials)
    cool_off = get_cool_off(request)
    seconds_left = _seconds_left(username, client_address(request), cool_off)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else 0,
        "minutes_left": math.ceil(seconds_left / 60) if seconds_left else 0,
    }
    response = render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    if seconds_left:
        response["Retry-After"] = str(seconds_left)
    return response


def _username(request: HttpRequest, credentials: dict | None) -> str:
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    return str(request.POST.get("username", ""))


def _seconds_left(username: str, address: str, cool_off) -> int:
    """Seconds until the lock of (``username``, ``address``) ends; 0 without a cool-off."""
    if cool_off is None:
        return 0
    latest = AccessAttempt.objects.filter(username=username, ip_address=address or None).aggregate(
        latest=Max("attempt_time")
    )["latest"]
    ends_at = (latest or timezone.now()) + cool_off
    return max(1, math.ceil((ends_at - timezone.now()).total_seconds()))
