"""The person's objection pages in the portal, mounted at /my/ (the record page of "my credit
file" links to ``records/<record_id>/object/``)."""

from django.urls import path

from chengxin.dueprocess.objections import portal_views

app_name = "objections_portal"
urlpatterns = [
    path("records/<int:record_id>/object/", portal_views.file_objection, name="file"),
    path("objections/", portal_views.my_objections, name="list"),
    path("objections/<int:objection_id>/", portal_views.objection_detail, name="detail"),
    path("objections/<int:objection_id>/withdraw/", portal_views.withdraw, name="withdraw"),
    path(
        "objections/<int:objection_id>/statement/", portal_views.attach_statement, name="statement"
    ),
    path("objections/<int:objection_id>/review/", portal_views.request_review, name="review"),
]
