from django.urls import path

from chengxin.measures.checks import batch_views, views

app_name = "checks"
urlpatterns = [
    path("", views.check_form, name="form"),
    path("feedback/", views.feedback_rates, name="feedback_rates"),
    path("batch/", batch_views.batch_form, name="batch_form"),
    path("batch/<uuid:batch_id>/", batch_views.batch_detail, name="batch_detail"),
    path("batch/<uuid:batch_id>/result.csv", batch_views.batch_result, name="batch_result"),
    path("<uuid:check_id>/", views.check_detail, name="detail"),
    path("<uuid:check_id>/receipt.json", views.receipt_download, name="receipt"),
    path("<uuid:check_id>/feedback/", views.feedback_post, name="feedback"),
]
