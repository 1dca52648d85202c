"""Citizens' pages under ``/account/`` (the public site's layout): sign-up, sign-in and
sign-out, the real-name provider's sign-in, password reset, the account page, the inbox, closing
the account. Thin: each page validates its form and calls one service
(``chengxin.accounts.citizens``, ``chengxin.accounts.notices``).

Staff accounts do not use these pages (403 when signed in; their sign-in is ``/staff/``), and
citizens never get the staff area (``staff_required``).
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from chengxin.accounts import citizen_oidc, citizens, oidc
from chengxin.accounts.choices import Role
from chengxin.accounts.citizen_forms import (
    CitizenPasswordResetForm,
    CitizenSignInForm,
    CloseAccountForm,
    ContactForm,
    SignUpForm,
    add_refusal,
)
from chengxin.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from chengxin.accounts.notices import notice_mark_read, notices_mark_all_read
from chengxin.accounts.policies import PENDING_ACCOUNT_DAYS
from chengxin.accounts.selectors import (
    citizen_account_of,
    confirmed_citizen_account,
    notice_list_for,
    notice_unread_count,
)
from chengxin.accounts.throttles import (
    password_reset_refusal,
    sign_in_failure_count,
    sign_in_refusal,
    sign_up_refusal,
)
from chengxin.core.errors import DomainError
from chengxin.core.pages import error_page
from chengxin.core.selectors import policy_value

logger = logging.getLogger(__name__)

CITIZEN_BACKEND = "chengxin.accounts.backends.CitizenContactBackend"
CITIZEN_LOGIN_URL = "citizen:login"
OIDC_SIGNED_IN_KEY = "chengxin_oidc_signed_in_at"
OIDC_NEXT_KEY = "chengxin_oidc_next"
# A password-less account (real-name provider) closes only right after signing in there.
OIDC_RECENT_SECONDS = 15 * 60
NOTICES_PER_PAGE = 20


def confirmed_citizen_required(view):
    """The guard of every page of a person's own file (``/my/…``): anonymous visitors go to the
    citizens' sign-in, staff get 403, a citizen whose identity is not proofed yet gets a page
    saying how to have it proofed (and sees nothing of the file). The confirmed account is
    ``request.citizen_account``."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(CITIZEN_LOGIN_URL))
        if request.user.role != Role.CITIZEN:
            raise PermissionDenied
        account = confirmed_citizen_account(request.user)
        if account is None:
            context = {"proofing": _proofing_context()}
            return _portal(request, "not_confirmed.html", context, status=403)
        request.citizen_account = account
        return view(request, *args, **kwargs)

    return guarded


