"""The public tip-off pages, mounted at /tipoffs/."""

from django.urls import path

from chengxin.dueprocess.tipoffs import public_views

app_name = "tipoffs_public"
urlpatterns = [
    path("new/", public_views.file_tipoff, name="new"),
    path("captcha.png", public_views.captcha_image, name="captcha"),
    path("status/", public_views.status, name="status"),
]
