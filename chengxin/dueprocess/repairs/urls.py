"""Staff pages of credit repair, mounted at /staff/repairs/."""

from django.urls import path

from chengxin.dueprocess.repairs import views

app_name = "repairs"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.apply_for_person, name="new"),
    path("<int:repair_id>/", views.detail, name="detail"),
    path("<int:repair_id>/decide/", views.decide, name="decide"),
    path(
        "<int:repair_id>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
