"""URL map: the public site at /, staff pages under /staff/, the API under /api/v1/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from chengxin.api.urls import api
from chengxin.core.accessibility import display_settings

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("staff/admin/", admin.site.urls),
    path("staff/accounts/", include("chengxin.accounts.urls")),
    path("staff/catalog/", include("chengxin.catalog.urls")),
    path("staff/collection/", include("chengxin.collection.urls")),
    path("staff/measures/", include("chengxin.measures.urls")),
    path("staff/checks/", include("chengxin.measures.checks.urls")),
    path("staff/audit/", include("chengxin.backoffice.audit_urls")),
    path("staff/inquiry/", include("chengxin.inquiry.urls")),
    path("staff/citizens/", include("chengxin.accounts.counter_urls")),
    path("staff/objections/", include("chengxin.dueprocess.objections.urls")),
    path("staff/tipoffs/", include("chengxin.dueprocess.tipoffs.urls")),
    path("staff/supervision/", include("chengxin.supervision.urls")),
    path("staff/content/", include("chengxin.outreach.staff_urls")),
    path("staff/exchange/", include("chengxin.exchange.urls")),
    path("staff/challenges/", include("chengxin.dueprocess.myfile.urls")),
    path("staff/repairs/", include("chengxin.dueprocess.repairs.urls")),
    path("staff/dashboards/", include("chengxin.dashboards.urls")),
    path("staff/training/", include("chengxin.education.urls")),
    path("staff/campus/", include("chengxin.education.campus_urls")),
    path("staff/workplan/", include("chengxin.workplan.urls")),
    path("staff/", include("chengxin.backoffice.urls")),
    path("account/", include("chengxin.accounts.citizen_urls")),
    path("my/", include("chengxin.dueprocess.objections.portal_urls")),
    path("my/", include("chengxin.dueprocess.myfile.portal_urls")),
    path("my/", include("chengxin.dueprocess.repairs.portal_urls")),
    path("display/", display_settings, name="display_settings"),
    path("my/consents/", include("chengxin.inquiry.portal_urls")),
    path("my/tipoffs/", include("chengxin.dueprocess.tipoffs.portal_urls")),
    path("tipoffs/", include("chengxin.dueprocess.tipoffs.public_urls")),
    path("disclosure/agency-blacklist/", include("chengxin.supervision.public_urls")),
    path("statistics/", include("chengxin.dashboards.public_urls")),
    path("certificates/", include("chengxin.education.public_urls")),
    path("", include("chengxin.portal.urls")),
    path("", include("chengxin.outreach.urls")),
]

handler500 = "chengxin.config.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATICFILES_DIRS[0])
