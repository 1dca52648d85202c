"""Staff sign-in (SPEC §14): password, then a TOTP code; first-time enrolment of the app.

Nobody is signed in between the two steps: after the password, the session only remembers which
account is half-way (``PENDING_USER_KEY``). Django's ``login`` runs once both factors passed, so
the sign-in event, the session timestamps and the verified device all start together. A wrong
code counts as a failed sign-in for the lockout (django-axes), the rate limits and the audit log.
The lockout is per user name and address; the rate limits (``chengxin.accounts.throttles``)
refuse password spraying from one address and guessing one account from many.
"""

from __future__ import annotations

import time
import unicodedata
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from chengxin.accounts.forms import StaffPasswordForm, TotpCodeForm
from chengxin.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from chengxin.accounts.models import User
from chengxin.accounts.services import totp_device_confirm, totp_device_for_enrolment
from chengxin.accounts.throttles import sign_in_failure_count, sign_in_refusal

PENDING_USER_KEY = "chengxin_pending_user_id"
PENDING_BACKEND_KEY = "chengxin_pending_backend"
PENDING_NEXT_KEY = "chengxin_pending_next"
QR_SCALE = 4


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: username and password. Refused (429) while a sign-in rate limit holds."""
    form = StaffPasswordForm(request, data=request.POST or None)
    if request.method == "POST":
        _refuse_if_throttled(request, _attempted_username(request))
        if form.is_valid():
            return _password_accepted(request, form.get_user())
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            sign_in_failure_count(request=request, username=_attempted_username(request))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _password_accepted(request: HttpRequest, user: User) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next", ""))
    if not settings.CHENGXIN_REQUIRE_TOTP:
        return _complete_sign_in(request, user=user, backend=user.backend, next_url=next_url)
    _remember_pending(request, user=user, next_url=next_url)
    step = "accounts:verify" if user_has_device(user) else "accounts:enrol"
    return redirect(step)


@csrf_protect
@never_cache
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    """Step two: the current code of an enrolled authenticator app."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if not user_has_device(user):
        return redirect("accounts:enrol")
    if _is_locked(request, user):
        return _locked_out(request, user)
    if request.method == "POST":
        _refuse_if_throttled(request, user.get_username())
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            return _complete_sign_in(request, user=user, device=device)
        _code_refused(request, form, user)
    return render(request, "accounts/verify.html", {"form": form, "pending_user": user})


@csrf_protect
@never_cache
def sign_in_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: bind an authenticator app (QR code or the secret typed in), then confirm
    it with a code. Only reachable with a correct password and no confirmed device."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if user_has_device(user):
        return redirect("accounts:verify")
    if _is_locked(request, user):
        return _locked_out(request, user)
    if request.method == "POST":
        _refuse_if_throttled(request, user.get_username())
    device = totp_device_for_enrolment(user=user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["code"], request=request):
            return _complete_sign_in(request, user=user, device=device)
        _code_refused(request, form, user)
    context = {
        "form": form,
        "pending_user": user,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=QR_SCALE),
        "secret": _grouped(b32encode(device.bin_key).decode("ascii")),
    }
    return render(request, "accounts/enrol.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session (the audit log records it through Django's signal)."""
    logout(request)
    return redirect("accounts:login")


def _remember_pending(request: HttpRequest, *, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_BACKEND_KEY] = user.backend
    request.session[PENDING_NEXT_KEY] = next_url


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER_KEY)
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _complete_sign_in(
    request: HttpRequest, *, user: User, device=None, backend: str = "", next_url: str = ""
) -> HttpResponse:
    backend = backend or request.session.get(PENDING_BACKEND_KEY, "")
    next_url = next_url or request.session.get(PENDING_NEXT_KEY, "")
    for key in (PENDING_USER_KEY, PENDING_BACKEND_KEY, PENDING_NEXT_KEY):
        request.session.pop(key, None)
    login(request, user, backend=backend or None)
    if device is not None:
        otp_login(request, device)
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now
    return redirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


def _code_refused(request: HttpRequest, form: TotpCodeForm, user: User) -> None:
    """Count a wrong code like a wrong password: axes may lock the account, the rate limits
    count it, audit records it."""
    form.add_error("code", _("验证码不正确或已过期，请输入应用中当前显示的验证码。"))
    sign_in_failure_count(request=request, username=user.get_username())
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def _refuse_if_throttled(request: HttpRequest, username: str) -> None:
    """Raise the sign-in rate limit's refusal (a 429 page, ``RefusalAnswerMiddleware``)."""
    refusal = sign_in_refusal(request=request, username=username)
    if refusal is not None:
        raise refusal


def _attempted_username(request: HttpRequest) -> str:
    """The user name as the password form reads it (stripped, NFKC), for the rate limits."""
    return unicodedata.normalize("NFKC", str(request.POST.get("username", "")).strip())


def _is_locked(request: HttpRequest, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def _locked_out(request: HttpRequest, user: User) -> HttpResponse:
    credentials = {"username": user.get_username()}
    return get_lockout_response(request, None, credentials)


def _safe_next(request: HttpRequest, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _grouped(secret: str) -> str:
    """The base32 secret in groups of four, as authenticator apps show it."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
