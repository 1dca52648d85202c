"""Reads of the public website: the disclosure lists and the public query (SPEC §2, §5, §13).

Everything here is read live from the credit records, with indexed queries only, so an entry that
stops being public (repaired, expired, revoked, withdrawn, or its period ended) is gone from every
page, search result and the sitemap with the status change itself: nothing is cached.

What is public (SPEC §5): a record of an item disclosed ``public``, status ``active``, today before
its end date, severity not minor. The lists (SPEC §6):

- serious dishonesty (严重失信主体名单): such records of serious negative items that put a person
  on the serious dishonesty list, by the item's domain;
- the red list (守信激励对象): such records of positive items that put a person on the red list.

Names are shown in full on both lists (their legal basis requires it, SPEC §2), the ID number
always masked (region code and last four characters).
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.models import Department
from chengxin.catalog.choices import Category, Disclosure, Domain, ListKind, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.core import crypto
from chengxin.core.paging import bounded_count
from chengxin.dueprocess.objections.selectors import record_statements
from chengxin.identity.models import Subject
from chengxin.identity.selectors import name_index_of, subject_listed_name

PAGE_SIZE = 20
# The deepest page a list shows: results per query are bounded (no bulk harvesting, SPEC §13).
MAX_PAGE = 50
MAX_RESULTS = PAGE_SIZE * MAX_PAGE
PUBLIC_ID_PURPOSE = "portal.public_record"
PUBLIC_ID_TAG_LENGTH = 12


@dataclass(frozen=True)
class PublicList:
    """One disclosure list of the public site."""

    slug: str
    kind: str
    title: str
    category: str
    severity: str
    # Whether a page's keys are read item by item and merged (``page_query``), from an index
    # that leads with the item: for a list whose items hold a small share of the records of
    # their category, where walking the category's records newest first would read far more
    # index entries than a page has (docs/performance.md, "Partitioning").
    by_item: bool = False

    def items(self) -> list[CatalogItem]:
        """The public catalog items whose records make up the list, by code."""
        candidates = (
            CatalogItem.objects.filter(disclosure=Disclosure.PUBLIC, category=self.category)
            .prefetch_related("departments")
            .order_by("code")
        )
        if self.severity:
            candidates = candidates.filter(severity=self.severity)
        return [item for item in candidates if self.kind in (item.lists or [])]


SERIOUS = PublicList(
    slug="serious",
    kind=ListKind.SERIOUS_DISHONESTY,
    title=_("严重失信主体名单"),
    category=Category.NEGATIVE,
    severity=Severity.SERIOUS,
)
RED = PublicList(
    slug="red",
    kind=ListKind.RED_LIST,
    title=_("守信激励对象名单"),
    category=Category.POSITIVE,
    severity="",
    by_item=True,
)
PUBLIC_LISTS = {public_list.slug: public_list for public_list in (SERIOUS, RED)}


@dataclass(frozen=True)
class ListFilters:
    """What a visitor filters a list by; every value already validated (``forms.ListFilterForm``)."""

    name: str = ""
    domain: str = ""
    item_code: str = ""
    department_code: str = ""
    decided_from: datetime.date | None = None
    decided_to: datetime.date | None = None


@dataclass(frozen=True)
class PublicEntry:
    """One entry of a public list or of a public query's answer, as the public site shows it."""

    public_id: str
    list_slug: str
    name: str
    id_masked: str
    item_code: str
    item_name: str
    domain: str
    legal_basis: str
    department_name: str
    authority: str
    document_no: str
    decided_on: datetime.date
    ends_on: datetime.date | None
    disputed: bool
    statement: str
    category: str
    severity: str
    # Ready for the page (a list renders many rows): labels, ISO dates and the entry's path.
    domain_label: str = ""
    severity_label: str = ""
    decided_iso: str = ""
    ends_iso: str = ""
    path: str = ""


