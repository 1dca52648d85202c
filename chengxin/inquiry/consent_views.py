"""Consent pages: the person's ``/my/consents/`` (list with status, give one online, revoke one)
and the staff page ``/staff/inquiry/consents/`` (a person's consents by ID number, recording
one from a signed paper form with its scan). The ID number travels only in POST bodies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chengxin.accounts.choices import Capability
from chengxin.accounts.citizen_views import confirmed_citizen_required
from chengxin.accounts.decorators import staff_required
from chengxin.accounts.models import Department
from chengxin.accounts.permissions import has_capability
from chengxin.core import crypto
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.pages import error_page
from chengxin.core.throttle import ThrottledError
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.myfile.throttles import allowed
from chengxin.identity.validation import validate_id_number
from chengxin.inquiry.consent_forms import (
    PaperConsentForm,
    PersonLookupForm,
    citizen_consent_form,
)
from chengxin.inquiry.consent_selectors import (
    consents_of_citizen,
    consents_of_person_for_staff,
    grantee_agencies,
    grantee_departments,
    may_record_paper_consents,
)
from chengxin.inquiry.consents import consent_grant_online, consent_record_paper, consent_revoke
from chengxin.inquiry.throttles import CONSENT_CHANGES

ACTION_RECORD = "record"
ACTION_LOOKUP = "lookup"


# --- the person's pages -----------------------------------------------------------------------


@confirmed_citizen_required
@require_http_methods(["GET", "POST"])
def my_consents(request: HttpRequest) -> HttpResponse:
    """My consents with their status today, and the form to give a new one online."""
    account = request.citizen_account
    form = citizen_consent_form(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            allowed(CONSENT_CHANGES, request)
        except ThrottledError as error:
            return error_page(request, error)
        if form.is_valid():
            try:
                consent_grant_online(
                    actor=request.user, account=account, terms=form.terms(), request=request
                )
            except DomainError as error:
                form.add_refusal(error)
                status = error.status
            else:
                messages.success(request, _("授权已生效：被授权方可以在授权期间内按约定用途查询。"))
                return redirect("consents_portal:list")
        else:
            status = 422
    context = {"rows": consents_of_citizen(account=account), "form": form}
    return render(request, "inquiry/portal/consents.html", context, status=status)


@confirmed_citizen_required
@require_POST
def my_consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Revoke one of my consents: from now on it opens nothing."""
    try:
        allowed(CONSENT_CHANGES, request)
    except ThrottledError as error:
        return error_page(request, error)
    try:
        consent_revoke(
            actor=request.user,
            account=request.citizen_account,
            consent_id=consent_id,
            request=request,
        )
    except NotFoundError:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("授权已撤回，被授权方不能再凭该授权查询。"))
    return redirect("consents_portal:list")


# --- the staff page ---------------------------------------------------------------------------


def _grantees_for(user):
    """What a recorder may record consents to: the credit office anything, an officer their
    own department."""
    if has_capability(user, Capability.SCREEN_DUE_PROCESS):
        return grantee_departments(), grantee_agencies()
    return Department.objects.filter(pk=user.department_id), None


@staff_required
@require_http_methods(["GET", "POST"])
def paper_consents(request: HttpRequest) -> HttpResponse:
    """Look up a person's consents, and record one from a signed paper form."""
    if not may_record_paper_consents(request.user):
        raise PermissionDenied
    departments, agencies = _grantees_for(request.user)
    action = request.POST.get("action", "")
    bound = request.method == "POST" and action == ACTION_RECORD
    form = PaperConsentForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        departments=departments,
        agencies=agencies,
    )
    lookup = PersonLookupForm(request.POST if action == ACTION_LOOKUP else None)
    rows, status, index = None, 200, ""
    if bound:
        status, index = _record(request, form)
        if index:
            form = PaperConsentForm(departments=departments, agencies=agencies)
    elif action == ACTION_LOOKUP:
        index = _index(lookup)
        status = 200 if index else 422
    if index:
        rows = consents_of_person_for_staff(
            viewer=request.user, subject_index=index, request=request
        )
    context = {"form": form, "lookup": lookup, "rows": rows}
    return render(request, "inquiry/paper_consents.html", context, status=status)


def _record(request: HttpRequest, form: PaperConsentForm) -> tuple[int, str]:
    if not form.is_valid():
        return 422, ""
    upload = form.cleaned_data["evidence"]
    try:
        consent = consent_record_paper(
            actor=request.user,
            id_number=form.cleaned_data["id_number"],
            terms=form.terms(),
            evidence=IncomingFile(name=upload.name or "", data=upload.read()),
            request=request,
        )
    except DomainError as error:
        form.add_refusal(error)
        return error.status, ""
    messages.success(request, _("纸质授权书已录入（编号 %(id)s）。") % {"id": consent.pk})
    return 200, consent.subject_index


def _index(lookup: PersonLookupForm) -> str:
    """The blind index of the number looked up, or empty with the form's error."""
    if not lookup.is_valid():
        return ""
    validation = validate_id_number(lookup.cleaned_data["id_number"])
    if not validation.is_valid:
        lookup.add_error("id_number", validation.errors[0].message)
        return ""
    return crypto.blind_index(validation.normalised)
