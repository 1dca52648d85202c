"""Staff pages of supervision, mounted at /staff/supervision/."""

from django.urls import path

from chengxin.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_new, name="agency_new"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:agency_id>/edit/", views.agency_edit, name="agency_edit"),
    path(
        "agencies/<int:agency_id>/practitioners/",
        views.practitioner_add,
        name="practitioner_add",
    ),
    path("agencies/<int:agency_id>/tokens/", views.token_link, name="token_link"),
    path("handlers/", views.handler_list, name="handler_list"),
    path("handlers/new/", views.handler_new, name="handler_new"),
    path("handlers/<int:handler_id>/", views.handler_detail, name="handler_detail"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", views.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<int:inspection_id>/follow-up/",
        views.inspection_follow_up,
        name="inspection_follow_up",
    ),
    path("inspections/<int:inspection_id>/close/", views.inspection_close, name="inspection_close"),
    path("inspections/<int:inspection_id>/violations/", views.violation_new, name="violation_new"),
    path("blacklist/", views.listing_list, name="listing_list"),
    path("blacklist/<int:listing_id>/", views.listing_delist, name="listing_detail"),
]
