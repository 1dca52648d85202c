"""Staff pages of the units' campaign activities under /staff/content/campaigns/unit/
(docs/outreach.md, "Activities of the units"): a unit plans its activities for the campaign
dates and reports them with participants and photos; the credit office sees every unit's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chengxin.accounts.decorators import staff_required
from chengxin.accounts.permissions import can_publish_content
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.paging import page_of
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.outreach import activities, selectors
from chengxin.outreach.forms import UnitActivityForm, UnitReportForm

PAGE_SIZE = 25
YEAR_PARAMETER_MAX_LENGTH = 4


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if len(text) == YEAR_PARAMETER_MAX_LENGTH and text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


@staff_required
@require_http_methods(["GET", "POST"])
def unit_activities(request: HttpRequest) -> HttpResponse:
    """The year's activities of the unit (every unit's for the credit office), paged, with the
    planning form."""
    if not activities.can_plan_activities(request.user):
        raise PermissionDenied
    form = UnitActivityForm(request.POST or None, campaigns=selectors.campaign_days())
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                activities.activity_plan(
                    actor=request.user,
                    campaign_code=data["campaign"],
                    year=data["year"],
                    held_on=data["held_on"],
                    title=data["title"],
                    description=data["description"],
                    request=request,
                )
            except DomainError as error:
                form.add_refusal(error)
            else:
                messages.success(request, _("宣传活动已计划，已在诚信宣传日历上显示。"))
                return redirect("content:unit_activities")
    year = _year(request)
    page = page_of(
        request, activities.activities_for(viewer=request.user, year=year), per_page=PAGE_SIZE
    )
    files = activities.activity_files([activity.pk for activity in page.object_list])
    for activity in page.object_list:
        activity.files = files.get(activity.pk, [])
    context = {
        "form": form,
        "page": page,
        "year": year,
        "all_units": can_publish_content(request.user),
    }
    return render(request, "outreach/staff/unit_activities.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def unit_activity_report(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The report form of one activity of the unit."""
    if not activities.can_plan_activities(request.user):
        raise PermissionDenied
    try:
        activity = activities.activity_for(viewer=request.user, activity_id=activity_id)
    except NotFoundError:
        raise Http404 from None
    initial = {"report": activity.report, "participants": activity.participants}
    form = UnitReportForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            uploads = form.cleaned_data["attachments"] or []
            try:
                activities.activity_report_by_unit(
                    actor=request.user,
                    activity_id=activity.pk,
                    report=form.cleaned_data["report"],
                    participants=form.cleaned_data["participants"],
                    files=[IncomingFile(name=u.name or "", data=u.read()) for u in uploads],
                    request=request,
                )
            except DomainError as error:
                form.add_refusal(error)
            else:
                messages.success(request, _("活动开展情况已报告。"))
                return redirect("content:unit_activities")
    context = {
        "form": form,
        "activity": activity,
        "files": activities.activity_files([activity.pk]).get(activity.pk, []),
    }
    return render(request, "outreach/staff/unit_report.html", context, status=status)
