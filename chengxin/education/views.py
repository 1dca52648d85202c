"""Staff pages of training under /staff/training/ and the public certificate verification at
/certificates/verify/ (docs/education.md).

Reviewers run training; the system admin and the auditor read; everyone else gets 403. A
refusal comes back on the form that was sent, with the field it names marked.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.pages import found_or_404
from chengxin.core.paging import page_of
from chengxin.core.verification import throttled_lookup
from chengxin.education import limits, selectors, services
from chengxin.education.choices import Attendance, SessionStatus
from chengxin.education.forms import (
    CertificateVerificationForm,
    CourseForm,
    EnrolmentForm,
    SessionForm,
)
from chengxin.education.permissions import can_manage_training, can_read_training


def _reader(request: HttpRequest) -> None:
    if not can_read_training(request.user):
        raise PermissionDenied


def _manager(request: HttpRequest) -> None:
    if not can_manage_training(request.user):
        raise PermissionDenied


def _attempt(form, call: Callable) -> tuple[object | None, int]:
    """Run ``call``; on a refusal, put it on ``form`` and answer its status."""
    try:
        return call(), 200
    except NotFoundError:
        raise Http404 from None
    except DomainError as error:
        form.add_refusal(error)
        return None, error.status if error.status >= 400 else 422


@staff_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    """The courses, newest first, paged."""
    _reader(request)
    page = page_of(request, selectors.courses_for(viewer=request.user), per_page=limits.PAGE_SIZE)
    context = {"page": page, "can_manage": can_manage_training(request.user)}
    return render(request, "education/course_list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = CourseForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        course, status = _attempt(
            form, lambda: services.course_create(actor=request.user, **form.cleaned_data)
        )
        if course is not None:
            messages.success(request, _("培训课程已创建。"))
            return redirect("training:course_detail", course_id=course.pk)
    elif request.method == "POST":
        status = 422
    context = {"form": form, "title": _("新建培训课程")}
    return render(request, "education/form.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    """A course, its sessions, and (for reviewers) the form for a new session."""
    _reader(request)
    course = found_or_404(selectors.course_get, viewer=request.user, course_id=course_id)
    form = SessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _manager(request)
        if form.is_valid():
            session, status = _attempt(
                form,
                lambda: services.session_create(
                    actor=request.user, course=course, **form.cleaned_data
                ),
            )
            if session is not None:
                messages.success(request, _("培训班次已创建。"))
                return redirect("training:session_detail", session_id=session.pk)
        else:
            status = 422
    context = {
        "course": course,
        "sessions": selectors.sessions_of(viewer=request.user, course=course),
        "form": form,
        "can_manage": can_manage_training(request.user),
    }
    return render(request, "education/course_detail.html", context, status=status)


@staff_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    _reader(request)
    return _session_page(request, session_id, form=EnrolmentForm())


def _session_page(request, session_id: int, *, form, status: int = 200) -> HttpResponse:
    session = found_or_404(selectors.session_get, viewer=request.user, session_id=session_id)
    enrolments = selectors.enrolments_of(viewer=request.user, session=session)
    context = {
        "session": session,
        "page": page_of(request, enrolments, per_page=limits.PAGE_SIZE),
        "form": form,
        "can_manage": can_manage_training(request.user),
        "is_open": session.status == SessionStatus.OPEN,
        "attended": Attendance.ATTENDED,
    }
    return render(request, "education/session_detail.html", context, status=status)


@staff_required
@require_POST
def enrolment_add(request: HttpRequest, session_id: int) -> HttpResponse:
    _manager(request)
    form = EnrolmentForm(request.POST)
    status = 422
    if form.is_valid():
        enrolment, status = _attempt(
            form,
            lambda: services.enrolment_add(
                actor=request.user, session_id=session_id, **form.cleaned_data
            ),
        )
        if enrolment is not None:
            messages.success(request, _("学员已报名。"))
            return redirect("training:session_detail", session_id=session_id)
    return _session_page(request, session_id, form=form, status=status)


@staff_required
@require_POST
def attendance_mark(request: HttpRequest, session_id: int) -> HttpResponse:
    """The attendance form: the checked trainees attended, the others were absent."""
    _manager(request)
    attended = _ids(request.POST.getlist("attended"))
    shown = _ids(request.POST.getlist("shown"))
    try:
        services.attendance_mark(
            actor=request.user, session_id=session_id, attended_ids=attended, shown_ids=shown
        )
    except NotFoundError:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("training:session_detail", session_id=session_id)
    messages.success(request, _("考勤已保存。"))
    return redirect("training:session_detail", session_id=session_id)


def _ids(values: list[str]) -> set[int]:
    """The enrolment ids of a form (at most one page of them; anything else is ignored)."""
    return {
        int(value) for value in values[: limits.PAGE_SIZE] if value.isdigit() and len(value) < 10
    }


@staff_required
@require_POST
def session_close(request: HttpRequest, session_id: int) -> HttpResponse:
    _manager(request)
    try:
        services.session_close(actor=request.user, session_id=session_id)
    except NotFoundError:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("training:session_detail", session_id=session_id)
    messages.success(request, _("班次已结束。"))
    return redirect("training:session_detail", session_id=session_id)


@staff_required
@require_POST
def certificate_issue(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    _manager(request)
    try:
        certificate = services.certificate_issue(
            actor=request.user,
            enrolment_id=enrolment_id,
            verification_base_url=request.build_absolute_uri("/"),
            request=request,
        )
    except NotFoundError:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("training:certificate_list")
    messages.success(request, _("证书 %(number)s 已颁发。") % {"number": certificate.number})
    return redirect("training:session_detail", session_id=certificate.enrolment.session_id)


@staff_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    rows = selectors.certificates_for(viewer=request.user)
    context = {
        "page": page_of(request, rows, per_page=limits.PAGE_SIZE),
        "can_manage": can_manage_training(request.user),
    }
    return render(request, "education/certificate_list.html", context)


@staff_required
@require_GET
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The certificate's stored PDF (reviewers; an audited read)."""
    _manager(request)
    certificate = found_or_404(selectors.certificate_get, viewer=request.user, number=number)
    pdf = services.certificate_pdf_open(
        actor=request.user, certificate=certificate, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Anyone verifies a training certificate by its code: number, course, hours, dates, the
    holder's masked name and the PDF's hash. The form posts; the QR code opens the page with
    the code in the query. Codes not found count against the address's verification budget
    (``core.verification``); a spent budget answers 429."""
    form = CertificateVerificationForm(
        request.POST if request.method == "POST" else (request.GET or None)
    )
    summary = None
    not_found = False
    if form.is_valid():
        code = form.cleaned_data["code"]
        try:
            certificate = throttled_lookup(
                request=request, find=lambda: selectors.certificate_by_verification_code(code)
            )
            summary = selectors.certificate_verification_summary(certificate)
        except NotFoundError:
            not_found = True
    else:
        form.forget_refused_code()
    context = {"form": form, "summary": summary, "not_found": not_found}
    return render(request, "education/verify.html", context)
