from django.urls import path

from chengxin.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/<slug:panel>.csv", views.export_csv, name="csv"),
]
