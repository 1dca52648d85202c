from django.urls import path

from chengxin.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.detail, name="detail"),
]
