"""The service counter's pages (``/staff/citizens/``): staff who see a person's identity card
confirm (or refuse) the person's pending account. Capability ``confirm_citizens`` (the credit
office's reviewers; docs/accounts.md). Pending accounts are listed by the last four characters of
the number and the mobile number; a full number is never shown: staff type it from the card, and
it must give the account's blind index.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from chengxin.accounts import citizens
from chengxin.accounts.citizen_forms import (
    CounterConfirmForm,
    CounterRefuseForm,
    CounterSearchForm,
    add_refusal,
)
from chengxin.accounts.decorators import staff_required
from chengxin.accounts.selectors import counter_account_get, counter_account_list
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError

ACCOUNTS_PER_PAGE = 50


@never_cache
@staff_required
def pending_list(request: HttpRequest) -> HttpResponse:
    """Pending accounts, oldest first, found by the number's last characters or the mobile."""
    form = CounterSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    try:
        accounts = counter_account_list(viewer=request.user, query=query)
    except PermissionDeniedError:
        raise PermissionDenied from None
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "counter/list.html", {"form": form, "page": page, "query": query})


@never_cache
@staff_required
def detail(request: HttpRequest, account_id: int) -> HttpResponse:
    """One account with the confirmation and refusal forms; the read is audited."""
    account = _account(request, account_id)
    if request.method == "GET":
        _audit_read(request, account)
    return _detail_page(request, account, CounterConfirmForm(), CounterRefuseForm())


def _detail_page(request, account, confirm_form, refuse_form, status: int = 200) -> HttpResponse:
    context = {"account": account, "confirm_form": confirm_form, "refuse_form": refuse_form}
    return render(request, "counter/detail.html", context, status=status)


@sensitive_post_parameters("id_number")
@csrf_protect
@require_POST
@staff_required
def confirm(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    form = CounterConfirmForm(request.POST)
    if form.is_valid():
        try:
            citizens.citizen_account_confirm(
                account=account,
                id_number=form.cleaned_data["id_number"],
                actor=request.user,
                request=request,
            )
        except DomainError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("账户已核验，申请人现在可以查看本人信用档案。"))
            return redirect("counter:list")
    return _detail_page(request, account, form, CounterRefuseForm(), status=422)


@csrf_protect
@require_POST
@staff_required
def refuse(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    form = CounterRefuseForm(request.POST)
    if form.is_valid():
        try:
            citizens.citizen_account_refuse(
                account=account,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                request=request,
            )
        except DomainError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已不予核验，该账户已失效。"))
            return redirect("counter:list")
    return _detail_page(request, account, CounterConfirmForm(), form, status=422)


def _account(request: HttpRequest, account_id: int):
    try:
        return counter_account_get(viewer=request.user, account_id=account_id)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None


def _audit_read(request: HttpRequest, account) -> None:
    audit_events.personal_data_read_event(
        actor=request.user,
        subject_index=account.subject_index,
        object_type=citizens.CITIZEN_ACCOUNT_OBJECT_TYPE,
        object_id=str(account.pk),
        purpose="citizen_account_proofing",
        request=request,
    )
