"""The auditor's page of the audit log, in the staff shell (namespace ``audit``)."""

from django.urls import path

from chengxin.backoffice import audit_views as views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="event_list")]
