"""Staff pages of the collection app: the data-quality scoreboard."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chengxin.accounts.decorators import staff_required
from chengxin.collection.quality import (
    quality_department_choices,
    quality_department_for,
    quality_scope_of,
    quality_scoreboard,
)
from chengxin.core.errors import NotFoundError, PermissionDeniedError


@staff_required
def quality(request: HttpRequest) -> HttpResponse:
    """Rows received, accepted and rejected per department and item, with lateness.

    A department sees itself; the credit office sees every department and may pick one.
    """
    code = request.GET.get("department", "").strip()
    try:
        scope = quality_scope_of(request.user)
        department = quality_department_for(user=request.user, code=code)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None
    today = timezone.localdate()
    rows = quality_scoreboard(department=department, today=today)
    context = {
        "rows": rows,
        "today": today,
        "department": department,
        "all_departments": scope.all_departments,
        "department_choices": quality_department_choices() if scope.all_departments else [],
        "selected_code": department.code if department is not None else "",
        "late_count": sum(row.late for row in rows),
        "received_total": sum(row.received for row in rows),
        "accepted_total": sum(row.accepted for row in rows),
        "rejected_total": sum(row.rejected for row in rows),
    }
    return render(request, "collection/quality.html", context)
