from django.urls import path

from chengxin.measures.checks import views

app_name = "checks"
urlpatterns = [
    path("", views.check_form, name="form"),
    path("feedback/", views.feedback_rates, name="feedback_rates"),
    path("<uuid:check_id>/", views.check_detail, name="detail"),
    path("<uuid:check_id>/receipt.json", views.receipt_download, name="receipt"),
    path("<uuid:check_id>/feedback/", views.feedback_post, name="feedback"),
]
