from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import never_cache

from chengxin.inquiry import views as inquiry_views
from chengxin.portal import views
from chengxin.portal.sitemaps import sitemaps

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("verify/", inquiry_views.verify, name="verify"),
    # --- disclosure lists, public query, robots and sitemap (docs/public.md) ---
    path("disclosure/<slug:slug>/", views.disclosure_list, name="list"),
    path("disclosure/<slug:slug>/<str:public_id>/", views.disclosure_entry, name="entry"),
    path("query/", views.public_query, name="query"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        never_cache(sitemap_views.index),
        {"sitemaps": sitemaps(), "sitemap_url_name": "portal:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        never_cache(sitemap_views.sitemap),
        {"sitemaps": sitemaps()},
        name="sitemap_section",
    ),
]