def citizen_required(view):
    """Signed-in citizens only: anonymous visitors go to the citizens' sign-in, staff get 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(CITIZEN_LOGIN_URL))
        if request.user.role != Role.CITIZEN or citizen_account_of(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _not_for_staff(request: HttpRequest) -> None:
    if request.user.is_authenticated and request.user.role != Role.CITIZEN:
        raise PermissionDenied


def _portal(request: HttpRequest, template: str, context: dict | None = None, status: int = 200):
    return render(request, f"citizens/{template}", context or {}, status=status)


def _start_session(request: HttpRequest, user) -> None:
    login(request, user, backend=CITIZEN_BACKEND)
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now


def _safe_next(request: HttpRequest, next_url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return next_url if next_url and allowed else ""


# --- sign-up --------------------------------------------------------------------------------


@sensitive_post_parameters("id_number", "password", "password_again")
@csrf_protect
@never_cache
def sign_up(request: HttpRequest) -> HttpResponse:
    """Open an account (pending until the identity is proofed); signed in at once."""
    _not_for_staff(request)
    if request.user.is_authenticated:
        return redirect("citizen:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        refusal = sign_up_refusal(request)
        if refusal is not None:
            raise refusal
        if form.is_valid():
            user = _signed_up(request, form)
            if user is not None:
                _start_session(request, user)
                return redirect("citizen:account")
        else:
            _add_field_problems(form)
    return _portal(request, "sign_up.html", {"form": form, "proofing": _proofing_context()})


def _add_field_problems(form: SignUpForm) -> None:
    """The service's findings on the fields the form itself let through, so that a person sees
    every problem at once (not the number's after the passwords')."""
    data = {name: form.cleaned_data.get(name, "") for name in citizens.SIGN_UP_FIELDS}
    _normalised, errors = citizens.sign_up_errors(**data)
    for error in errors:
        if error["field"] in form.cleaned_data:
            form.add_error(error["field"], error["message"])


def _signed_up(request: HttpRequest, form: SignUpForm):
    data = form.cleaned_data
    try:
        return citizens.citizen_sign_up(
            id_number=data["id_number"],
            name=data["name"],
            mobile=data["mobile"],
            email=data["email"],
            password=data["password"],
            agreed=data["agreed"],
            request=request,
        )
    except DomainError as error:
        add_refusal(form, error)
        return None


def _proofing_context() -> dict:
    return {
        "mode": settings.CHENGXIN_IDENTITY_PROOFING,
        "counter": settings.CHENGXIN_SERVICE_COUNTER,
        "hours": settings.CHENGXIN_SERVICE_COUNTER_HOURS,
        "provider": settings.CHENGXIN_OIDC_PROVIDER_NAME,
        "oidc": oidc.oidc_enabled(),
        "start_url": reverse("citizen:oidc_start"),
    }


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What the platform keeps of a person with an account, and why (个人信息保护法)."""
    return _portal(request, "privacy.html", {"proofing": _proofing_context()})


