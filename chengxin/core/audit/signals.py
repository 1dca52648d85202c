"""Sign-in, failed sign-in and sign-out events, from Django's own authentication signals.

Signals are the right hook here and only here: ``user_logged_in``, ``user_login_failed`` and
``user_logged_out`` are how Django's authentication itself reports these moments, whichever view
or backend signed the user in. Every other audit event is written explicitly by its service.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from chengxin.core.audit import events
from chengxin.core.personal_data import id_numbers_in


def _on_logged_in(sender, request, user, **kwargs) -> None:
    events.sign_in_event(user=user, request=request)


# The audience of the citizens' sign-in (chengxin.accounts.backends.CITIZEN_AUDIENCE): its
# "username" is a mobile number or an e-mail address, kept masked.
CITIZEN_AUDIENCE = "citizen"


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already scrubbed the password out of ``credentials``; only the username is read.
    username_field = get_user_model().USERNAME_FIELD
    username = str(credentials.get(username_field) or credentials.get("username") or "")
    if credentials.get("audience") == CITIZEN_AUDIENCE and not id_numbers_in(username):
        username = masked_contact(username)
    events.sign_in_failed_event(username=username, request=request)


def masked_contact(contact: str) -> str:
    """A mobile number or e-mail address as a failed sign-in keeps it: enough to tell attempts
    apart, not enough to reach the person (``139****5671``, ``w***@example.cn``)."""
    contact = contact.strip()
    if "@" in contact:
        local, _at, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = "".join(character for character in contact if character.isdigit())
    if len(digits) >= MASK_MIN_DIGITS:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{contact[:1]}***" if contact else ""


MASK_MIN_DIGITS = 8


def _on_logged_out(sender, request, user, **kwargs) -> None:
    # Django reports a sign-out without a user when nobody was signed in: nothing ended, and an
    # anonymous request must not be able to write to the audit log.
    if user is not None:
        events.sign_out_event(user=user, request=request)


def connect_sign_in_receivers() -> None:
    """Connect the three receivers (idempotent: each has a dispatch uid)."""
    user_logged_in.connect(_on_logged_in, dispatch_uid="chengxin.audit.sign_in")
    user_login_failed.connect(_on_login_failed, dispatch_uid="chengxin.audit.sign_in_failed")
    user_logged_out.connect(_on_logged_out, dispatch_uid="chengxin.audit.sign_out")
