"""Staff pages of the dashboards (``/staff/dashboards/``) and the public statistics page."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chengxin.accounts.decorators import staff_required
from chengxin.collection.exports import neutralise_cell
from chengxin.core.audit.events import export_event
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.network import client_limit_key
from chengxin.core.pages import error_page
from chengxin.dashboards.public import public_statistics
from chengxin.dashboards.registry import all_dashboards, dashboard_get
from chengxin.dashboards.selectors import (
    dashboard_filters,
    dashboard_scope_of,
    department_choices,
)
from chengxin.portal.middleware import PUBLIC_PAGES

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _scope(request: HttpRequest):
    try:
        return dashboard_scope_of(request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None


def _dashboard(slug: str, scope):
    dashboard = dashboard_get(slug)
    if dashboard is None:
        raise Http404
    if not dashboard.department_scoped and not scope.all_departments:
        raise PermissionDenied
    return dashboard


def _visible(scope):
    return [d for d in all_dashboards() if d.department_scoped or scope.all_departments]


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The dashboards the viewer may open."""
    scope = _scope(request)
    return render(
        request,
        "dashboards/index.html",
        {"dashboards": _visible(scope), "all_departments": scope.all_departments},
    )


@staff_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One dashboard: its filters, and each chart with its table and CSV link. Bad filters
    are shown on the page with what is wrong (400); another department's figures are refused."""
    scope = _scope(request)
    dashboard = _dashboard(slug, scope)
    context = {
        "dashboard": dashboard,
        "dashboards": _visible(scope),
        "all_departments": scope.all_departments,
        "department_choices": department_choices(scope) if dashboard.department_scoped else [],
        "params": {key: request.GET.get(key, "")[:64] for key in ("start", "end", "department")},
    }
    try:
        filters = dashboard_filters(scope=scope, params=request.GET)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except DomainError as error:
        context["error"] = error.message
        return render(request, "dashboards/detail.html", context, status=400)
    context.update(
        filters=filters,
        panels=dashboard.build(filters, scope),
        params={
            "start": filters.start.isoformat(),
            "end": filters.end.isoformat(),
            "department": filters.department.code if filters.department else "",
        },
    )
    return render(request, "dashboards/detail.html", context)


@staff_required
def export_csv(request: HttpRequest, slug: str, panel: str) -> HttpResponse:
    """One panel's table as CSV (UTF-8 with BOM, for spreadsheet programs): the same rows and
    numbers as the page, formulas neutralised; the export is audited."""
    scope = _scope(request)
    dashboard = _dashboard(slug, scope)
    try:
        filters = dashboard_filters(scope=scope, params=request.GET)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    chosen = next((one for one in dashboard.build(filters, scope) if one.slug == panel), None)
    if chosen is None:
        raise Http404
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(column) for column in chosen.columns])
    for row in chosen.display_rows():
        writer.writerow([neutralise_cell(row[0]), *row[1:]])
    with transaction.atomic():
        export_event(
            actor=request.user,
            object_type="dashboard",
            object_id=f"{slug}/{panel}",
            detail={
                "start": filters.start.isoformat(),
                "end": filters.end.isoformat(),
                "department": filters.department.code if filters.department else "",
                "rows": len(chosen.rows),
            },
            request=request,
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CSV_CONTENT_TYPE)
    name = f"{slug}-{panel}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def statistics(request: HttpRequest) -> HttpResponse:
    """The public site's statistics page: counts only, small counts suppressed; under the
    public site's per-address page limit, as the portal's own pages are."""
    refusal = PUBLIC_PAGES.hit(client_limit_key(request))
    if refusal is not None:
        return error_page(request, refusal)
    return render(request, "dashboards/public_statistics.html", {"stats": public_statistics()})
