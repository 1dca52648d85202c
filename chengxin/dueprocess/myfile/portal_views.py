"""The person's own pages under /my/ (the public site's layout): my credit file, one record
with its versions and the steps open, opting out of a good-conduct record and back in, my own
credit report (free, any time), who looked at my file, and my access challenges.

Every page goes through ``confirmed_citizen_required`` and reads by the confirmed account's
blind index: a record, a look or a challenge of another person is not found (404). Every read
of the file and of who looked is audited as the person reading their own data.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.citizen_views import confirmed_citizen_required
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.pages import error_page
from chengxin.core.selectors import policy_value
from chengxin.core.throttle import ThrottledError
from chengxin.dueprocess.myfile import services
from chengxin.dueprocess.myfile.choices import AccessKind, ChallengeStatus
from chengxin.dueprocess.myfile.forms import ChallengeForm
from chengxin.dueprocess.myfile.lookup_selectors import lookup_of, lookups_of
from chengxin.dueprocess.myfile.policies import LAW_ENFORCEMENT_DEFERRAL_DAYS
from chengxin.dueprocess.myfile.selectors import (
    challenge_get_for_citizen,
    challenges_of_citizen,
    credit_file_of,
    file_entry_of,
)
from chengxin.dueprocess.myfile.throttles import ACCESS_CHALLENGE, OWN_REPORT, allowed
from chengxin.dueprocess.objections.selectors import record_versions
from chengxin.inquiry.choices import ReportFormat
from chengxin.inquiry.services import report_issue_own, report_open

citizen_page = confirmed_citizen_required


@citizen_page
def credit_file(request: HttpRequest) -> HttpResponse:
    """Every record about me in every status, why it is there, its dates, whether it is public
    now, and the steps open to me with the date each becomes possible."""
    account = request.citizen_account
    entries = credit_file_of(account=account)
    services.credit_file_read(
        actor=request.user, account=account, detail={"records": len(entries)}, request=request
    )
    context = {"account": account, "entries": entries, "today": timezone.localdate()}
    return render(request, "myfile/portal/file.html", context)


def _entry(request: HttpRequest, record_id: int):
    try:
        return file_entry_of(account=request.citizen_account, record_id=record_id)
    except NotFoundError:
        raise Http404 from None


@citizen_page
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    """One record of mine with its version history and the steps open to me."""
    return _record_page(request, _entry(request, record_id))


def _record_page(request, entry, *, status: int = 200, refusal: str = "") -> HttpResponse:
    services.credit_file_read(
        actor=request.user,
        account=request.citizen_account,
        detail={"record": entry.record.pk},
        request=request,
    )
    context = {
        "entry": entry,
        "record": entry.record,
        "versions": record_versions(entry.record),
        "refusal": refusal,
        "today": timezone.localdate(),
    }
    return render(request, "myfile/portal/record.html", context, status=status)


def _opt_out_step(request, record_id: int, *, call, success: str) -> HttpResponse:
    entry = _entry(request, record_id)
    try:
        call(actor=request.user, account=request.citizen_account, record_id=entry.record.pk,
             request=request)  # fmt: skip
    except NotFoundError:
        raise Http404 from None
    except DomainError as error:
        return _record_page(request, entry, status=error.status, refusal=error.message)
    messages.success(request, success)
    return redirect("myfile_portal:record", record_id=entry.record.pk)


@citizen_page
@require_POST
def withdraw(request: HttpRequest, record_id: int) -> HttpResponse:
    """Opt out of one of my good-conduct records."""
    return _opt_out_step(
        request,
        record_id,
        call=services.opt_out,
        success=_("该守信记录已退出：不再出现在名单、核查、向他人出具的信用报告和信用网站上。"),
    )


@citizen_page
@require_POST
def reinstate(request: HttpRequest, record_id: int) -> HttpResponse:
    """Take back a good-conduct record I withdrew, while it is still valid."""
    return _opt_out_step(
        request,
        record_id,
        call=services.opt_out_reinstate,
        success=_("该守信记录已恢复，重新用于名单、核查和信用报告。"),
    )


@citizen_page
@require_POST
def own_report(request: HttpRequest) -> HttpResponse:
    """My own credit report as a PDF, free of charge, any time."""
    try:
        allowed(OWN_REPORT, request)
    except ThrottledError as error:
        return error_page(request, error)
    report = report_issue_own(
        actor=request.user,
        account=request.citizen_account,
        verification_base_url=request.build_absolute_uri("/"),
        request=request,
    )
    pdf = report_open(
        actor=request.user, report=report, report_format=ReportFormat.PDF, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
    return response


@citizen_page
def lookups(request: HttpRequest) -> HttpResponse:
    """Every look at my file by a department, newest first (the officer's name withheld), with
    a button to challenge one I do not recognise."""
    account = request.citizen_account
    found = lookups_of(account=account, page=request.GET.get("page") or 1)
    services.lookups_read(
        actor=request.user, account=account, page=found.page.number, request=request
    )
    context = {
        "page": found.page,
        "rows": found.rows,
        "deferral_days": policy_value(LAW_ENFORCEMENT_DEFERRAL_DAYS.name),
        "deferral_source": LAW_ENFORCEMENT_DEFERRAL_DAYS.legal_source,
        "kinds": AccessKind,
        "statuses": ChallengeStatus,
    }
    return render(request, "myfile/portal/lookups.html", context)


@citizen_page
def challenge_open(request: HttpRequest, kind: str, access_id: str) -> HttpResponse:
    """Challenge one look at my file (GET the form, POST it)."""
    try:
        lookup = lookup_of(account=request.citizen_account, kind=kind, access_id=access_id)
    except NotFoundError:
        raise Http404 from None
    form = ChallengeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            allowed(ACCESS_CHALLENGE, request)
        except ThrottledError as error:
            return error_page(request, error)
        if form.is_valid():
            try:
                challenge = services.challenge_open(
                    actor=request.user,
                    account=request.citizen_account,
                    kind=lookup.kind,
                    access_id=lookup.access_id,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except DomainError as error:
                form.add_refusal(error)
                status = error.status
            else:
                messages.success(request, _("核实申请已提交，信用办将请查询部门作出说明。"))
                return redirect("myfile_portal:challenge", challenge_id=challenge.pk)
        else:
            status = 422
    context = {"lookup": lookup, "form": form}
    return render(request, "myfile/portal/challenge_open.html", context, status=status)


@citizen_page
def my_challenges(request: HttpRequest) -> HttpResponse:
    """Every access challenge I opened, newest first."""
    challenges = challenges_of_citizen(account=request.citizen_account)
    return render(request, "myfile/portal/challenges.html", {"challenges": challenges})


@citizen_page
def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """One access challenge of mine: the look, my reason, the explanation and the outcome."""
    try:
        challenge = challenge_get_for_citizen(
            account=request.citizen_account, challenge_id=challenge_id
        )
    except NotFoundError:
        raise Http404 from None
    return render(request, "myfile/portal/challenge.html", {"challenge": challenge})
