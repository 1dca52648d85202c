"""Public pages of content, mounted at the site's root (docs/outreach.md)."""

from django.urls import path

from chengxin.outreach import views

app_name = "outreach"
urlpatterns = [
    path("news/", views.news, name="news"),
    path("articles/<int:article_id>/", views.article, name="article"),
    path("articles/<int:article_id>/images/<int:image_id>/", views.image, name="image"),
    path(
        "articles/<int:article_id>/files/<uuid:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("policies/", views.policies, name="policies"),
    path("policies/plan/", views.plan, name="plan"),
    path("policies/rules/", views.rules, name="rules"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<slug:code>/", views.campaign_day, name="campaign_day"),
    path(
        "campaigns/activities/<int:activity_id>/files/<uuid:attachment_id>/",
        views.activity_file,
        name="activity_file",
    ),
    path("education/", views.education, name="education"),
    path("education/culture/", views.culture, name="culture"),
    path("education/models/", views.models, name="models"),
    path("education/warnings/", views.warnings, name="warnings"),
    path("education/reader/", views.reader, name="reader"),
]
