"""A crawl of the whole public site over demo data: no full ID number, no entry that is not public.

The demo data (reference catalog, synthetic people with records of every kind, some past their
period, and the public lists' entries) is loaded through the submission pipeline; a few entries
are then revoked, expired, repaired and withdrawn. The crawler follows every link of the public
site from the home page and the sitemap, on every page of each list.
"""

from __future__ import annotations

import io
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from chengxin.catalog.models import CatalogItem
from chengxin.collection.choices import RecordStatus
from chengxin.collection.lifecycle import is_publicly_disclosed
from chengxin.collection.management.commands.demo_data import demo_data_load
from chengxin.collection.models import CreditRecord
from chengxin.core.personal_data import contains_id_number
from chengxin.portal.demo import demo_disclosures_ensure
from chengxin.portal.selectors import RED, SERIOUS, public_id, record_id_of

pytestmark = pytest.mark.django_db

PRIVATE_PREFIXES = ("/staff/", "/api/", "/account/", "/my/", "/i18n/", "/static/", "/tipoffs/")
MAX_PAGES = 600
HREF = re.compile(r'href="([^"]+)"|<loc>([^<]+)</loc>')
ENTRY = re.compile(r"^/disclosure/(serious|red)/([^/]+)/$")


@pytest.fixture
def demo_site():
    call_command("seed", stdout=io.StringIO())
    demo_data_load(persons=120, seed=7)
    demo_disclosures_ensure(persons=120, serious=70, red=25, seed=7)
    listed = CreditRecord.objects.filter(
        item__in=[item.pk for item in SERIOUS.items() + RED.items()], status=RecordStatus.ACTIVE
    ).order_by("pk")
    changed = list(listed[:4])
    for record, status in zip(
        changed,
        [RecordStatus.REVOKED, RecordStatus.EXPIRED, RecordStatus.REPAIRED, RecordStatus.WITHDRAWN],
        strict=True,
    ):
        CreditRecord.objects.filter(pk=record.pk).update(status=status)
    return changed


def _crawl(client) -> dict[str, str]:
    pages: dict[str, str] = {}
    queue = deque(["/", "/sitemap.xml", "/robots.txt"])
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = response.content.decode()
        pages[url] = body
        for match in HREF.finditer(body):
            link = (match.group(1) or match.group(2)).replace("&amp;", "&")
            link = urldefrag(link).url
            parts = urlsplit(link)
            if parts.netloc not in ("", "testserver"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not parts.path.startswith("/") or parts.path.startswith(PRIVATE_PREFIXES):
                continue
            if local not in pages:
                queue.append(local)
    return pages


def test_the_public_site_shows_no_full_id_number_and_no_entry_that_is_not_public(client, demo_site):
    # when
    pages = _crawl(client)

    # then: every list page and entry was reached, within the bound
    assert len(pages) < MAX_PAGES
    entries = {url: ENTRY.match(url) for url in pages}
    entry_ids = {record_id_of(match.group(2)) for match in entries.values() if match}
    assert len(entry_ids) >= 50
    for url, body in pages.items():
        assert not contains_id_number(body), url
    # and every entry shown is public today
    today = timezone.localdate()
    items = CatalogItem.objects.in_bulk()
    for record in CreditRecord.objects.filter(pk__in=entry_ids):
        assert is_publicly_disclosed(record, item=items[record.item_id], today=today), record.pk
    # and no page names an entry that is not public
    everything = "".join(pages.values())
    for record in demo_site:
        assert public_id(record.pk) not in everything
    not_public = CreditRecord.objects.exclude(status=RecordStatus.ACTIVE)
    for record in not_public:
        assert f"/{public_id(record.pk)}/" not in everything
