"""The Django admin behind the staff sign-in: administrative roles only, second factor required.

Installed as the default admin site (``chengxin.accounts.admin_apps.StaffAdminConfig``), so every app's
``admin.site.register`` lands here. The admin has no sign-in form of its own: it sends visitors
to the staff sign-in (password and TOTP), and answers 403 to signed-in staff without an
administrative role.
"""

from __future__ import annotations

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.decorators import second_factor_satisfied
from chengxin.accounts.permissions import can_use_admin_site, is_staff_member


class StaffAdminSite(admin.AdminSite):
    site_header = _("信用信息平台 后台管理")
    site_title = _("后台管理")
    index_title = _("参考数据与账户")

    def has_permission(self, request) -> bool:
        user = request.user
        allowed = user.is_active and (user.is_superuser or can_use_admin_site(user))
        return bool(allowed and second_factor_satisfied(request))

    def admin_view(self, view, cacheable=False):
        """Answer 403 at once to a signed-in account without admin rights, instead of Django's
        redirect to a sign-in form it has already passed."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not is_staff_member(request.user):
                raise PermissionDenied  # citizens and agencies: the staff sign-in is not theirs
            signed_in = request.user.is_authenticated and second_factor_satisfied(request)
            if signed_in and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        signed_in = request.user.is_authenticated and second_factor_satisfied(request)
        if signed_in or (request.user.is_authenticated and not is_staff_member(request.user)):
            raise PermissionDenied
        next_url = request.GET.get("next") or request.get_full_path()
        return redirect_to_login(next_url, settings.LOGIN_URL)