# --- sign-in and sign-out -------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Mobile number or e-mail address and password; lockout and rate limits as for staff."""
    _not_for_staff(request)
    form = CitizenSignInForm(request, data=request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST":
        attempted = str(request.POST.get("username", "")).strip()
        refusal = sign_in_refusal(request=request, username=attempted)
        if refusal is not None:
            raise refusal
        if form.is_valid():
            _start_session(request, form.get_user())
            return redirect(_safe_next(request, next_url) or reverse("citizen:account"))
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            sign_in_failure_count(request=request, username=attempted)
    context = {"form": form, "next": next_url, "proofing": _proofing_context()}
    return _portal(request, "sign_in.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


# --- the real-name provider -----------------------------------------------------------------


@never_cache
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Send the visitor to the real-name provider (only when proofing is ``oidc``)."""
    if not oidc.oidc_enabled():
        raise Http404
    _not_for_staff(request)
    request.session[OIDC_NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    redirect_uri = request.build_absolute_uri(reverse("citizen:oidc_callback"))
    try:
        return oidc.oidc_client().authorize_redirect(request, redirect_uri)
    except oidc.FLOW_ERRORS as error:
        return _oidc_failed(request, oidc.flow_failed(error))


@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's redirect back: proof the signed-in pending account, or sign the person
    in (their account, or a new one confirmed at once)."""
    if not oidc.oidc_enabled():
        raise Http404
    _not_for_staff(request)
    try:
        identity = oidc.claimed_identity(request)
        return _oidc_identity_used(request, identity)
    except DomainError as error:
        return _oidc_failed(request, error)


def _oidc_identity_used(request: HttpRequest, identity: oidc.ClaimedIdentity) -> HttpResponse:
    next_url = request.session.pop(OIDC_NEXT_KEY, "")
    account = citizen_account_of(request.user)
    if account is not None and account.is_pending:
        citizen_oidc.citizen_oidc_proof(
            user=request.user, id_number=identity.id_number, request=request
        )
        messages.success(request, _("身份核验完成，您的账户已与本人身份绑定。"))
        return redirect("citizen:account")
    if request.user.is_authenticated:
        logout(request)
    user = citizen_oidc.citizen_oidc_sign_in(
        id_number=identity.id_number,
        name=identity.name,
        email=identity.email,
        mobile=identity.mobile,
        request=request,
    )
    _start_session(request, user)
    request.session[OIDC_SIGNED_IN_KEY] = int(time.time())
    return redirect(next_url or reverse("citizen:account"))


def _oidc_failed(request: HttpRequest, error: DomainError) -> HttpResponse:
    logger.warning("Real-name sign-in refused: %s (%s).", error.code, error.details.get("reason"))
    context = {"message": error.message, "proofing": _proofing_context()}
    return _portal(request, "oidc_failed.html", context, status=error.status)


# --- password reset and change --------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail for citizens, rate-limited per address and per e-mail."""

    form_class = CitizenPasswordResetForm
    template_name = "citizens/password_reset.html"
    email_template_name = "citizens/password_reset_email.txt"
    subject_template_name = "citizens/password_reset_subject.txt"
    success_url = reverse_lazy("citizen:password_reset_sent")

    @property
    def extra_email_context(self):
        return {"site_name": settings.CHENGXIN_SITE_NAME}

    def dispatch(self, request, *args, **kwargs):
        _not_for_staff(request)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        email = str(request.POST.get("email", ""))[:254]
        refusal = password_reset_refusal(request, email)
        if refusal is not None:
            return error_page(request, refusal)
        return super().post(request, *args, **kwargs)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "citizens/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "citizens/password_reset_confirm.html"
    success_url = reverse_lazy("citizen:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "citizens/password_reset_complete.html"


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@citizen_required
def password_change(request: HttpRequest) -> HttpResponse:
    if not request.user.has_usable_password():
        raise Http404
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("citizen:account")
    return _portal(request, "password_change.html", {"form": form})


# --- the account page -----------------------------------------------------------------------


@csrf_protect
@never_cache
@citizen_required
def account(request: HttpRequest) -> HttpResponse:
    """Where the account stands (identity proofing), contact details and notice channels."""
    account = citizen_account_of(request.user)
    initial = {
        "mobile": account.mobile,
        "email": request.user.email,
        "notify_by_email": account.notify_by_email,
        "notify_by_sms": account.notify_by_sms,
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            citizens.citizen_contact_update(
                account=account, **form.cleaned_data, actor=request.user, request=request
            )
        except DomainError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("联系方式和通知设置已保存。"))
            return redirect("citizen:account")
    context = {
        "account": account,
        "form": form,
        "proofing": _proofing_context(),
        "unread": notice_unread_count(user=request.user),
        "pending_days": policy_value(PENDING_ACCOUNT_DAYS.name),
    }
    return _portal(request, "account.html", context)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@citizen_required
def close(request: HttpRequest) -> HttpResponse:
    """Close the account (password confirmed); the credit file stays."""
    account = citizen_account_of(request.user)
    form = CloseAccountForm(request.POST or None, user=request.user)
    recent = _oidc_recent(request)
    if request.method == "POST" and form.is_valid() and (form.user.has_usable_password() or recent):
        citizens.citizen_account_close(account=account, actor=request.user, request=request)
        logout(request)
        messages.success(request, _("账户已注销。您的信用档案由各部门依法保存，不受影响。"))
        return redirect("portal:home")
    context = {"account": account, "form": form, "oidc_recent": recent}
    return _portal(request, "close.html", context)


def _oidc_recent(request: HttpRequest) -> bool:
    signed_in = request.session.get(OIDC_SIGNED_IN_KEY)
    return bool(signed_in) and time.time() - signed_in < OIDC_RECENT_SECONDS


# --- notices --------------------------------------------------------------------------------


@never_cache
@citizen_required
def notices(request: HttpRequest) -> HttpResponse:
    """The inbox, newest first, unread marked, 20 a page."""
    paginator = Paginator(notice_list_for(user=request.user), NOTICES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "unread": notice_unread_count(user=request.user)}
    return _portal(request, "notices.html", context)


@require_POST
@citizen_required
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    if not notice_mark_read(user=request.user, notice_id=notice_id):
        raise Http404
    return redirect(_notices_page(request))


@require_POST
@citizen_required
def notices_read_all(request: HttpRequest) -> HttpResponse:
    notices_mark_all_read(user=request.user)
    return redirect(_notices_page(request))


def _notices_page(request: HttpRequest) -> str:
    page = str(request.POST.get("page", ""))
    base = reverse("citizen:notices")
    return f"{base}?page={page}" if page.isdigit() else base
