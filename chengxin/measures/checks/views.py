"""Staff pages of checks: the check form, the result page with the receipt and a feedback form
per measure, and the feedback rates. The ID number travels only in a POST body; the result page
is addressed by the check's UUID."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.choices import Capability
from chengxin.accounts.decorators import staff_required
from chengxin.accounts.permissions import has_capability
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.json import dumps
from chengxin.core.paging import page_of
from chengxin.measures.checks.answers import request_as_shown
from chengxin.measures.checks.forms import CheckForm, FeedbackForm
from chengxin.measures.checks.selectors import (
    check_feedback,
    check_get_visible_to,
    feedback_rates_visible_to,
)
from chengxin.measures.checks.services import check_run, feedback_give
from chengxin.measures.presentation import answer_trigger_label, department_names, list_heading

JUST_RAN = "checks.just_ran"


def _require_officer(request: HttpRequest) -> None:
    if not has_capability(request.user, Capability.RUN_CHECKS):
        raise PermissionDenied


@staff_required
def check_form(request: HttpRequest) -> HttpResponse:
    """The check form (GET) and running a check (POST, then the result page by UUID)."""
    _require_officer(request)
    form = CheckForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            check = check_run(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            refusal = error.message
        else:
            request.session[JUST_RAN] = str(check.pk)
            return redirect("checks:detail", check_id=check.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "checks/form.html", {"form": form, "refusal": refusal}, status=status)


def _visible_check(request: HttpRequest, check_id):
    # The page right after running a check shows what was just audited; later views are re-reads.
    just_ran = request.session.pop(JUST_RAN, None) == str(check_id)
    try:
        return check_get_visible_to(
            user=request.user, check_id=check_id, request=request, audit=not just_ran
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None


@staff_required
def check_detail(request: HttpRequest, check_id) -> HttpResponse:
    """The answer of a check: lists, measures with records and legal basis, green channel,
    disputed flags, the receipt, and a feedback form per measure."""
    check = _visible_check(request, check_id)
    return _detail(request, check)


def _detail(request, check, *, forms=None, status=200) -> HttpResponse:
    given = check_feedback(check)
    today = timezone.localdate()
    answer = check.answer
    names = department_names(
        [code for measure in answer["measures"] for code in measure["departments"]]
        + [record["department_code"] for entry in answer["lists"] for record in entry["records"]]
    )
    lists = [
        {
            "heading": list_heading(
                entry["kind_name"], domain=entry["domain"], key_field=entry["key_field"]
            ),
            "records": [
                {**record, "department_name": names[record["department_code"]]}
                for record in entry["records"]
            ],
        }
        for entry in answer["lists"]
    ]
    measures = []
    for measure in answer["measures"]:
        code = measure["code"]
        form = (forms or {}).get(code) or FeedbackForm(
            initial={"measure_code": code, "date": today}, prefix=code
        )
        measures.append(
            {
                "measure": measure,
                "department_names": [names[code] for code in measure["departments"]],
                "triggers": [
                    (answer_trigger_label(trigger), trigger["record_ids"])
                    for trigger in measure["triggered_by"]
                ],
                "feedback": given.get(code),
                "form": form,
            }
        )
    context = {"check": check, "answer": answer, "lists": lists, "measures": measures}
    return render(request, "checks/detail.html", context, status=status)


@staff_required
def receipt_download(request: HttpRequest, check_id) -> HttpResponse:
    """The receipt with the answer and request it covers, as JSON (for ``chengxin check verify``
    or ``POST /api/v1/checks/verify``)."""
    check = _visible_check(request, check_id)
    body = dumps(
        {
            "receipt": check.receipt,
            "answer": check.answer,
            "request": request_as_shown(check.request),
        }
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{check.pk}.json"'
    return response


@staff_required
@require_POST
def feedback_post(request: HttpRequest, check_id) -> HttpResponse:
    """Feedback on one measure of a check."""
    _require_officer(request)
    try:
        check = check_get_visible_to(user=request.user, check_id=check_id, audit=False)
    except NotFoundError:
        raise Http404 from None
    code = request.POST.get("measure_code", "")
    form = FeedbackForm(request.POST, prefix=code)
    if form.is_valid():
        try:
            feedback_give(
                actor=request.user,
                check=check,
                measure_code=form.cleaned_data["measure_code"],
                applied=form.cleaned_data["applied"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["date"],
                request=request,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("checks:detail", check_id=check.pk)
    return _detail(request, check, forms={code: form}, status=422)


@staff_required
def feedback_rates(request: HttpRequest) -> HttpResponse:
    """Feedback rates per implementing department."""
    try:
        rates = feedback_rates_visible_to(user=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    context = {"page": page_of(request, rates), "title": _("核查反馈率")}
    return render(request, "checks/feedback_rates.html", context)
