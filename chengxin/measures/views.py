"""Staff pages of the measures catalog (read-only; edited in the admin through the services)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from chengxin.accounts.decorators import staff_required
from chengxin.core.paging import page_of
from chengxin.measures.models import Measure
from chengxin.measures.presentation import matter_labels, trigger_labels


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Every measure: status, kind, legal basis, implementing departments, triggers."""
    page = page_of(
        request, Measure.objects.prefetch_related("departments").order_by("kind", "code")
    )
    for measure in page.object_list:
        measure.trigger_labels = trigger_labels(measure.triggers)
        measure.matter_labels = matter_labels(measure.matters)
    return render(request, "measures/index.html", {"page": page})


@staff_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """One measure with its versions."""
    measure = get_object_or_404(Measure, code=code)
    context = {
        "measure": measure,
        "departments": measure.departments.all(),
        "trigger_labels": trigger_labels(measure.triggers),
        "matter_labels": matter_labels(measure.matters),
        "versions": measure.versions.select_related("created_by").order_by("-number"),
    }
    return render(request, "measures/detail.html", context)
