"""The sitemap of the public site: its pages, the entries of the disclosure lists, and the
content pages and articles (``outreach.sitemaps.ContentSitemap``).

Entries are read live (``selectors.disclosed_records``), so one that stops being public is gone
from the sitemap with its status change; the sitemap views are never cached.

A list's entries are paged by ranges of record ids (``IdRangePaginator``), not by counting and
skipping: the index asks only for the lowest and highest record id (two reads of the primary
key), and a page reads only the records of its range, so neither grows with the list
(docs/public.md). A range may hold fewer entries than it could, or none.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min
from django.urls import reverse

from chengxin.collection.models import CreditRecord
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


class IdRangePage:
    """One page of an ``IdRangePaginator``: the entries whose record id is in its range."""

    def __init__(self, object_list):
        self.object_list = object_list


class IdRangePaginator:
    """Pages of ``span`` consecutive record ids each, from the lowest record id on: what
    ``django.contrib.sitemaps`` needs of a paginator (``num_pages``, ``page``)."""

    def __init__(self, records, *, span: int):
        self.records = records
        self.span = span

    @cached_property
    def bounds(self) -> tuple[int, int] | None:
        found = CreditRecord.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if found["low"] is None:
            return None
        return found["low"], found["high"]

    @cached_property
    def num_pages(self) -> int:
        if self.bounds is None:
            return 1
        low, high = self.bounds
        return (high - low) // self.span + 1

    def page(self, number) -> IdRangePage:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        if self.bounds is None:
            return IdRangePage(self.records.none())
        start = self.bounds[0] + (number - 1) * self.span
        return IdRangePage(self.records.filter(pk__gte=start, pk__lt=start + self.span))


class EntriesSitemap(Sitemap):
    """The entries of one list that are public today, by record number."""

    changefreq = "daily"
    # At most this many entries a page (the protocol allows 50,000 addresses in one file).
    limit = SITEMAP_PAGE_SIZE

    def __init__(self, public_list: selectors.PublicList):
        self.public_list = public_list

    def items(self):
        records = selectors.disclosed_records(self.public_list, today=selectors.today())
        return records.select_related(None).order_by("pk").only("pk", "updated_at")

    @property
    def paginator(self) -> IdRangePaginator:
        return IdRangePaginator(self.items(), span=self.limit)

    def get_latest_lastmod(self):
        # Each page gives its entries' dates; the index would have to read every entry.
        return None

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
