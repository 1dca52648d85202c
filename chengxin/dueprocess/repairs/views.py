"""Staff pages of credit repair under /staff/repairs/: the queue, the case page with the
decision form beside the record, its versions, the proof and the commitment, the counter
application, and the downloads of files (audited).

Each department's providers see the applications for the records they decided and decide them;
the credit office's reviewers see every application and apply for people at the counter.
Another department's case is not found (404); a role that sees no applications gets 403.
"""

from __future__ import annotations

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
from chengxin.dueprocess.objections.forms import incoming
from chengxin.dueprocess.objections.selectors import record_versions
from chengxin.dueprocess.repairs import services
from chengxin.dueprocess.repairs.choices import Transition
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.deadlines import deadline_warnings, is_overdue, working_days_left
from chengxin.dueprocess.repairs.forms import CounterRepairForm, DecideForm, QueueFilterForm
from chengxin.dueprocess.repairs.selectors import (
    QueueFilters,
    can_screen,
    earlier_repairs,
    may_decide,
    repair_attachment_get,
    repair_attachments,
    repair_get_visible_to,
    repair_items_visible_to,
    repair_queue_visible_to,
    transition_open,
)


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The applications the signed-in staff member sees: open ones first, nearest deadline
    first, with the working days left; filters by status, catalog item and overdue; paged."""
    today = timezone.localdate()
    try:
        items = repair_items_visible_to(user=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    form = QueueFilterForm(request.GET or None, items=items)
    filters = QueueFilters(**form.cleaned_data) if form.is_valid() else QueueFilters()
    page = repair_queue_visible_to(
        user=request.user, filters=filters, today=today, page=request.GET.get("page") or 1
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page.page,
        "rows": page.rows,
        "query": query.urlencode(),
        "warnings": deadline_warnings([row.repair.deadline for row in page.rows], today=today),
        "files_for_people": can_screen(request.user),
    }
    return render(request, "repairs/staff/queue.html", context)


def _visible(request: HttpRequest, repair_id: int):
    try:
        return repair_get_visible_to(user=request.user, repair_id=repair_id)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None


@staff_required
def detail(request: HttpRequest, repair_id: int) -> HttpResponse:
    """The case page (an audited read of the person's data)."""
    repair = _visible(request, repair_id)
    services.repair_case_read(actor=request.user, repair=repair, request=request)
    return _case(request, repair)


def _case(request, repair, *, form=None, status: int = 200, refusal: str = "") -> HttpResponse:
    today = timezone.localdate()
    deciding = may_decide(request.user, repair) and transition_open(repair, Transition.DECIDE)
    left = working_days_left([repair.deadline], today=today).get(repair.deadline)
    context = {
        "repair": repair,
        "record": repair.record,
        "subject": repair.record.subject,
        "versions": record_versions(repair.record),
        "attachments": repair_attachments(repair),
        "earlier": earlier_repairs(repair),
        "working_days_left": left if repair.is_open else None,
        "overdue": is_overdue(status=repair.status, deadline=repair.deadline, today=today),
        "warnings": deadline_warnings([repair.deadline], today=today),
        "refusal": refusal,
        "decide_form": form or (DecideForm() if deciding else None),
    }
    return render(request, "repairs/staff/detail.html", context, status=status)


@staff_required
@require_POST
def decide(request: HttpRequest, repair_id: int) -> HttpResponse:
    repair = _visible(request, repair_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _case(request, repair, form=form, status=422)
    try:
        services.repair_decide(
            actor=request.user,
            repair_id=repair.pk,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            request=request,
        )
    except DomainError as error:
        form.add_refusal(error)
        return _case(request, repair, form=form, status=error.status)
    messages.success(request, _("已作出信用修复决定，并告知当事人。"))
    return redirect("repairs:detail", repair_id=repair.pk)


@staff_required
def attachment_download(request: HttpRequest, repair_id: int, attachment_id) -> HttpResponse:
    """One file of the case, as it was kept (images re-encoded); the download is audited."""
    repair = _visible(request, repair_id)
    try:
        attachment = repair_attachment_get(repair=repair, attachment_id=attachment_id)
    except NotFoundError:
        raise Http404 from None
    data = services.repair_attachment_open(
        actor=request.user, repair=repair, attachment=attachment, request=request
    )
    return attachment_response(data, attachment)


@staff_required
def apply_for_person(request: HttpRequest) -> HttpResponse:
    """The counter: the credit office's reviewer applies for repair for a person who signed a
    power of attorney and the commitment (the ID number is checked against the record)."""
    if not can_screen(request.user):
        raise PermissionDenied
    form = CounterRepairForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            repair = services.repair_apply_on_behalf(
                actor=request.user,
                record_id=form.cleaned_data["record_id"],
                id_number=form.cleaned_data["id_number"],
                text=form.cleaned_data["text"],
                commitment_version=form.cleaned_data["commitment_version"],
                commitment_accepted=form.cleaned_data["commitment_accepted"],
                power_of_attorney=incoming([form.cleaned_data["power_of_attorney"]])[0],
                files=incoming(form.cleaned_data["attachments"]),
                request=request,
            )
        except DomainError as error:
            form.add_refusal(error)
            status = error.status
        else:
            messages.success(request, _("已代当事人提交信用修复申请。"))
            return redirect("repairs:detail", repair_id=repair.pk)
    elif request.method == "POST":
        status = 422
    context = {"form": form, "commitment": current_template()}
    return render(request, "repairs/staff/new.html", context, status=status)
