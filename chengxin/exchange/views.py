"""The staff page of the upstream push, /staff/exchange/ (docs/exchange.md#the-staff-page).

The system administrator (capability ``operate_exchange``) sees the lag (the age of the oldest
undelivered event), the counts, the failing events, the dead letters and the recent requests,
each list paged on the server, the exports and the correction notices (docs/exchange.md#exports),
records a notice's acknowledgement, and retries dead letters: one, or all of them, each action one
audit event. Everyone else on the staff side gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.core.errors import DomainError
from chengxin.exchange.fanout import correction_notice_acknowledge
from chengxin.exchange.selectors import (
    can_operate_exchange,
    correction_notices_recent,
    exports_recent,
    outbox_dead_letters,
    outbox_failing_events,
    upstream_recent_deliveries,
    upstream_summary,
)
from chengxin.exchange.services import outbox_events_retry

PER_PAGE = 50
VIEWS = ("dead", "failing", "deliveries", "exports", "notices")


def _guard(request: HttpRequest) -> None:
    if not can_operate_exchange(request.user):
        raise PermissionDenied


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """The summary and one paged list (``?view=dead|failing|deliveries``)."""
    _guard(request)
    shown = request.GET.get("view") if request.GET.get("view") in VIEWS else VIEWS[0]
    rows = {
        "dead": outbox_dead_letters,
        "failing": outbox_failing_events,
        "deliveries": upstream_recent_deliveries,
        "exports": exports_recent,
        "notices": correction_notices_recent,
    }[shown]()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"summary": upstream_summary(), "shown": shown, "page": page, "views": VIEWS}
    return render(request, "exchange/overview.html", context)


@staff_required
@require_POST
def retry_event(request: HttpRequest, event_id: int) -> HttpResponse:
    """Send one dead letter again."""
    _guard(request)
    return _retry(request, event_ids=[event_id])


@staff_required
@require_POST
def retry_dead_letters(request: HttpRequest) -> HttpResponse:
    """Send every dead letter again."""
    _guard(request)
    return _retry(request, event_ids=None)


def _retry(request: HttpRequest, *, event_ids: list[int] | None) -> HttpResponse:
    try:
        retried = outbox_events_retry(
            actor=request.user, event_ids=event_ids, dead=True, request=request
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已安排重新推送 %(count)s 个事件。") % {"count": retried})
    return redirect(f"{reverse('exchange:overview')}?view=dead")


@staff_required
@require_POST
def acknowledge_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Record that the recipient of a correction notice acknowledged it."""
    _guard(request)
    try:
        correction_notice_acknowledge(notice_id=notice_id, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已记录确认。"))
    return redirect(f"{reverse('exchange:overview')}?view=notices")
