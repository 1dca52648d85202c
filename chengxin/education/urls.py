"""Staff pages of training, mounted at /staff/training/."""

from django.urls import path

from chengxin.education import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:course_id>/", views.course_detail, name="course_detail"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/enrol/", views.enrolment_add, name="enrolment_add"),
    path("sessions/<int:session_id>/attendance/", views.attendance_mark, name="attendance"),
    path("sessions/<int:session_id>/close/", views.session_close, name="session_close"),
    path(
        "enrolments/<int:enrolment_id>/certificate/",
        views.certificate_issue,
        name="certificate_issue",
    ),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<str:number>.pdf", views.certificate_pdf, name="certificate_pdf"),
]
