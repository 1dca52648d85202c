"""The person's consent pages, mounted at /my/consents/ (docs/inquiry.md, "Consents")."""

from django.urls import path

from chengxin.inquiry import consent_views

app_name = "consents_portal"
urlpatterns = [
    path("", consent_views.my_consents, name="list"),
    path("<int:consent_id>/revoke/", consent_views.my_consent_revoke, name="revoke"),
]
