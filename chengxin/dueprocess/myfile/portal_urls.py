"""The person's own pages, mounted at /my/ beside the objection pages: my credit file, one
record, opting out and back in, my report, who looked, and access challenges."""

from django.urls import path

from chengxin.dueprocess.myfile import portal_views

app_name = "myfile_portal"
urlpatterns = [
    path("", portal_views.credit_file, name="file"),
    path("records/<int:record_id>/", portal_views.record_detail, name="record"),
    path("records/<int:record_id>/withdraw/", portal_views.withdraw, name="withdraw"),
    path("records/<int:record_id>/reinstate/", portal_views.reinstate, name="reinstate"),
    path("report/", portal_views.own_report, name="report"),
    path("lookups/", portal_views.lookups, name="lookups"),
    path(
        "lookups/<str:kind>/<str:access_id>/challenge/",
        portal_views.challenge_open,
        name="challenge_open",
    ),
    path("challenges/", portal_views.my_challenges, name="challenges"),
    path("challenges/<int:challenge_id>/", portal_views.challenge_detail, name="challenge"),
]
