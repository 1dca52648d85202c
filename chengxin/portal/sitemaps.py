"""The sitemap of the public site: its pages, the entries of the disclosure lists, and the
content pages and articles (``outreach.sitemaps.ContentSitemap``).

Entries are read live (``selectors.disclosed_records``), so one that stops being public is gone
from the sitemap with its status change; the sitemap views are never cached.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from chengxin.outreach.sitemaps import ContentSitemap
from chengxin.portal import selectors

SITEMAP_PAGE_SIZE = 5_000


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[tuple[str, dict]]:
        pages = [("portal:home", {}), ("portal:query", {}), ("portal:verify", {})]
        pages += [("portal:list", {"slug": slug}) for slug in selectors.PUBLIC_LISTS]
        pages.append(("supervision_public:blacklist", {}))
        pages.append(("statistics:index", {}))
        return pages

    def location(self, item: tuple[str, dict]) -> str:
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


class EntriesSitemap(Sitemap):
    """The entries of one list that are public today, by record number."""

    changefreq = "daily"
    limit = SITEMAP_PAGE_SIZE

    def __init__(self, public_list: selectors.PublicList):
        self.public_list = public_list

    def items(self):
        records = selectors.disclosed_records(self.public_list, today=selectors.today())
        return records.select_related(None).order_by("pk").only("pk", "updated_at")

    def location(self, record) -> str:
        return reverse(
            "portal:entry",
            kwargs={"slug": self.public_list.slug, "public_id": selectors.public_id(record.pk)},
        )

    def lastmod(self, record):
        return record.updated_at


def sitemaps() -> dict[str, Sitemap]:
    found: dict[str, Sitemap] = {"pages": PagesSitemap()}
    for slug, public_list in selectors.PUBLIC_LISTS.items():
        found[slug] = EntriesSitemap(public_list)
    found["content"] = ContentSitemap()
    return found
