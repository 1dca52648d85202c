"""Staff pages of campus integrity files, mounted at /staff/campus/."""

from django.urls import path

from chengxin.education import campus_views

app_name = "campus"
urlpatterns = [
    path("", campus_views.file_open, name="open"),
    path("schools/", campus_views.school_list, name="school_list"),
    path("accesses/", campus_views.access_list, name="access_list"),
]
