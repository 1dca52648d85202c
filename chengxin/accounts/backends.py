"""Authentication backends: staff sign in by username, citizens by mobile number or e-mail.

Each sign-in page names its audience (``audience="citizen"`` from the citizens' page), and each
backend answers only its own: the citizens' page never signs a staff account in, and a citizen's
mobile number or e-mail address means nothing on the staff page. django-axes sees both as the
``username`` credential, so the lockout works the same for both (per typed name and address).
"""

from __future__ import annotations

import unicodedata

from django.contrib.auth.backends import ModelBackend

from chengxin.accounts.choices import ACTIVE_CITIZEN_STATUSES, Role
from chengxin.accounts.models import User

CITIZEN_AUDIENCE = "citizen"


class StaffModelBackend(ModelBackend):
    """Django's username and password backend, for every page but the citizens' sign-in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if kwargs.get("audience") == CITIZEN_AUDIENCE:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class CitizenContactBackend(ModelBackend):
    """A citizen signs in with the mobile number or e-mail address of their account."""

    def authenticate(self, request, username=None, password=None, audience=None, **kwargs):
        if audience != CITIZEN_AUDIENCE or not username or password is None:
            return None
        user = citizen_by_contact(username)
        if user is None:
            # As Django's own backend does: the same work whether the account exists or not.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def citizen_by_contact(contact: str) -> User | None:
    """The citizen whose open account has ``contact`` as its e-mail address or mobile number."""
    contact = contact.strip()
    citizens = User.objects.filter(
        role=Role.CITIZEN, citizen_account__status__in=ACTIVE_CITIZEN_STATUSES
    )
    if "@" in contact:
        return citizens.filter(email=contact.lower()).first()
    return citizens.filter(citizen_account__mobile=mobile_normalised(contact)).first()


def mobile_normalised(value: str) -> str:
    """A mainland mobile number as typed (spaces, hyphens, a +86 or 0086 prefix) in its
    11-digit form; anything else is returned stripped, for the validation to refuse."""
    text = unicodedata.normalize("NFKC", value)
    digits = "".join(
        character for character in text if not character.isspace() and character != "-"
    )
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits
