"""Staff pages of the work plan, mounted at /staff/workplan/."""

from django.urls import path

from chengxin.workplan import views

app_name = "workplan"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/load/", views.plan_load, name="plan_load"),
    path("plans/template.xlsx", views.plan_template, name="plan_template"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/report/", views.report_submit, name="report_submit"),
    path(
        "reports/<int:report_id>/attachments/<uuid:attachment_id>/",
        views.report_attachment,
        name="report_attachment",
    ),
    path("units/", views.units, name="units"),
    path("overdue/", views.overdue, name="overdue"),
    path("notes/", views.notes, name="notes"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/<int:year>.xlsx", views.assessment_xlsx_view, name="assessment_xlsx"),
    path("assessment/<int:year>.pdf", views.assessment_pdf_view, name="assessment_pdf"),
]
