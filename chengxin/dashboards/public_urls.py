from django.urls import path

from chengxin.dashboards import views

app_name = "statistics"

urlpatterns = [path("", views.statistics, name="index")]
