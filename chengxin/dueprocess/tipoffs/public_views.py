"""The public tip-off pages (/tipoffs/…): file a tip-off, its captcha image, and the status
look-up by tracking number and query code (docs/dueprocess.md, "Tip-offs").

Anyone may file: anonymous visitors answer a captcha, signed-in citizens do not (the tip-off is
then tied to their account and listed under /my/tipoffs/); staff accounts are refused (403). The
answer to a filing is a page with the tracking number and the query code, shown this once and
never stored in clear (the page is not cached). Every filing, every look-up and every captcha
image counts against the client's rate (``throttles``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chengxin.accounts.choices import Role
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.pages import error_page
from chengxin.core.throttle import ThrottledError
from chengxin.dueprocess.tipoffs import captcha, services
from chengxin.dueprocess.tipoffs.choices import OUTCOME_STATUSES
from chengxin.dueprocess.tipoffs.forms import StatusForm, TipOffForm, incoming
from chengxin.dueprocess.tipoffs.selectors import tipoff_status_lookup
from chengxin.dueprocess.tipoffs.throttles import (
    tipoff_captcha_allowed,
    tipoff_filing_allowed,
    tipoff_status_allowed,
)


def _refuse_staff(request: HttpRequest) -> None:
    if request.user.is_authenticated and request.user.role != Role.CITIZEN:
        raise PermissionDenied


@never_cache
def file_tipoff(request: HttpRequest) -> HttpResponse:
    """The tip-off form (GET) and its filing (POST): the receipt page, or the form again with
    each refusal beside its field and what was typed kept."""
    _refuse_staff(request)
    signed_in = request.user.is_authenticated
    form = TipOffForm(request.POST or None, request.FILES or None, with_captcha=not signed_in)
    status = 200
    if request.method == "POST":
        try:
            tipoff_filing_allowed(request)
        except ThrottledError as error:
            return error_page(request, error)
        if form.is_valid():
            try:
                if not signed_in:
                    captcha.captcha_check(request, form.cleaned_data["captcha"])
                filed = services.tipoff_file(
                    actor=request.user,
                    category=form.cleaned_data["category"],
                    text=form.cleaned_data["text"],
                    concerned_name=form.cleaned_data["concerned_name"],
                    id_number=form.cleaned_data["id_number"],
                    record_reference=form.cleaned_data["record_reference"],
                    department_id=form.cleaned_data["department"],
                    files=incoming(form.cleaned_data["attachments"]),
                    request=request,
                )
            except DomainError as error:
                form.add_refusal(error)
                status = error.status
            else:
                return _receipt(request, filed)
        else:
            status = 422
    context = {"form": form, "with_captcha": not signed_in, "signed_in": signed_in}
    return render(request, "tipoffs/public/new.html", context, status=status)


def _receipt(request: HttpRequest, filed: services.FiledTipOff) -> HttpResponse:
    context = {
        "tipoff": filed.tipoff,
        "query_code": services.query_code_display(filed.query_code),
        "signed_in": request.user.is_authenticated,
    }
    response = render(request, "tipoffs/public/filed.html", context)
    add_never_cache_headers(response)
    return response


@require_GET
def captcha_image(request: HttpRequest) -> HttpResponse:
    """A new captcha for this visitor's session, as a PNG (never cached)."""
    try:
        tipoff_captcha_allowed(request)
    except ThrottledError as error:
        return error_page(request, error)
    response = HttpResponse(captcha.captcha_new(request), content_type="image/png")
    add_never_cache_headers(response)
    return response


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    """The status of one tip-off by its tracking number and query code (the form posts: the
    code does not travel in a URL). A wrong number and a wrong code get the same answer."""
    form = StatusForm(request.POST if request.method == "POST" else None)
    tipoff, not_found = None, False
    if request.method == "POST":
        try:
            tipoff_status_allowed(request)
        except ThrottledError as error:
            return error_page(request, error)
        if form.is_valid():
            try:
                tipoff = tipoff_status_lookup(
                    number=form.cleaned_data["number"], code=form.cleaned_data["code"]
                )
            except NotFoundError:
                not_found = True
    context = {
        "form": form,
        "tipoff": tipoff,
        "not_found": not_found,
        "outcome_shown": tipoff is not None and tipoff.status in OUTCOME_STATUSES,
    }
    return render(request, "tipoffs/public/status.html", context)
