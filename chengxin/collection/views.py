"""Staff pages of the collection app: submissions and file upload with progress, and the
data-quality scoreboard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chengxin.accounts.choices import Capability
from chengxin.accounts.decorators import staff_required
from chengxin.accounts.permissions import can_see_submissions, can_submit_records, has_capability
from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection.downloads import CSV_FORMAT, XLSX_FORMAT, rejected_rows_response
from chengxin.collection.forms import UploadForm
from chengxin.collection.ingest.imports import IN_PROGRESS, file_import_progress
from chengxin.collection.ingest.uploads import (
    file_import_retry,
    file_import_retryable,
    file_upload_create,
    upload_refused_for_size,
)
from chengxin.collection.quality import (
    quality_department_choices,
    quality_department_for,
    quality_scope_of,
    quality_scoreboard,
)
from chengxin.collection.selectors import (
    submission_get_visible_to,
    submission_rejected_rows,
    submission_row_errors,
    submissions_visible_to,
)
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.paging import page_of


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
        "page": page_of(request, rows),
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


@staff_required
def submission_list(request: HttpRequest) -> HttpResponse:
    """The department's submissions (API, files, command line), newest first, and the upload
    form for a provider."""
    may_submit = has_capability(request.user, Capability.SUBMIT_RECORDS)
    if not may_submit and not can_see_submissions(request.user):
        raise PermissionDenied
    context = {
        "page": page_of(request, submissions_visible_to(user=request.user)),
        "form": UploadForm(user=request.user) if may_submit else None,
    }
    return render(request, "collection/submission_list.html", context)


@staff_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Accept a file for the worker and show its progress page; a refused file is shown on the
    form with every problem of the file."""
    if not has_capability(request.user, Capability.SUBMIT_RECORDS):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            upload_refused_for_size(upload_file.size)
            submission = file_upload_create(
                actor=request.user,
                department=request.user.department,
                item_code=form.cleaned_data["catalog_item"],
                data=upload_file.read(),
                file_name=upload_file.name or "",
            )
        except DomainError as error:
            form.add_refusal(error)
        else:
            return redirect("collection:submission_detail", submission_id=submission.pk)
    context = {"page": page_of(request, submissions_visible_to(user=request.user)), "form": form}
    return render(request, "collection/submission_list.html", context, status=422)


@staff_required
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    """A submission's status, progress (updated while it runs), counts and row errors."""
    submission = _visible_submission(request, submission_id)
    retryable = file_import_retryable(submission)
    context = {
        "submission": submission,
        "progress": file_import_progress(submission),
        "running": submission.status in IN_PROGRESS,
        "retryable": retryable,
        "may_retry": retryable and can_submit_records(request.user, submission.department),
        "row_errors": _with_titles(
            submission_row_errors(user=request.user, submission=submission), submission
        ),
    }
    return render(request, "collection/submission_detail.html", context)


@staff_required
def submission_progress(request: HttpRequest, submission_id: int) -> JsonResponse:
    """Progress of a submission for its page (polled while it runs)."""
    submission = _visible_submission(request, submission_id)
    return JsonResponse(
        {
            "status": submission.status,
            "status_label": str(submission.get_status_display()),
            "progress": file_import_progress(submission),
            "received": submission.received,
            "accepted": submission.accepted,
            "rejected": submission.rejected,
            "unchanged": submission.unchanged,
            "total_rows": submission.total_rows,
            "running": submission.status in IN_PROGRESS,
        }
    )


@staff_required
@require_POST
def submission_retry(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Resume a failed file import after its last committed chunk; back to its page."""
    try:
        file_import_retry(actor=request.user, submission_id=submission_id)
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("collection:submission_detail", submission_id=submission_id)


@staff_required
def submission_errors_download(request: HttpRequest, submission_id: int, fmt: str) -> HttpResponse:
    """The rejected rows with their errors as CSV or XLSX, to fix and upload again (an audited
    export: the rows may hold ID numbers)."""
    if fmt not in (CSV_FORMAT, XLSX_FORMAT):
        raise Http404
    submission = _visible_submission(request, submission_id)
    rows = submission_rejected_rows(
        user=request.user, submission=submission, export_format=fmt, request=request
    )
    return rejected_rows_response(submission, rows, export_format=fmt)


def _with_titles(errors: list[dict], submission) -> list[dict]:
    """Each error with the Chinese title of its field, as the provider's file names it."""
    fields = catalog_version_table_schema(catalog_item_current_version(submission.item))["fields"]
    titles = {field["name"]: field.get("title", field["name"]) for field in fields}
    return [
        {**error, "field_title": titles.get(error["field"], error["field"])} for error in errors
    ]


def _visible_submission(request: HttpRequest, submission_id: int):
    try:
        return submission_get_visible_to(user=request.user, submission_id=submission_id)
    except NotFoundError:
        raise Http404 from None
