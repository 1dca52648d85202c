"""Staff pages of supervision under /staff/supervision/ (docs/supervision.md): the registers of
agencies and data handlers, inspections with their follow-up and violations, and the
blacklist with its delisting; and the public blacklist page.

Reviewers and the system admin keep the registers; reviewers record violations and delist;
auditors read. Everyone else gets 403. A refusal comes back on the form that was sent, with
the field it names marked and what was typed kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.core.errors import DomainError
from chengxin.core.pages import found_or_404
from chengxin.supervision import selectors, services
from chengxin.supervision.choices import InspectionStatus, ListingStatus
from chengxin.supervision.forms import (
    AgencyFilterForm,
    AgencyForm,
    CloseForm,
    DelistForm,
    FollowUpForm,
    HandlerFilterForm,
    HandlerForm,
    InspectionFilterForm,
    InspectionForm,
    ListingFilterForm,
    PractitionerForm,
    TokenLinkForm,
    ViolationForm,
)
from chengxin.supervision.permissions import can_decide, can_keep_registers, can_read


def _reader(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied


def _keeper(request: HttpRequest) -> None:
    if not can_keep_registers(request.user):
        raise PermissionDenied


def _decider(request: HttpRequest) -> None:
    if not can_decide(request.user):
        raise PermissionDenied


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _attempt(form, call: Callable) -> tuple[object | None, int]:
    """Run ``call``; on a refusal, put it on ``form`` and answer its status."""
    try:
        return call(), 200
    except DomainError as error:
        form.add_refusal(error)
        return None, error.status if error.status >= 400 else 422


def _filtered(form_class, request: HttpRequest) -> tuple:
    form = form_class(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _paged(request, template: str, form, page, **context) -> HttpResponse:
    context.update(form=form, page=page, query=_query_without_page(request))
    context.setdefault("can_keep", can_keep_registers(request.user))
    context.setdefault("can_decide", can_decide(request.user))
    return render(request, template, context)


# --- credit agencies ------------------------------------------------------------------------


@staff_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    """The register of credit agencies, filtered by name or code, licence status and listing."""
    _reader(request)
    form, filters = _filtered(AgencyFilterForm, request)
    page = selectors.agency_page(
        viewer=request.user,
        q=filters.get("q", ""),
        licence_status=filters.get("licence_status", ""),
        listed=filters.get("listed", False),
        page=request.GET.get("page") or 1,
    )
    return _paged(request, "supervision/agency_list.html", form, page)


@staff_required
@require_http_methods(["GET", "POST"])
def agency_new(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    form = AgencyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        agency, status = _attempt(
            form, lambda: services.agency_register(actor=request.user, **form.cleaned_data)
        )
        if agency is not None:
            messages.success(request, _("征信机构已登记。"))
            return redirect("supervision:agency_detail", agency_id=agency.pk)
    elif request.method == "POST":
        status = 422
    return render(
        request, "supervision/form.html", _form_context(form, _("登记征信机构")), status=status
    )


@staff_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    _keeper(request)
    agency = found_or_404(selectors.agency_get, viewer=request.user, agency_id=agency_id)
    initial = {
        "name": agency.name,
        "uscc": agency.uscc,
        "licence_no": agency.licence_no,
        "licence_status": agency.licence_status,
        "regulator": agency.regulator,
        "address": agency.address,
        "contact": agency.contact,
    }
    form = AgencyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _attempt(
            form,
            lambda: services.agency_update(actor=request.user, agency=agency, **form.cleaned_data),
        )
        if done is not None:
            messages.success(request, _("登记信息已更新。"))
            return redirect("supervision:agency_detail", agency_id=agency.pk)
    elif request.method == "POST":
        status = 422
    context = _form_context(form, _("修改征信机构登记"))
    return render(request, "supervision/form.html", context, status=status)


@staff_required
@require_GET
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    _reader(request)
    agency = found_or_404(selectors.agency_get, viewer=request.user, agency_id=agency_id)
    return _agency_page(request, agency)


def _agency_page(request, agency, *, forms=None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    viewer = request.user
    context = {
        "agency": agency,
        "practitioners": selectors.agency_practitioners(viewer=viewer, agency=agency),
        "tokens": selectors.agency_tokens(viewer=viewer, agency=agency),
        "listings": selectors.agency_listings(viewer=viewer, agency=agency),
        "inspections": agency.inspections.order_by("-inspected_on", "-pk"),
        "practitioner_form": forms.get("practitioner") or PractitionerForm(),
        "token_form": forms.get("token") or TokenLinkForm(),
        "can_keep": can_keep_registers(viewer),
    }
    return render(request, "supervision/agency_detail.html", context, status=status)


@staff_required
@require_POST
def practitioner_add(request: HttpRequest, agency_id: int) -> HttpResponse:
    _keeper(request)
    agency = found_or_404(selectors.agency_get, viewer=request.user, agency_id=agency_id)
    form = PractitionerForm(request.POST)
    if form.is_valid():
        done, status = _attempt(
            form,
            lambda: services.practitioner_add(
                actor=request.user, agency=agency, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("从业人员已登记。"))
            return redirect("supervision:agency_detail", agency_id=agency.pk)
    else:
        status = 422
    return _agency_page(request, agency, forms={"practitioner": form}, status=status)


@staff_required
@require_POST
def token_link(request: HttpRequest, agency_id: int) -> HttpResponse:
    _keeper(request)
    agency = found_or_404(selectors.agency_get, viewer=request.user, agency_id=agency_id)
    form = TokenLinkForm(request.POST)
    if form.is_valid():
        done, status = _attempt(
            form,
            lambda: services.agency_token_link(
                actor=request.user, agency=agency, token_prefix=form.cleaned_data["token_prefix"]
            ),
        )
        if done is not None:
            messages.success(request, _("接口令牌已关联到该机构。"))
            return redirect("supervision:agency_detail", agency_id=agency.pk)
    else:
        status = 422
    return _agency_page(request, agency, forms={"token": form}, status=status)


# --- data handlers --------------------------------------------------------------------------


@staff_required
@require_GET
def handler_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form, filters = _filtered(HandlerFilterForm, request)
    page = selectors.handler_page(
        viewer=request.user,
        q=filters.get("q", ""),
        kind=filters.get("kind", ""),
        page=request.GET.get("page") or 1,
    )
    return _paged(request, "supervision/handler_list.html", form, page)


@staff_required
@require_http_methods(["GET", "POST"])
def handler_new(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    form = HandlerForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "collects": form.collects_entries()}
        handler, status = _attempt(
            form, lambda: services.handler_register(actor=request.user, **values)
        )
        if handler is not None:
            messages.success(request, _("数据处理者已登记。"))
            return redirect("supervision:handler_detail", handler_id=handler.pk)
    elif request.method == "POST":
        status = 422
    context = _form_context(form, _("登记数据处理者"))
    return render(request, "supervision/form.html", context, status=status)


@staff_required
@require_GET
def handler_detail(request: HttpRequest, handler_id: int) -> HttpResponse:
    _reader(request)
    handler = found_or_404(selectors.handler_get, viewer=request.user, handler_id=handler_id)
    context = {
        "handler": handler,
        "inspections": handler.inspections.order_by("-inspected_on", "-pk"),
        "can_keep": can_keep_registers(request.user),
    }
    return render(request, "supervision/handler_detail.html", context)


# --- inspections ----------------------------------------------------------------------------


@staff_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form, filters = _filtered(InspectionFilterForm, request)
    page = selectors.inspection_page(
        viewer=request.user,
        status=filters.get("status", ""),
        target=filters.get("target", ""),
        page=request.GET.get("page") or 1,
    )
    return _paged(request, "supervision/inspection_list.html", form, page)


@staff_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    initial = {
        "inspected_on": timezone.localdate(),
        **{
            key: value
            for key in ("agency", "handler")
            if (value := request.GET.get(key, "")).isdigit()
        },
    }
    form = InspectionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        inspection, status = _attempt(
            form, lambda: services.inspection_open(actor=request.user, **form.cleaned_data)
        )
        if inspection is not None:
            messages.success(request, _("检查已登记。"))
            return redirect("supervision:inspection_detail", inspection_id=inspection.pk)
    elif request.method == "POST":
        status = 422
    context = _form_context(form, _("登记检查"))
    return render(request, "supervision/form.html", context, status=status)


@staff_required
@require_GET
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _reader(request)
    inspection = found_or_404(
        selectors.inspection_get, viewer=request.user, inspection_id=inspection_id
    )
    return _inspection_page(request, inspection)


def _practitioners(request, inspection):
    if inspection.agency is None:
        return []
    return selectors.agency_practitioners(viewer=request.user, agency=inspection.agency)


def _inspection_page(request, inspection, *, forms=None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    people = _practitioners(request, inspection)
    is_open = inspection.status != InspectionStatus.CLOSED
    context = {
        "inspection": inspection,
        "violations": selectors.inspection_violations(viewer=request.user, inspection=inspection),
        "follow_up_form": forms.get("follow_up") or FollowUpForm(),
        "close_form": forms.get("close") or CloseForm(),
        "violation_form": forms.get("violation") or ViolationForm(practitioners=people),
        "may_follow_up": is_open
        and inspection.status == InspectionStatus.OPEN
        and can_keep_registers(request.user),
        "may_close": is_open and can_keep_registers(request.user),
        "may_record": is_open and can_decide(request.user),
    }
    return render(request, "supervision/inspection_detail.html", context, status=status)


def _inspection_step(request, inspection_id: int, *, key: str, form_class, step, done: str):
    inspection = found_or_404(
        selectors.inspection_get, viewer=request.user, inspection_id=inspection_id
    )
    extra = (
        {"practitioners": _practitioners(request, inspection)}
        if form_class is ViolationForm
        else {}
    )
    form = form_class(request.POST, **extra)
    if form.is_valid():
        result, status = _attempt(form, lambda: step(inspection, form.cleaned_data))
        if result is not None:
            messages.success(request, done)
            return redirect("supervision:inspection_detail", inspection_id=inspection.pk)
    else:
        status = 422
    return _inspection_page(request, inspection, forms={key: form}, status=status)


@staff_required
@require_POST
def inspection_follow_up(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _keeper(request)
    return _inspection_step(
        request,
        inspection_id,
        key="follow_up",
        form_class=FollowUpForm,
        step=lambda inspection, data: services.inspection_follow_up_require(
            actor=request.user,
            inspection=inspection,
            follow_up=data["follow_up"],
            due=data["follow_up_due"],
        ),
        done=_("已提出整改要求。"),
    )


@staff_required
@require_POST
def inspection_close(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _keeper(request)
    return _inspection_step(
        request,
        inspection_id,
        key="close",
        form_class=CloseForm,
        step=lambda inspection, data: services.inspection_close(
            actor=request.user, inspection=inspection, note=data["note"]
        ),
        done=_("检查已结案。"),
    )


@staff_required
@require_POST
def violation_new(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _decider(request)
    return _inspection_step(
        request,
        inspection_id,
        key="violation",
        form_class=ViolationForm,
        step=lambda inspection, data: services.violation_record(
            actor=request.user,
            inspection=inspection,
            severity=data["severity"],
            description=data["description"],
            basis=data["basis"],
            decided_on=data["decided_on"],
            decision_document=data["decision_document"],
            responsible=[int(pk) for pk in data["responsible"]],
            listing_reason=data["listing_reason"],
            listing_until=data["listing_until"],
            request=request,
        ),
        done=_("违规行为已认定。"),
    )


# --- the blacklist --------------------------------------------------------------------------


@staff_required
@require_GET
def listing_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form, filters = _filtered(ListingFilterForm, request)
    page = selectors.listing_page(
        viewer=request.user,
        status=filters.get("status", ""),
        page=request.GET.get("page") or 1,
    )
    return _paged(request, "supervision/listing_list.html", form, page)


@staff_required
@require_http_methods(["GET", "POST"])
def listing_delist(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The delisting form of one listing (reviewers), and the listing itself (everyone who
    reads the registers)."""
    _reader(request)
    listing = found_or_404(selectors.listing_get, viewer=request.user, listing_id=listing_id)
    form = DelistForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _decider(request)
        if form.is_valid():
            done, status = _attempt(
                form,
                lambda: services.listing_delist(
                    actor=request.user, listing=listing, **form.cleaned_data
                ),
            )
            if done is not None:
                messages.success(request, _("该机构已移出违规经营黑名单。"))
                return redirect("supervision:listing_list")
        else:
            status = 422
    context = {
        "listing": listing,
        "form": form,
        "may_delist": can_decide(request.user) and listing.status == ListingStatus.LISTED,
    }
    return render(request, "supervision/listing_detail.html", context, status=status)


def _form_context(form, title: str) -> dict:
    return {"form": form, "title": title}


# --- the public page ------------------------------------------------------------------------


@require_GET
def public_blacklist(request: HttpRequest) -> HttpResponse:
    """信用服务机构违规经营黑名单: the agencies listed now, no personal data."""
    return render(
        request,
        "supervision/public_blacklist.html",
        {"listings": selectors.public_blacklist()},
    )
