from django.urls import path

from chengxin.collection import views

app_name = "collection"
urlpatterns = [
    path("quality/", views.quality, name="quality"),
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/upload/", views.upload, name="upload"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission_detail"),
    path(
        "submissions/<int:submission_id>/progress/",
        views.submission_progress,
        name="submission_progress",
    ),
    path(
        "submissions/<int:submission_id>/retry/",
        views.submission_retry,
        name="submission_retry",
    ),
    path(
        "submissions/<int:submission_id>/errors.<str:fmt>",
        views.submission_errors_download,
        name="submission_errors",
    ),
]
