"""``staff_required``: the guard of every staff page (SPEC §14)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from chengxin.accounts.permissions import is_staff_member


def second_factor_satisfied(request) -> bool:
    """Whether the session passed the second factor (or the deployment does not require it)."""
    if not settings.CHENGXIN_REQUIRE_TOTP:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def staff_required(view):
    """Let through an active staff account whose session passed the second factor.

    Anonymous visitors and sessions without a verified second factor go to the sign-in page;
    signed-in accounts without a staff role (citizens, agencies) get 403 at once: the staff
    sign-in is not theirs.
    """

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff_member(request.user):
            raise PermissionDenied
        if not request.user.is_authenticated or not second_factor_satisfied(request):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return guarded
