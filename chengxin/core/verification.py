"""Verification codes of the documents the platform issues (credit reports, training
certificates): how they are made, typed, shown, and looked up by anyone.

A code is 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L), drawn by
``secrets``: about 59 bits, so it cannot be guessed, and a document's sequential number is
never what verifies it. People type codes with spaces, dashes and in lower case; they are
normalised before the look-up. Looking up is open to everyone and so is rate-limited per client
address: a code that finds nothing counts against the ``verify_address`` rate of
``CHENGXIN_THROTTLE_RATES``, one budget shared by every kind of document, so a guesser cannot
spend one budget per kind; once spent, every look-up from the address is refused with 429 until
the window ends, found or not. Codes that find their document cost nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chengxin.core.errors import NotFoundError
from chengxin.core.network import client_limit_key
from chengxin.core.throttle import Throttle

VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_CODE_LENGTH = 12
# What the verification forms accept before normalising (groups of four with dashes, spaces).
VERIFICATION_INPUT_MAX_LENGTH = 20

VERIFICATION_MISSES = Throttle(
    scope="verify_address",
    message=gettext_lazy("此网络地址核验失败的次数过多，请在 %(wait)s后再试。"),
    message_en="Too many unknown verification codes from this address; try again in %(wait)s.",
)

Found = TypeVar("Found")


def new_verification_code() -> str:
    """A fresh random code."""
    return "".join(
        secrets.choice(VERIFICATION_ALPHABET) for _position in range(VERIFICATION_CODE_LENGTH)
    )


def normalised_verification_code(code: str) -> str:
    """A verification code as typed (lower case, spaces, dashes) in its stored form."""
    return "".join(character for character in (code or "").upper() if character.isalnum())


def verification_code_is_well_formed(code: str) -> bool:
    """Whether a normalised code has the length and alphabet of the codes the platform issues."""
    return len(code) == VERIFICATION_CODE_LENGTH and all(
        character in VERIFICATION_ALPHABET for character in code
    )


def formatted_code(code: str) -> str:
    """A verification code in groups of four (``ABCD-EFGH-JKLM``) for reading aloud."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def throttled_lookup(*, request: HttpRequest, find: Callable[[], Found]) -> Found:
    """``find()`` for this client, under the shared budget of codes not found: raises
    ``ThrottledError`` when the address has spent it, and counts a ``NotFoundError`` of
    ``find`` against it."""
    address = client_limit_key(request)
    VERIFICATION_MISSES.refuse_when_spent(address)
    try:
        return find()
    except NotFoundError:
        VERIFICATION_MISSES.count(address)
        raise


class VerificationCodeForm(forms.Form):
    """A public verification form: one code, of the alphabet and length the platform issues.

    Anything else (an ID number typed into the wrong box, most often) is refused and not shown
    again in the form. ``malformed_message`` is the refusal's text, naming the document."""

    malformed_message = gettext_lazy("验证码是文件上印的%(length)d位字母和数字，请核对后重新输入。")

    code = forms.CharField(label=gettext_lazy("验证码"), max_length=VERIFICATION_INPUT_MAX_LENGTH)

    def clean_code(self) -> str:
        code = normalised_verification_code(self.cleaned_data["code"])
        if not verification_code_is_well_formed(code):
            raise forms.ValidationError(
                self.malformed_message % {"length": VERIFICATION_CODE_LENGTH},
                code="verification_code_malformed",
            )
        return code

    def forget_refused_code(self) -> None:
        """Render the form without the refused value (it may be someone's ID number)."""
        if "code" in self.errors:
            self.data = self.data.copy()
            self.data["code"] = ""
