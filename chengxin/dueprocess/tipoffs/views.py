"""Staff pages of tip-offs under /staff/tipoffs/: the queue, the case page with the person
concerned, the text and files beside the decision forms, and the downloads (audited).

The credit office's reviewers see every tip-off, route it or find it not admissible, and close it
once answered; the staff of the department it was routed to see it and answer. Another
department's tip-off is not found (404); a role that sees no tip-offs gets 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.dueprocess.attachment_views import attachment_response
from chengxin.dueprocess.steps import case_step
from chengxin.dueprocess.tipoffs import services
from chengxin.dueprocess.tipoffs.choices import Transition
from chengxin.dueprocess.tipoffs.deadlines import (
    deadline_owner,
    deadline_warnings,
    is_overdue,
    working_days_left,
)
from chengxin.dueprocess.tipoffs.forms import AnswerForm, QueueFilterForm, RefuseForm, RouteForm
from chengxin.dueprocess.tipoffs.selectors import (
    QueueFilters,
    can_screen,
    may_answer,
    other_tipoffs_about_same_person,
    tipoff_attachment_get,
    tipoff_attachments,
    tipoff_get_visible_to,
    tipoff_queue_visible_to,
    transition_open,
)


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The tip-offs the signed-in staff member sees: open first, nearest deadline first, with
    the working days left; filters by status, category and overdue; paged."""
    today = timezone.localdate()
    form = QueueFilterForm(request.GET or None)
    filters = QueueFilters(**form.cleaned_data) if form.is_valid() else QueueFilters()
    try:
        page = tipoff_queue_visible_to(
            user=request.user, filters=filters, today=today, page=request.GET.get("page") or 1
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page.page,
        "rows": page.rows,
        "query": query.urlencode(),
        "warnings": deadline_warnings([row.tipoff.deadline for row in page.rows], today=today),
    }
    return render(request, "tipoffs/staff/queue.html", context)


def _visible(request: HttpRequest, tipoff_id: int):
    try:
        return tipoff_get_visible_to(user=request.user, tipoff_id=tipoff_id)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None


@staff_required
def detail(request: HttpRequest, tipoff_id: int) -> HttpResponse:
    """The case page (an audited read of the person concerned)."""
    tipoff = _visible(request, tipoff_id)
    services.tipoff_case_read(actor=request.user, tipoff=tipoff, request=request)
    return _case(request, tipoff)


def _case(request, tipoff, *, forms=None, status: int = 200, refusal: str = "") -> HttpResponse:
    forms = forms or {}
    today = timezone.localdate()
    screening = can_screen(request.user)
    answering = may_answer(request.user, tipoff)
    left = working_days_left([tipoff.deadline], today=today).get(tipoff.deadline)

    def offered(allowed: bool, transition: str, key: str, make: Callable):
        if key in forms:
            return forms[key]
        return make() if allowed and transition_open(tipoff, transition) else None

    context = {
        "tipoff": tipoff,
        "concerned": services.tipoff_concerned(tipoff),
        "attachments": tipoff_attachments(tipoff),
        "others": other_tipoffs_about_same_person(tipoff) if screening else [],
        "working_days_left": left if tipoff.is_open else None,
        "overdue": is_overdue(status=tipoff.status, deadline=tipoff.deadline, today=today),
        "owner": deadline_owner(tipoff.status),
        "warnings": deadline_warnings([tipoff.deadline], today=today),
        "refusal": refusal,
        "route_form": offered(
            screening,
            Transition.ROUTE,
            "route",
            lambda: RouteForm(initial={"department": tipoff.reported_department_id}),
        ),
        "refuse_form": offered(screening, Transition.REFUSE, "refuse", RefuseForm),
        "answer_form": offered(answering, Transition.ANSWER, "answer", AnswerForm),
        "can_close": screening and transition_open(tipoff, Transition.CLOSE),
    }
    return render(request, "tipoffs/staff/detail.html", context, status=status)


def _act(request, tipoff, *, key: str, form, call: Callable, success: str) -> HttpResponse:
    """Run one step on the case page (``chengxin.dueprocess.steps.case_step``)."""
    return case_step(
        request,
        key=key,
        form=form,
        call=call,
        page=lambda forms, status, refusal: _case(
            request, tipoff, forms=forms, status=status, refusal=refusal
        ),
        success=success,
        done=lambda: redirect("tipoffs:detail", tipoff_id=tipoff.pk),
    )


@staff_required
@require_POST
def route(request: HttpRequest, tipoff_id: int) -> HttpResponse:
    tipoff = _visible(request, tipoff_id)
    form = RouteForm(request.POST)
    return _act(
        request,
        tipoff,
        key="route",
        form=form,
        call=lambda: services.tipoff_route(
            actor=request.user,
            tipoff_id=tipoff.pk,
            department_id=form.cleaned_data["department"],
            note=form.cleaned_data["note"],
            request=request,
        ),
        success=_("已转交主管部门办理。"),
    )


@staff_required
@require_POST
def refuse(request: HttpRequest, tipoff_id: int) -> HttpResponse:
    tipoff = _visible(request, tipoff_id)
    form = RefuseForm(request.POST)
    return _act(
        request,
        tipoff,
        key="refuse",
        form=form,
        call=lambda: services.tipoff_refuse(
            actor=request.user,
            tipoff_id=tipoff.pk,
            reason=form.cleaned_data["reason"],
            reasons=form.cleaned_data["reasons"],
            request=request,
        ),
        success=_("已作出不予受理决定。"),
    )


@staff_required
@require_POST
def answer(request: HttpRequest, tipoff_id: int) -> HttpResponse:
    tipoff = _visible(request, tipoff_id)
    form = AnswerForm(request.POST)
    return _act(
        request,
        tipoff,
        key="answer",
        form=form,
        call=lambda: services.tipoff_answer(
            actor=request.user,
            tipoff_id=tipoff.pk,
            outcome=form.cleaned_data["outcome"],
            answer=form.cleaned_data["answer"],
            request=request,
        ),
        success=_("已答复办理结果，举报人可以查看。"),
    )


@staff_required
@require_POST
def close(request: HttpRequest, tipoff_id: int) -> HttpResponse:
    tipoff = _visible(request, tipoff_id)
    return _act(
        request,
        tipoff,
        key="close",
        form=None,
        call=lambda: services.tipoff_close(
            actor=request.user, tipoff_id=tipoff.pk, request=request
        ),
        success=_("举报已办结。"),
    )


@staff_required
def attachment_download(request: HttpRequest, tipoff_id: int, attachment_id) -> HttpResponse:
    """One file of the case, as it was kept (images re-encoded); the download is audited."""
    tipoff = _visible(request, tipoff_id)
    try:
        attachment = tipoff_attachment_get(tipoff=tipoff, attachment_id=attachment_id)
    except NotFoundError:
        raise Http404 from None
    data = services.tipoff_attachment_open(
        actor=request.user, tipoff=tipoff, attachment=attachment, request=request
    )
    return attachment_response(data, attachment)