@dataclass(frozen=True)
class ListPage:
    """One page of a list: its entries, whether more follow, and the bounded count of matches
    (``MAX_RESULTS + 1`` stands for "more than the site shows")."""

    entries: list[PublicEntry]
    number: int
    has_next: bool
    total: int

    @property
    def total_is_capped(self) -> bool:
        return self.total > MAX_RESULTS

    @property
    def last_number(self) -> int:
        shown = min(self.total, MAX_RESULTS)
        return max(1, -(-shown // PAGE_SIZE))


# --- Public ids ----------------------------------------------------------------------------------


def public_id(record_id: int) -> str:
    """The id of a record in public URLs: its number and a keyed tag, so that ids cannot be
    guessed by counting and carry no personal data."""
    return f"{record_id}-{_tag(record_id)}"


def record_id_of(public: str) -> int | None:
    """The record number of a public id, or ``None`` when it is not one the site issued."""
    number, _separator, tag = (public or "").partition("-")
    if not number.isdigit() or len(number) > 18:
        return None
    record_id = int(number)
    return record_id if hmac.compare_digest(tag, _tag(record_id)) else None


def _tag(record_id: int) -> str:
    return crypto.blind_index(str(record_id), purpose=PUBLIC_ID_PURPOSE)[:PUBLIC_ID_TAG_LENGTH]


# --- Lists ---------------------------------------------------------------------------------------


def disclosed_records(
    public_list: PublicList, *, today: datetime.date, items: list[CatalogItem] | None = None
) -> QuerySet[CreditRecord]:
    """The records on ``public_list`` today (SPEC §5's public disclosure), newest decision first
    (``items``: the list's items when the caller has read them already).

    Served by the partial indexes of active serious records on ``(decided_on, id)`` and of active
    positive records on ``(item, decided_on, id)`` (``CreditRecord.Meta.indexes``)."""
    items = public_list.items() if items is None else items
    item_ids = [item.pk for item in items]
    records = CreditRecord.objects.filter(
        item_id__in=item_ids, status=RecordStatus.ACTIVE, category=public_list.category
    )
    if public_list.severity:
        records = records.filter(severity=public_list.severity, disclosure_ends_on__gt=today)
    else:
        records = records.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
    return records.select_related("subject", "department").order_by("-decided_on", "-id")


def filtered_records(
    public_list: PublicList,
    filters: ListFilters,
    *,
    today: datetime.date,
    items: list[CatalogItem] | None = None,
) -> QuerySet[CreditRecord]:
    """``disclosed_records`` narrowed by the visitor's filters. A name is matched in full
    (spaces and full-width forms ignored) through the subjects' name index."""
    items = public_list.items() if items is None else items
    records = disclosed_records(public_list, today=today, items=items)
    if filters.domain or filters.item_code:
        records = records.filter(item_id__in=[item.pk for item in filtered_items(items, filters)])
    if filters.department_code:
        records = records.filter(department__code=filters.department_code)
    if filters.decided_from:
        records = records.filter(decided_on__gte=filters.decided_from)
    if filters.decided_to:
        records = records.filter(decided_on__lte=filters.decided_to)
    if filters.name:
        people = Subject.objects.filter(name_index=name_index_of(filters.name))
        records = records.filter(subject_index__in=Subquery(people.values("blind_index")))
    return records


def filtered_items(items: list[CatalogItem], filters: ListFilters) -> list[CatalogItem]:
    """The list's ``items`` the visitor's domain and item filters leave."""
    return [
        item
        for item in items
        if (not filters.domain or item.domain == filters.domain)
        and (not filters.item_code or item.code == filters.item_code)
    ]


def list_page(
    public_list: PublicList,
    filters: ListFilters,
    *,
    number: int,
    today: datetime.date,
    items: list[CatalogItem] | None = None,
) -> ListPage:
    """Page ``number`` (1 … ``MAX_PAGE``) of the list: ``PAGE_SIZE`` entries read with one more to
    tell whether another page follows, and a count bounded by ``MAX_RESULTS``."""
    number = min(max(1, number), MAX_PAGE)
    items = public_list.items() if items is None else items
    records = filtered_records(public_list, filters, today=today, items=items)
    rows = _page_rows(
        records,
        start=(number - 1) * PAGE_SIZE,
        item_ids=merged_item_ids(public_list, filters, items=items),
    )
    total = bounded_count(count_query(records))
    has_next = len(rows) > PAGE_SIZE and number < MAX_PAGE
    return ListPage(
        entries=_entries(rows[:PAGE_SIZE], public_list=public_list, items=items),
        number=number,
        has_next=has_next,
        total=total,
    )


def merged_item_ids(
    public_list: PublicList, filters: ListFilters, *, items: list[CatalogItem]
) -> list[int] | None:
    """The items whose keys ``page_query`` merges for a ``by_item`` list, or ``None`` to read the
    keys in one walk: always for the other lists, and for a name search, which finds the few
    records of the people of that name by their subject first."""
    if not public_list.by_item or filters.name:
        return None
    return [item.pk for item in filtered_items(items, filters)]


def count_query(records: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    """The keys ``list_page`` counts: at most ``MAX_RESULTS + 1``, in no order (a bounded count
    needs none, and in decision order a ``by_item`` list would be read whole to be sorted)."""
    return records.order_by().values("pk")[: MAX_RESULTS + 1]


# What an entry shows of its record, subject and department (``_entries``); the values of its
# current version are read in the same query.
_ENTRY_FIELDS = (
    "id", "item_id", "category", "severity", "decided_on", "disclosure_ends_on", "valid_until",
    "disputed", "subject_id", "department_id", "subject__id_masked", "subject__name_ciphertext",
    "subject__name_key_id", "subject__name_algorithm", "subject__blind_index",
    "department__name",
)  # fmt: skip
_CURRENT_VERSION = RecordVersion.objects.filter(
    record_id=OuterRef("pk"), superseded_at__isnull=True
)


def _shown(records: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    """``records`` read with only what an entry shows (``_entries``)."""
    return (
        records.select_related("subject", "department")
        .only(*_ENTRY_FIELDS)
        .annotate(
            shown_authority=Subquery(_CURRENT_VERSION.values(text=KT("values__authority"))[:1]),
            shown_document_no=Subquery(_CURRENT_VERSION.values(text=KT("values__document_no"))[:1]),
        )
    )


def _page_rows(
    records: QuerySet[CreditRecord], *, start: int, item_ids: list[int] | None = None
) -> list[CreditRecord]:
    """The rows of one page and one more, newest decision first, by a deferred join: the keys
    are found in the list's covering index alone (skipping ``start`` entries there), then only
    those rows are read with their subject and department. An ``OFFSET`` over the joined rows
    would read a subject and a department for every entry it skips."""
    return list(page_query(records, start=start, item_ids=item_ids))


def page_query(
    records: QuerySet[CreditRecord], *, start: int, item_ids: list[int] | None = None
) -> QuerySet[CreditRecord]:
    """The query of ``_page_rows`` (its plan is tested on PostgreSQL); with ``item_ids`` (a
    ``by_item`` list's items left by the filters), the keys are merged item by item
    (``_merged_keys``)."""
    count = PAGE_SIZE + 1
    if item_ids is None:
        keys = Subquery(records.order_by("-decided_on", "-id").values("pk")[start : start + count])
    elif item_ids:
        keys = _merged_keys(records, item_ids=item_ids, start=start, count=count)
    else:
        return CreditRecord.objects.none()
    return _shown(CreditRecord.objects.filter(pk__in=keys)).order_by("-decided_on", "-id")


def _merged_keys(
    records: QuerySet[CreditRecord], *, item_ids: list[int], start: int, count: int
) -> RawSQL:
    """The keys of ``count`` of ``records`` from ``start`` on, newest decision first, merged
    from one ordered read per item, each bounded to its first ``start + count`` entries: a
    page reads at most that many index entries per item, at any depth, where one walk in
    decision order would pass every record of the other items first.

    The union is written out because the ORM cannot order and bound the members of a union on
    SQLite; only the ORM's own compiled queries are put together, their values as parameters."""
    members, params = [], []
    for position, item_id in enumerate(item_ids):
        member = (
            records.filter(item_id=item_id)
            .order_by("-decided_on", "-id")
            .values(listed_id=F("pk"), listed_on=F("decided_on"))[: start + count]
        )
        sql, member_params = member.query.sql_with_params()
        members.append(f'SELECT * FROM ({sql}) AS "item_{position}"')  # noqa: S608
        params.extend(member_params)
    merged = " UNION ALL ".join(members)
    return RawSQL(  # noqa: S611 - put together from the ORM's compiled queries and parameters
        f'SELECT "listed_id" FROM ({merged}) AS "merged" '  # noqa: S608 - the ORM's own queries
        'ORDER BY "listed_on" DESC, "listed_id" DESC LIMIT %s OFFSET %s',
        (*params, count, start),
    )


def list_entry(public_list: PublicList, public: str, *, today: datetime.date) -> PublicEntry | None:
    """The entry with public id ``public`` if it is on ``public_list`` today, else ``None``."""
    record_id = record_id_of(public)
    if record_id is None:
        return None
    # No ordering: one row by its key (an ordered LIMIT 1 could walk the list's index instead).
    found = list(
        _shown(disclosed_records(public_list, today=today).filter(pk=record_id)).order_by()[:1]
    )
    return _entries(found, public_list=public_list)[0] if found else None


def list_departments(items: list[CatalogItem]) -> list[Department]:
    """The departments that provide the list's ``items``, by code (the deciding-body filter)."""
    departments = {department for item in items for department in item.departments.all()}
    return sorted(departments, key=lambda department: department.code)


def _entries(
    records: list[CreditRecord],
    *,
    public_list: PublicList | None,
    items: list[CatalogItem] | None = None,
) -> list[PublicEntry]:
    """The records (read by ``_shown``) as the public site shows them; one more query for the
    statements (and one for items the caller did not pass)."""
    if not records:
        return []
    ids = [record.pk for record in records]
    known = {item.pk: item for item in items or []}
    missing = {record.item_id for record in records} - set(known)
    if missing:
        known.update(CatalogItem.objects.in_bulk(missing))
    items_by_id = known
    statements = record_statements(ids)
    domains = dict(Domain.choices)
    severities = dict(Severity.choices)
    prefix = (
        reverse("portal:list", kwargs={"slug": public_list.slug}) if public_list is not None else ""
    )
    entries = []
    for record in records:
        item = items_by_id[record.item_id]
        subject = record.subject
        statement = statements.get(record.pk)
        ends_on = record.disclosure_ends_on or record.valid_until
        public = public_id(record.pk)
        entries.append(
            PublicEntry(
                public_id=public,
                list_slug=public_list.slug if public_list is not None else "",
                name=subject_listed_name(subject) if public_list is not None else "",
                id_masked=subject.id_masked,
                item_code=item.code,
                item_name=item.name,
                domain=item.domain,
                legal_basis=item.legal_basis,
                department_name=record.department.name,
                authority=record.shown_authority or "",
                document_no=record.shown_document_no or "",
                decided_on=record.decided_on,
                ends_on=ends_on,
                disputed=record.disputed,
                statement=statement.text if statement is not None else "",
                category=record.category,
                severity=record.severity,
                domain_label=str(domains.get(item.domain, "")),
                severity_label=str(severities.get(record.severity, "")),
                decided_iso=record.decided_on.isoformat(),
                ends_iso=ends_on.isoformat() if ends_on else "",
                path=f"{prefix}{public}/" if prefix else "",
            )
        )
    return entries


# --- Public query --------------------------------------------------------------------------------


def publicly_disclosed_of(*, subject_index: str, today: datetime.date) -> list[PublicEntry]:
    """Every publicly disclosed record of one person (SPEC §5), newest decision first; through
    the ``(subject_index, status)`` index. The name is not filled in (the visitor typed it)."""
    items = {
        item.pk: item
        for item in CatalogItem.objects.filter(disclosure=Disclosure.PUBLIC).exclude(
            severity=Severity.MINOR
        )
    }
    records = (
        CreditRecord.objects.filter(
            subject_index=subject_index, status=RecordStatus.ACTIVE, item_id__in=list(items)
        )
        .exclude(severity=Severity.MINOR)
        .filter(Q(disclosure_ends_on__isnull=True) | Q(disclosure_ends_on__gt=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
        .order_by("-decided_on", "-id")
    )
    return _entries(
        list(_shown(records)[:MAX_RESULTS]), public_list=None, items=list(items.values())
    )


def today() -> datetime.date:
    return timezone.localdate()
