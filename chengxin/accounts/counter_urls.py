"""The service counter's pages under /staff/citizens/ (docs/citizens.md)."""

from django.urls import path

from chengxin.accounts import counter_views as views

app_name = "counter"
urlpatterns = [
    path("", views.pending_list, name="list"),
    path("<int:account_id>/", views.detail, name="detail"),
    path("<int:account_id>/confirm/", views.confirm, name="confirm"),
    path("<int:account_id>/refuse/", views.refuse, name="refuse"),
]
