from django.urls import path

from chengxin.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
]
