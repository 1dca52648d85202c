"""Staff pages of content, mounted at /staff/content/."""

from django.urls import path

from chengxin.outreach import activity_views
from chengxin.outreach import staff_views as views

app_name = "content"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("campaigns/", views.activities, name="activities"),
    path("campaigns/<int:activity_id>/report/", views.activity_report, name="activity_report"),
    path("campaigns/unit/", activity_views.unit_activities, name="unit_activities"),
    path(
        "campaigns/unit/<int:activity_id>/report/",
        activity_views.unit_activity_report,
        name="unit_activity_report",
    ),
    path("<int:article_id>/", views.article_edit, name="edit"),
    path("<int:article_id>/preview/", views.article_preview, name="preview"),
    path("<int:article_id>/submit/", views.article_submit, name="submit"),
    path("<int:article_id>/return/", views.article_return, name="return"),
    path("<int:article_id>/publish/", views.article_publish, name="publish"),
    path("<int:article_id>/unpublish/", views.article_unpublish, name="unpublish"),
    path("<int:article_id>/images/", views.article_image_add, name="image_add"),
    path("<int:article_id>/images/<int:image_id>/", views.article_image, name="image"),
    path("<int:article_id>/attachments/", views.article_attachment_add, name="attachment_add"),
]
