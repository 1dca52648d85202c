from django.urls import path

from chengxin.inquiry import views as inquiry_views
from chengxin.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("verify/", inquiry_views.verify, name="verify"),
]
