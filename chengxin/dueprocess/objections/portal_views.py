"""The person's objection pages in the portal (/my/…): object to one of my records, my
objections, one objection with its deadline, decision and reasons, and the person's steps
(withdraw, attach a statement, ask for a review). Free of charge, and the pages say so.

Every page reads the file through ``accounts.selectors.confirmed_citizen_account``: anonymous
visitors go to the sign-in page, staff get 403, a citizen whose identity is not confirmed yet
sees nothing of the file, and a record or objection of another person is not found (404).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.citizen_views import confirmed_citizen_required
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.pages import error_page
from chengxin.core.throttle import ThrottledError
from chengxin.dueprocess.objections import services
from chengxin.dueprocess.objections.choices import ObjectionStatus, Transition
from chengxin.dueprocess.objections.deadlines import is_overdue, working_days_left
from chengxin.dueprocess.objections.forms import (
    ObjectionForm,
    ReviewRequestForm,
    StatementForm,
    incoming,
)
from chengxin.dueprocess.objections.selectors import (
    REFUSED_RECORD_STATUSES,
    objection_attachments,
    objection_get_for_citizen,
    objection_statement,
    objections_of_citizen,
    open_objection_of_record,
    record_for_citizen,
    transition_open,
)
from chengxin.dueprocess.objections.throttles import objection_filing_allowed
from chengxin.dueprocess.steps import case_step

citizen_page = confirmed_citizen_required


def _record(request: HttpRequest, record_id: int):
    try:
        return record_for_citizen(account=request.citizen_account, record_id=record_id)
    except NotFoundError:
        raise Http404 from None


def _objection(request: HttpRequest, objection_id: int):
    try:
        return objection_get_for_citizen(account=request.citizen_account, objection_id=objection_id)
    except NotFoundError:
        raise Http404 from None


@citizen_page
def file_objection(request: HttpRequest, record_id: int) -> HttpResponse:
    """Object to one of my records (GET the form, POST it)."""
    record = _record(request, record_id)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        try:
            objection_filing_allowed(request)
        except ThrottledError as error:
            return error_page(request, error)
        if form.is_valid():
            try:
                objection = services.objection_file_by_person(
                    actor=request.user,
                    record_id=record.pk,
                    grounds=form.cleaned_data["grounds"],
                    text=form.cleaned_data["text"],
                    files=incoming(form.cleaned_data["attachments"]),
                    request=request,
                )
            except DomainError as error:
                form.add_refusal(error)
                status = error.status
            else:
                messages.success(
                    request, _("异议已提交。该记录已标注为“异议中”，处理结果将通知您。")
                )
                return redirect("objections_portal:detail", objection_id=objection.pk)
        else:
            status = 422
    context = {
        "record": record,
        "form": form,
        "refused_status": record.status in REFUSED_RECORD_STATUSES,
        "open_objection": open_objection_of_record(record.pk),
    }
    return render(request, "objections/portal/file.html", context, status=status)


@citizen_page
def my_objections(request: HttpRequest) -> HttpResponse:
    """Every objection about me, newest first, with its status and deadline."""
    today = timezone.localdate()
    objections = objections_of_citizen(account=request.citizen_account)
    left = working_days_left([objection.deadline for objection in objections], today=today)
    rows = [
        {
            "objection": objection,
            "working_days_left": left.get(objection.deadline) if objection.is_open else None,
            "overdue": is_overdue(
                status=objection.status, deadline=objection.deadline, today=today
            ),
        }
        for objection in objections
    ]
    return render(request, "objections/portal/list.html", {"rows": rows})


@citizen_page
def objection_detail(request: HttpRequest, objection_id: int) -> HttpResponse:
    """One objection about me: status, deadlines, the decision and its reasons, my steps."""
    return _detail(request, _objection(request, objection_id))


def _detail(
    request, objection, *, forms=None, status: int = 200, refusal: str = ""
) -> HttpResponse:
    forms = forms or {}
    today = timezone.localdate()
    left = working_days_left([objection.deadline], today=today).get(objection.deadline)
    review_open = (
        transition_open(objection, Transition.REQUEST_REVIEW)
        and objection.review_request_until is not None
        and today <= objection.review_request_until
    )
    statement = objection_statement(objection)
    context = {
        "objection": objection,
        "record": objection.record,
        "working_days_left": left if objection.is_open else None,
        "overdue": is_overdue(status=objection.status, deadline=objection.deadline, today=today),
        "statement": statement,
        "attachments": objection_attachments(objection),
        "refusal": refusal,
        "can_withdraw": transition_open(objection, Transition.WITHDRAW),
        "statement_form": forms.get("statement")
        or (
            StatementForm()
            if statement is None and transition_open(objection, Transition.ATTACH_STATEMENT)
            else None
        ),
        "review_form": forms.get("review") or (ReviewRequestForm() if review_open else None),
        "statuses": ObjectionStatus,
    }
    return render(request, "objections/portal/detail.html", context, status=status)


def _step(request, objection, *, key: str, form, call: Callable, success: str) -> HttpResponse:
    """Run one step of the person's case (``chengxin.dueprocess.steps.case_step``)."""
    return case_step(
        request,
        key=key,
        form=form,
        call=call,
        page=lambda forms, status, refusal: _detail(
            request, objection, forms=forms, status=status, refusal=refusal
        ),
        success=success,
        done=lambda: redirect("objections_portal:detail", objection_id=objection.pk),
    )


@citizen_page
@require_POST
def withdraw(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _objection(request, objection_id)
    return _step(
        request,
        objection,
        key="withdraw",
        form=None,
        call=lambda: services.objection_withdraw(
            actor=request.user, objection_id=objection.pk, request=request
        ),
        success=_("异议已撤回，记录的“异议中”标注已取消。"),
    )


@citizen_page
@require_POST
def attach_statement(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _objection(request, objection_id)
    form = StatementForm(request.POST)
    return _step(
        request,
        objection,
        key="statement",
        form=form,
        call=lambda: services.objection_statement_attach(
            actor=request.user,
            objection_id=objection.pk,
            text=form.cleaned_data["text"],
            request=request,
        ),
        success=_("异议声明已附加到该记录，此后的查询、核查和信用报告都会显示。"),
    )


@citizen_page
@require_POST
def request_review(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _objection(request, objection_id)
    form = ReviewRequestForm(request.POST)
    return _step(
        request,
        objection,
        key="review",
        form=form,
        call=lambda: services.objection_review_request(
            actor=request.user,
            objection_id=objection.pk,
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        success=_("复核申请已提交，信用办将作出复核决定。"),
    )
