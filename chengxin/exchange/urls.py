"""Staff pages of the exchange, mounted at /staff/exchange/."""

from django.urls import path

from chengxin.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dead-letters/retry/", views.retry_dead_letters, name="retry_dead_letters"),
    path("events/<int:event_id>/retry/", views.retry_event, name="retry_event"),
    path(
        "notices/<int:notice_id>/acknowledge/",
        views.acknowledge_notice,
        name="acknowledge_notice",
    ),
]
