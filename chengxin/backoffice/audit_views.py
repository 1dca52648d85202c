"""The staff audit page: the auditor's filtered, paged view of the log (``core.audit``'s
selectors and form; the page lives in the staff shell, which knows the staff accounts)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from chengxin.accounts.decorators import staff_required
from chengxin.core.audit.forms import AuditEventFilterForm
from chengxin.core.audit.selectors import (
    AuditEventFilters,
    audit_event_list_visible_to,
    audit_seal_backlog,
    can_read_audit_log,
)

EVENTS_PER_PAGE = 50


@staff_required
def event_list(request):
    """List audit events with filters; auditors only (403 for everyone else)."""
    if not can_read_audit_log(request.user):
        raise PermissionDenied
    form = AuditEventFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else AuditEventFilters()
    events = audit_event_list_visible_to(user=request.user, filters=filters)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    waiting, oldest = audit_seal_backlog()
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "seal_backlog": waiting,
            "seal_backlog_since": oldest,
        },
    )
