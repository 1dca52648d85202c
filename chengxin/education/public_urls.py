"""The public verification of training certificates, mounted at /certificates/."""

from django.urls import path

from chengxin.education import views

app_name = "certificates"
urlpatterns = [path("verify/", views.certificate_verify, name="verify")]
