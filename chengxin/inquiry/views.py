"""Staff pages of officer queries and credit reports, and the public verification page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chengxin.accounts.decorators import staff_required
from chengxin.accounts.permissions import can_query_credit_files
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.pdf import qr_svg
from chengxin.core.verification import formatted_code
from chengxin.inquiry.choices import ReportFormat
from chengxin.inquiry.content import CATEGORY_TITLES
from chengxin.inquiry.forms import ProfileQueryForm, VerificationForm
from chengxin.inquiry.selectors import (
    CATEGORY_ORDER,
    report_get_for_requester,
    verification_summary,
)
from chengxin.inquiry.services import profile_query, report_full_name, report_issue, report_open
from chengxin.inquiry.throttles import report_verify_lookup

ACTION_REPORT = "report"


@staff_required
@require_http_methods(["GET", "POST"])
def query(request: HttpRequest) -> HttpResponse:
    """The query form and its answer on the same page (the ID number stays in the POST body);
    the second button issues a credit report instead and opens it."""
    if not can_query_credit_files(request.user):
        raise PermissionDenied
    form = ProfileQueryForm(request.POST or None, user=request.user)
    answer = None
    if request.method == "POST" and form.is_valid():
        arguments = {
            "actor": request.user,
            "id_number": form.cleaned_data["id_number"],
            "purpose": form.cleaned_data["purpose"],
            "case_no": form.cleaned_data["case_no"],
            "request": request,
        }
        try:
            if request.POST.get("action") == ACTION_REPORT:
                report = report_issue(
                    **arguments, verification_base_url=request.build_absolute_uri("/")
                )
                return redirect("inquiry:report_detail", number=report.number)
            answer = profile_query(**arguments)
        except DomainError as error:
            form.add_error(None, error.message)
    groups = _groups(answer.records) if answer is not None else []
    context = {"form": form, "answer": answer, "groups": groups}
    return render(request, "inquiry/query.html", context)


@staff_required
def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A report as issued, for the officer who requested it (an audited read)."""
    report = _own_report(request, number)
    report_open(actor=request.user, report=report, report_format=ReportFormat.HTML, request=request)
    context = {
        "report": report,
        "content": report.content,
        "full_name": report_full_name(report),
        "code": formatted_code(report.verification_code),
        "qr_svg": qr_svg(report.content["verification_url"]),
        "groups": [
            (CATEGORY_TITLES.get(category, category), entries)
            for category, entries in report.content["sections"].items()
        ],
    }
    return render(request, "inquiry/report_detail.html", context)


@staff_required
def report_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The PDF of a report as issued, for the officer who requested it (audited)."""
    report = _own_report(request, number)
    pdf = report_open(
        actor=request.user, report=report, report_format=ReportFormat.PDF, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """The public verification of a report by its code: number, time, hashes and a masked
    summary, as issued. The form posts (a visitor may type an ID number into it, which must not
    travel in a URL); the QR code of a report opens the page with its code in the query."""
    form = VerificationForm(request.POST if request.method == "POST" else (request.GET or None))
    summary = None
    not_found = False
    if form.is_valid():
        try:
            report = report_verify_lookup(request=request, code=form.cleaned_data["code"])
            summary = verification_summary(report)
        except NotFoundError:
            not_found = True
    else:
        form.forget_refused_code()
    context = {
        "form": form,
        "summary": summary,
        "not_found": not_found,
        "counts": _counts(summary["counts"]) if summary else [],
    }
    return render(request, "inquiry/verify.html", context)


def _groups(records) -> list[tuple[str, list]]:
    return [
        (CATEGORY_TITLES[category], [record for record in records if record.category == category])
        for category in CATEGORY_ORDER
    ]


def _counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(CATEGORY_TITLES.get(category, category), count) for category, count in counts.items()]


def _own_report(request: HttpRequest, number: str):
    try:
        return report_get_for_requester(user=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
