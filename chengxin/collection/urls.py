from django.urls import path

from chengxin.collection import views

app_name = "collection"
urlpatterns = [
    path("quality/", views.quality, name="quality"),
]
