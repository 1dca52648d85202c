"""The person's repair pages in the portal, mounted at /my/ (the record page of "my credit
file" links to ``records/<record_id>/repair/``)."""

from django.urls import path

from chengxin.dueprocess.repairs import portal_views

app_name = "repairs_portal"
urlpatterns = [
    path("records/<int:record_id>/repair/", portal_views.apply, name="apply"),
    path("repairs/", portal_views.my_repairs, name="list"),
    path("repairs/<int:repair_id>/", portal_views.repair_detail, name="detail"),
]
