"""Rate limits of the staff sign-in (password and TOTP steps), beside the lockout of django-axes.

Three limits, each aimed at one attack, none of which lets an attacker shut a person out of
their own office:

- lockout (django-axes): 5 failures of one user name *from one address* lock that pair for
  30 minutes. Someone else's failures elsewhere never lock an administrator at their desk.
- ``sign_in_address``: failed sign-ins per client address across all user names. One password
  tried against many names (password spraying) is refused past the rate, with ``Retry-After``.
- ``sign_in_account``: failed sign-ins of one user name across all addresses (guessing spread
  over many machines). Past the rate the account refuses attempts, but only from addresses it
  has never signed in from (django-axes keeps the successful sign-ins, ``AccessLog``): its owner
  signs in as usual from their own office while the attack goes on.

A wrong TOTP code counts like a wrong password. The first refusal of a window is audited as a
failed sign-in with the limit that refused it (not every refused attempt: a refusal must cost
less than the attempt it stops).
"""

from __future__ import annotations

from axes.models import AccessLog
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.audit import events as audit_events
from chengxin.core.network import client_address, client_limit_key
from chengxin.core.throttle import Throttle, ThrottledError

SIGN_IN_ADDRESS = Throttle(
    scope="sign_in_address",
    message=gettext_lazy("此网络地址登录失败的次数过多，请在 %(wait)s后再试。"),
    message_en="Too many failed sign-ins from this address; try again in %(wait)s.",
)
SIGN_IN_ACCOUNT = Throttle(
    scope="sign_in_account",
    message=gettext_lazy(
        "该账户近期登录失败的次数过多，暂不接受从新的网络地址登录，请在 %(wait)s后再试，"
        "或在常用的办公地点登录。"
    ),
    message_en=(
        "Too many failed sign-ins of this account; it accepts no new address for now. Try again "
        "in %(wait)s, or sign in from where you usually do."
    ),
)


def sign_in_refusal(*, request: HttpRequest, username: str) -> ThrottledError | None:
    """Why this client may not try to sign in as ``username`` now, or ``None``. The first
    refusal of a window is written to the audit log."""
    refusal = SIGN_IN_ADDRESS.refusal(client_limit_key(request))
    if refusal is None and username:
        refusal = SIGN_IN_ACCOUNT.refusal(username)
        if refusal is not None and _has_signed_in_from_here(request, username):
            refusal = None
    if refusal is not None and refusal.first_in_window:
        audit_events.sign_in_failed_event(username=username, request=request, reason="throttled")
    return refusal


def sign_in_failure_count(*, request: HttpRequest, username: str) -> None:
    """Count a failed sign-in (wrong password or code) against the address and the account."""
    SIGN_IN_ADDRESS.count(client_limit_key(request))
    if username:
        SIGN_IN_ACCOUNT.count(username)


def _has_signed_in_from_here(request: HttpRequest, username: str) -> bool:
    address = client_address(request)
    return (
        bool(address) and AccessLog.objects.filter(username=username, ip_address=address).exists()
    )


# --- Citizens (docs/citizens.md): sign-up and password reset can be flooded --------------------

SIGN_UP_ADDRESS = Throttle(
    scope="sign_up_address",
    message=gettext_lazy("此网络地址注册账户的次数过多，请在 %(wait)s后再试。"),
    message_en="Too many sign-ups from this address; try again in %(wait)s.",
)
PASSWORD_RESET_ADDRESS = Throttle(
    scope="password_reset_address",
    message=gettext_lazy("此网络地址申请找回密码的次数过多，请在 %(wait)s后再试。"),
    message_en="Too many password reset requests from this address; try again in %(wait)s.",
)
PASSWORD_RESET_EMAIL = Throttle(
    scope="password_reset_email",
    message=gettext_lazy("该电子邮箱近期已多次申请找回密码，请查收邮件，或在 %(wait)s后再试。"),
    message_en=(
        "A password reset was asked for this address several times; check your mail or try "
        "again in %(wait)s."
    ),
)


def sign_up_refusal(request: HttpRequest) -> ThrottledError | None:
    """Count a sign-up attempt of this client; the refusal past the rate."""
    return SIGN_UP_ADDRESS.hit(client_limit_key(request))


def password_reset_refusal(request: HttpRequest, email: str) -> ThrottledError | None:
    """Count a password reset request of this client and e-mail address; the refusal past
    either rate (the address is hashed before it reaches the cache)."""
    refusal = PASSWORD_RESET_ADDRESS.hit(client_limit_key(request))
    if refusal is None and email:
        refusal = PASSWORD_RESET_EMAIL.hit(email.strip().lower())
    return refusal
