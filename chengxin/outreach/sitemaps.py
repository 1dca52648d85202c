"""The sitemap of published content (django.contrib.sitemaps), for the site's sitemap to
include: ``chengxin.outreach.sitemaps.ContentSitemap``. It lists the content pages and every
article visible now; an unpublished or not yet due article is not in it, as on the site."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from chengxin.outreach.selectors import articles_public

SECTION_PAGES = (
    "outreach:news",
    "outreach:policies",
    "outreach:plan",
    "outreach:rules",
    "outreach:campaigns",
    "outreach:education",
    "outreach:culture",
    "outreach:models",
    "outreach:warnings",
    "outreach:reader",
)


class ContentSitemap(Sitemap):
    """Section pages first, then articles, newest first (bounded by the sitemap's page size)."""

    changefreq = "daily"

    def items(self):
        articles = articles_public().only("pk", "updated_at").order_by("-publish_at", "-pk")
        return [*SECTION_PAGES, *articles]

    def location(self, item) -> str:
        if isinstance(item, str):
            return reverse(item)
        return reverse("outreach:article", args=[item.pk])

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at
