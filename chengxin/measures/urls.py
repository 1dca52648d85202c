from django.urls import path

from chengxin.measures import views

app_name = "measures"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.detail, name="detail"),
]
