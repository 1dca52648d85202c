"""Staff pages of access challenges, mounted at /staff/challenges/."""

from django.urls import path

from chengxin.dueprocess.myfile import views

app_name = "myfile_staff"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:challenge_id>/", views.detail, name="detail"),
    path("<int:challenge_id>/answer/", views.answer, name="answer"),
    path("<int:challenge_id>/close/", views.close, name="close"),
]
