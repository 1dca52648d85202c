from django.urls import path

from chengxin.inquiry import consent_views, views

app_name = "inquiry"
urlpatterns = [
    path("", views.query, name="query"),
    path("consents/", consent_views.paper_consents, name="paper_consents"),
    path("reports/<str:number>/", views.report_detail, name="report_detail"),
    path("reports/<str:number>.pdf", views.report_pdf, name="report_pdf"),
]
