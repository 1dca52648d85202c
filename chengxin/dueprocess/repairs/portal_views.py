"""The person's repair pages in the portal (/my/…): apply to repair one of my records, my
applications, one application with its deadline, decision and reasons. Free of charge, and
every page says so.

Every page reads the file through ``confirmed_citizen_required``: anonymous visitors go to the
sign-in page, staff get 403, a citizen whose identity is not confirmed yet sees nothing, and a
record or application of another person is not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.citizen_views import confirmed_citizen_required
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.pages import error_page
from chengxin.core.throttle import ThrottledError
from chengxin.dueprocess.objections.forms import incoming
from chengxin.dueprocess.repairs import services
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.deadlines import is_overdue, working_days_left
from chengxin.dueprocess.repairs.forms import RepairForm
from chengxin.dueprocess.repairs.selectors import (
    open_repair_of_record,
    record_for_citizen,
    repair_attachments,
    repair_get_for_citizen,
    repair_refusal,
    repair_rows,
    repairs_of_citizen,
)
from chengxin.dueprocess.repairs.throttles import repair_applying_allowed


@confirmed_citizen_required
def apply(request: HttpRequest, record_id: int) -> HttpResponse:
    """Apply to repair one of my records (GET the form, or why it cannot be repaired now;
    POST it)."""
    try:
        record = record_for_citizen(account=request.citizen_account, record_id=record_id)
    except NotFoundError:
        raise Http404 from None
    today = timezone.localdate()
    form = RepairForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        try:
            repair_applying_allowed(request)
        except ThrottledError as error:
            return error_page(request, error)
        if form.is_valid():
            try:
                repair = services.repair_apply_by_person(
                    actor=request.user,
                    record_id=record.pk,
                    text=form.cleaned_data["text"],
                    commitment_version=form.cleaned_data["commitment_version"],
                    commitment_accepted=form.cleaned_data["commitment_accepted"],
                    files=incoming(form.cleaned_data["attachments"]),
                    request=request,
                )
            except DomainError as error:
                form.add_refusal(error)
                status = error.status
            else:
                messages.success(request, _("信用修复申请已提交，决定结果将通知您。"))
                return redirect("repairs_portal:detail", repair_id=repair.pk)
        else:
            status = 422
    refusal = repair_refusal(record, today=today)
    context = {
        "record": record,
        "form": form,
        "refusal": refusal,
        "open_repair": open_repair_of_record(record.pk),
        "commitment": current_template(),
    }
    return render(request, "repairs/portal/apply.html", context, status=status)


@confirmed_citizen_required
def my_repairs(request: HttpRequest) -> HttpResponse:
    """Every repair application about me, newest first, with its status and deadline."""
    rows = repair_rows(
        repairs_of_citizen(account=request.citizen_account), today=timezone.localdate()
    )
    return render(request, "repairs/portal/list.html", {"rows": rows})


@confirmed_citizen_required
def repair_detail(request: HttpRequest, repair_id: int) -> HttpResponse:
    """One application about me: status, deadline, the decision and its reasons, what I
    accepted."""
    try:
        repair = repair_get_for_citizen(account=request.citizen_account, repair_id=repair_id)
    except NotFoundError:
        raise Http404 from None
    today = timezone.localdate()
    left = working_days_left([repair.deadline], today=today).get(repair.deadline)
    context = {
        "repair": repair,
        "record": repair.record,
        "working_days_left": left if repair.is_open else None,
        "overdue": is_overdue(status=repair.status, deadline=repair.deadline, today=today),
        "attachments": repair_attachments(repair),
    }
    return render(request, "repairs/portal/detail.html", context)
