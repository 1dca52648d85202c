"""Staff pages of batch checks: upload a file of ID numbers, follow the batch as the worker
checks it, download the result (masked numbers). The batch page is addressed by its UUID."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chengxin.accounts.choices import Capability
from chengxin.accounts.decorators import staff_required
from chengxin.accounts.permissions import has_capability
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.paging import page_of
from chengxin.measures.checks.batch import (
    batch_create,
    batch_progress,
    batch_result_download,
    input_from_file,
)
from chengxin.measures.checks.choices import BatchStatus, RowOutcome
from chengxin.measures.checks.forms import BatchCheckForm
from chengxin.measures.checks.models import BatchCheck
from chengxin.measures.checks.selectors import batch_get_visible_to
from chengxin.measures.choices import Matter

RECENT_BATCHES = 20


def _require_officer(request: HttpRequest) -> None:
    if not has_capability(request.user, Capability.RUN_CHECKS):
        raise PermissionDenied


def _visible_batch(request: HttpRequest, batch_id) -> BatchCheck:
    try:
        return batch_get_visible_to(user=request.user, batch_id=batch_id)
    except NotFoundError:
        raise Http404 from None


@staff_required
@require_http_methods(["GET", "POST"])
def batch_form(request: HttpRequest) -> HttpResponse:
    """The upload form and the department's recent batches; a valid upload opens its page."""
    _require_officer(request)
    form = BatchCheckForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = batch_create(
                    actor=request.user,
                    batch_input=input_from_file(upload.read()),
                    matter=form.cleaned_data["matter"],
                    case_no=form.cleaned_data["case_no"],
                    purpose=form.cleaned_data["purpose"],
                    file_name=upload.name or "",
                    request=request,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect("checks:batch_detail", batch_id=batch.pk)
        status = 422
    page = page_of(
        request,
        BatchCheck.objects.filter(department_id=request.user.department_id).order_by(
            "-created_at", "-pk"
        ),
        per_page=RECENT_BATCHES,
    )
    context = {"form": form, "page": page, "batches": [_summary(batch) for batch in page]}
    return render(request, "checks/batch_form.html", context, status=status)


@staff_required
def batch_detail(request: HttpRequest, batch_id) -> HttpResponse:
    """A batch's status, progress and counts; the page refreshes itself while it runs."""
    _require_officer(request)
    batch = _visible_batch(request, batch_id)
    return render(request, "checks/batch_detail.html", {"batch": _summary(batch)})


@staff_required
def batch_result(request: HttpRequest, batch_id) -> HttpResponse:
    """The result CSV of a finished batch (an audited export)."""
    _require_officer(request)
    batch = _visible_batch(request, batch_id)
    try:
        content = batch_result_download(user=request.user, batch=batch, request=request)
    except DomainError:
        return redirect("checks:batch_detail", batch_id=batch.pk)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="check-batch-{batch.pk}.csv"'
    return response


def _summary(batch: BatchCheck) -> dict:
    counts = batch.counts or {}
    return {
        "batch": batch,
        "matter_name": Matter(batch.matter).label if batch.matter in Matter.values else "",
        "status_name": BatchStatus(batch.status).label,
        "running": batch.status in (BatchStatus.RECEIVED, BatchStatus.RUNNING),
        "completed": batch.status == BatchStatus.COMPLETED,
        "progress": batch_progress(batch),
        "counts": [
            (RowOutcome.CHECKED.label, counts.get(RowOutcome.CHECKED.value)),
            (RowOutcome.NO_RECORDS.label, counts.get(RowOutcome.NO_RECORDS.value)),
            (RowOutcome.INVALID.label, counts.get(RowOutcome.INVALID.value)),
        ],
        "found": [
            (_("在名单上"), counts.get("on_lists")),
            (_("适用奖惩措施"), counts.get("with_measures")),
            (_("适用绿色通道"), counts.get("green_channel")),
            (_("有异议中的记录"), counts.get("disputed")),
        ],
    }
