"""Staff pages of objections, mounted at /staff/objections/."""

from django.urls import path

from chengxin.dueprocess.objections import views

app_name = "objections"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.file_for_person, name="new"),
    path("<int:objection_id>/", views.detail, name="detail"),
    path("<int:objection_id>/accept/", views.accept, name="accept"),
    path("<int:objection_id>/not-admissible/", views.refuse, name="refuse"),
    path("<int:objection_id>/extend/", views.extend, name="extend"),
    path("<int:objection_id>/decide/", views.decide, name="decide"),
    path("<int:objection_id>/review/", views.review, name="review"),
    path(
        "<int:objection_id>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
