from django.urls import path

from chengxin.portal import views

app_name = "portal"
urlpatterns = [path("", views.home, name="home")]
