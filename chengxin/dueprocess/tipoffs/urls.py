"""Staff pages of tip-offs, mounted at /staff/tipoffs/."""

from django.urls import path

from chengxin.dueprocess.tipoffs import views

app_name = "tipoffs"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:tipoff_id>/", views.detail, name="detail"),
    path("<int:tipoff_id>/route/", views.route, name="route"),
    path("<int:tipoff_id>/not-admissible/", views.refuse, name="refuse"),
    path("<int:tipoff_id>/answer/", views.answer, name="answer"),
    path("<int:tipoff_id>/close/", views.close, name="close"),
    path(
        "<int:tipoff_id>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
