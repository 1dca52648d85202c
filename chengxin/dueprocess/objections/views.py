"""Staff pages of objections under /staff/objections/: the queue, the case page with the
decision forms beside the record, its versions, the grounds and files, the counter filing, and
the downloads of files (audited).

Each department's providers see the objections to their records and decide them; the credit
office's reviewers see every objection, file for people at the counter and decide reviews.
Another department's case is not found (404); a role that sees no objections gets 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.dueprocess.attachment_views import attachment_response
from chengxin.dueprocess.objections import services
from chengxin.dueprocess.objections.choices import ObjectionStatus, Transition
from chengxin.dueprocess.objections.corrections import correctable_fields, current_values
from chengxin.dueprocess.objections.deadlines import (
    deadline_owner,
    deadline_warnings,
    extension_max_working_days,
    is_overdue,
    working_days_left,
)
from chengxin.dueprocess.objections.forms import (
    CounterObjectionForm,
    DecideForm,
    ExtendForm,
    QueueFilterForm,
    RefuseForm,
    ReviewDecisionForm,
    incoming,
)
from chengxin.dueprocess.objections.selectors import (
    QueueFilters,
    can_screen,
    earlier_objections,
    may_decide,
    objection_attachment_get,
    objection_attachments,
    objection_get_visible_to,
    objection_items_visible_to,
    objection_queue_visible_to,
    objection_statement,
    record_versions,
    transition_open,
)
from chengxin.dueprocess.steps import case_step


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The objections the signed-in staff member sees: open ones first, nearest deadline first,
    with the working days left; filters by status, catalog item and overdue; paged."""
    today = timezone.localdate()
    try:
        items = objection_items_visible_to(user=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    form = QueueFilterForm(request.GET or None, items=items)
    filters = QueueFilters(**form.cleaned_data) if form.is_valid() else QueueFilters()
    try:
        page = objection_queue_visible_to(
            user=request.user, filters=filters, today=today, page=request.GET.get("page") or 1
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    context = {
        "form": form,
        "page": page.page,
        "rows": page.rows,
        "query": _query_without_page(request),
        "warnings": deadline_warnings([row.objection.deadline for row in page.rows], today=today),
        "files_for_people": can_screen(request.user),
    }
    return render(request, "objections/staff/queue.html", context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _visible(request: HttpRequest, objection_id: int):
    try:
        return objection_get_visible_to(user=request.user, objection_id=objection_id)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None


@staff_required
def detail(request: HttpRequest, objection_id: int) -> HttpResponse:
    """The case page (an audited read of the person's data)."""
    objection = _visible(request, objection_id)
    services.objection_case_read(actor=request.user, objection=objection, request=request)
    return _case(request, objection)


def _decide_form(objection, data=None) -> DecideForm:
    record = objection.record
    return DecideForm(data, fields=correctable_fields(record), values=current_values(record))


def _case(request, objection, *, forms=None, status: int = 200, refusal: str = "") -> HttpResponse:
    forms = forms or {}
    today = timezone.localdate()
    deciding = may_decide(request.user, objection)
    reviewing = can_screen(request.user) and transition_open(objection, Transition.DECIDE_REVIEW)
    left = working_days_left([objection.deadline], today=today).get(objection.deadline)
    context = {
        "objection": objection,
        "record": objection.record,
        "subject": objection.record.subject,
        "versions": record_versions(objection.record),
        "attachments": objection_attachments(objection),
        "earlier": earlier_objections(objection),
        "statement": objection_statement(objection),
        "working_days_left": left if objection.is_open else None,
        "overdue": is_overdue(status=objection.status, deadline=objection.deadline, today=today),
        "owner": deadline_owner(objection.status),
        "warnings": deadline_warnings([objection.deadline], today=today),
        "refusal": refusal,
        "can_accept": deciding and transition_open(objection, Transition.ACCEPT),
        "refuse_form": _offered(
            deciding, objection, Transition.REFUSE, forms, "refuse", RefuseForm
        ),
        "extend_form": _offered(
            deciding and objection.extended_at is None,
            objection,
            Transition.EXTEND,
            forms,
            "extend",
            ExtendForm,
        ),
        "extension_max": extension_max_working_days(),
        "decide_form": _offered(
            deciding, objection, Transition.DECIDE, forms, "decide", lambda: _decide_form(objection)
        ),
        "review_form": forms.get("review") or (ReviewDecisionForm() if reviewing else None),
        "overturned": objection.status == ObjectionStatus.OVERTURNED,
    }
    return render(request, "objections/staff/detail.html", context, status=status)


def _offered(allowed: bool, objection, transition: str, forms: dict, key: str, make: Callable):
    if key in forms:
        return forms[key]
    return make() if allowed and transition_open(objection, transition) else None


def _act(request, objection, *, key: str, form, call: Callable, success: str) -> HttpResponse:
    """Run one decision on the case page (``chengxin.dueprocess.steps.case_step``)."""
    return case_step(
        request,
        key=key,
        form=form,
        call=call,
        page=lambda forms, status, refusal: _case(
            request, objection, forms=forms, status=status, refusal=refusal
        ),
        success=success,
        done=lambda: redirect("objections:detail", objection_id=objection.pk),
    )


@staff_required
@require_POST
def accept(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _visible(request, objection_id)
    return _act(
        request,
        objection,
        key="accept",
        form=None,
        call=lambda: services.objection_accept(
            actor=request.user, objection_id=objection.pk, request=request
        ),
        success=_("已受理该异议。"),
    )


@staff_required
@require_POST
def refuse(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _visible(request, objection_id)
    form = RefuseForm(request.POST)
    return _act(
        request,
        objection,
        key="refuse",
        form=form,
        call=lambda: services.objection_refuse(
            actor=request.user,
            objection_id=objection.pk,
            reason=form.cleaned_data["reason"],
            reasons=form.cleaned_data["reasons"],
            request=request,
        ),
        success=_("已作出不予受理决定，并告知当事人。"),
    )


@staff_required
@require_POST
def extend(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _visible(request, objection_id)
    form = ExtendForm(request.POST)
    return _act(
        request,
        objection,
        key="extend",
        form=form,
        call=lambda: services.objection_extend(
            actor=request.user,
            objection_id=objection.pk,
            working_days=form.cleaned_data["working_days"],
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        success=_("已延长处理期限，并告知当事人。"),
    )


@staff_required
@require_POST
def decide(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _visible(request, objection_id)
    form = _decide_form(objection, request.POST)
    return _act(
        request,
        objection,
        key="decide",
        form=form,
        call=lambda: services.objection_decide(
            actor=request.user,
            objection_id=objection.pk,
            outcome=form.cleaned_data["outcome"],
            resolution=form.cleaned_data["resolution"],
            corrections=form.corrections(),
            reasons=form.cleaned_data["reasons"],
            request=request,
        ),
        success=_("已作出处理决定，并告知当事人。"),
    )


@staff_required
@require_POST
def review(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _visible(request, objection_id)
    form = ReviewDecisionForm(request.POST)
    return _act(
        request,
        objection,
        key="review",
        form=form,
        call=lambda: services.objection_review_decide(
            actor=request.user,
            objection_id=objection.pk,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            request=request,
        ),
        success=_("已作出复核决定，并告知当事人。"),
    )


@staff_required
def attachment_download(request: HttpRequest, objection_id: int, attachment_id) -> HttpResponse:
    """One file of the case, as it was kept (images re-encoded); the download is audited."""
    objection = _visible(request, objection_id)
    try:
        attachment = objection_attachment_get(objection=objection, attachment_id=attachment_id)
    except NotFoundError:
        raise Http404 from None
    data = services.objection_attachment_open(
        actor=request.user, objection=objection, attachment=attachment, request=request
    )
    return attachment_response(data, attachment)


@staff_required
def file_for_person(request: HttpRequest) -> HttpResponse:
    """The counter: the credit office's reviewer files an objection for a person who gave a
    power of attorney (the person's ID number is checked against the record)."""
    if not can_screen(request.user):
        raise PermissionDenied
    form = CounterObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_file_on_behalf(
                actor=request.user,
                record_id=form.cleaned_data["record_id"],
                id_number=form.cleaned_data["id_number"],
                grounds=form.cleaned_data["grounds"],
                text=form.cleaned_data["text"],
                power_of_attorney=incoming([form.cleaned_data["power_of_attorney"]])[0],
                files=incoming(form.cleaned_data["attachments"]),
                request=request,
            )
        except DomainError as error:
            form.add_refusal(error)
            status = error.status
        else:
            messages.success(request, _("已代当事人提交异议，记录已标注为“异议中”。"))
            return redirect("objections:detail", objection_id=objection.pk)
    else:
        status = 422 if request.method == "POST" else 200
    return render(request, "objections/staff/new.html", {"form": form}, status=status)
