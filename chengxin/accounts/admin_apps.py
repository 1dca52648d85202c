"""Django's admin app with the staff admin site as its default site.

Listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin``. This module imports nothing of
the project, because settings load it before the app registry is ready.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "chengxin.accounts.admin_site.StaffAdminSite"
