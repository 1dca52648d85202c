"""Staff pages of campus integrity files under /staff/campus/ (docs/education.md, "Campus
files"): an officer opens a student's file for a school decision (the ID number is posted and
never shown back); the school register; the log of openings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chengxin.accounts.decorators import staff_required
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.paging import page_of
from chengxin.education import campus, limits, selectors
from chengxin.education.forms import CampusFileForm, SchoolForm
from chengxin.education.permissions import (
    can_keep_schools,
    can_open_campus_files,
    can_read_schools,
)


def can_see_campus(user) -> bool:
    """The menu's rule: officers open files, the credit office and the auditor see the log."""
    return can_open_campus_files(user) or can_read_schools(user)


@staff_required
@require_http_methods(["GET", "POST"])
def file_open(request: HttpRequest) -> HttpResponse:
    """The officer's form; a valid POST opens the file and shows it once (nothing is kept on
    the page but the masked identity)."""
    if not can_open_campus_files(request.user):
        raise PermissionDenied
    schools = list(selectors.schools_for(viewer=request.user))
    form = CampusFileForm(request.POST or None, schools=schools)
    opened = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                opened = campus.campus_file_open(
                    actor=request.user,
                    school_id=int(form.cleaned_data["school"]),
                    decision=form.cleaned_data["decision"],
                    case_no=form.cleaned_data["case_no"],
                    id_number=form.cleaned_data["id_number"],
                    request=request,
                )
                status = 200
            except NotFoundError:
                raise Http404 from None
            except DomainError as error:
                form.add_refusal(error)
                status = error.status if error.status >= 400 else 422
    context = {"form": form, "opened": opened, "schools": schools}
    return render(request, "education/campus_open.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def school_list(request: HttpRequest) -> HttpResponse:
    """The school register, paged; reviewers and the admin add schools on the same page."""
    try:
        schools = selectors.schools_for(viewer=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    form = SchoolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_keep_schools(request.user):
            raise PermissionDenied
        status = 422
        if form.is_valid():
            try:
                campus.school_register(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_refusal(error)
                status = error.status if error.status >= 400 else 422
            else:
                messages.success(request, _("学校已登记。"))
                return redirect("campus:school_list")
    context = {
        "page": page_of(request, schools, per_page=limits.PAGE_SIZE),
        "form": form,
        "can_keep": can_keep_schools(request.user),
        "can_open_campus": can_open_campus_files(request.user),
    }
    return render(request, "education/school_list.html", context, status=status)


@staff_required
@require_GET
def access_list(request: HttpRequest) -> HttpResponse:
    """The openings of campus files (the credit office and the auditor: all; an officer: the
    department's), newest first, paged."""
    try:
        rows = selectors.campus_accesses_for(viewer=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    context = {
        "page": page_of(request, rows, per_page=limits.PAGE_SIZE),
        "can_open_campus": can_open_campus_files(request.user),
    }
    return render(request, "education/campus_accesses.html", context)
