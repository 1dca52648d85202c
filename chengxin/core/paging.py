"""Server-side paging of list pages, shown by the shared ``templates/pagination.html``.

``page_of(request, rows)`` gives the page that ``?page=`` asks for: a number that is not one
gives the first page, one past the end the last page, so a forged or stale link still shows a
page. A queryset is counted and sliced by the database (two queries whatever its size)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
PAGE_PARAMETER = "page"
# A page number longer than this is not a page number (and is not parsed).
PAGE_NUMBER_MAX_LENGTH = 9


def page_of(request: HttpRequest, rows, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``rows`` (a queryset, ordered, or a list)."""
    number = request.GET.get(PAGE_PARAMETER, "")
    if len(number) > PAGE_NUMBER_MAX_LENGTH:
        number = ""
    return Paginator(rows, per_page).get_page(number or 1)


def page_window(page: Page, *, around: int = 2) -> list[int]:
    """The page numbers the pager links to: a few either side of the current page."""
    first = max(1, page.number - around)
    last = min(page.paginator.num_pages, page.number + around)
    return list(range(first, last + 1))


def bounded_count(rows: QuerySet) -> int:
    """The count of ``rows``, a queryset sliced to a bound (``[:N]``), read without parallel
    workers on PostgreSQL: on a large table the planner turns a count of a few thousand index
    entries into a parallel index-only scan, whose workers take longer to start than the scan
    of the bounded entries (10 ms against 0.5 ms at 10,000,000 records)."""
    alias = rows.db
    if connections[alias].vendor != "postgresql":
        return rows.count()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        (setting,) = cursor.fetchone()
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        count = rows.count()
        # Within a caller's transaction the setting would last to its end: put it back (on an
        # error the savepoint's rollback does).
        cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [setting])
    return count
