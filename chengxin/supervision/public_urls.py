"""The public blacklist page, mounted at /disclosure/agency-blacklist/ (docs/supervision.md)."""

from django.urls import path

from chengxin.supervision import views

app_name = "supervision_public"
urlpatterns = [path("", views.public_blacklist, name="blacklist")]
