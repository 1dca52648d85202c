"""Set-based reads for batch checks: the lists and the green-channel eligibility of many people
in a few queries, keyed by blind index.

``chengxin.measures.selectors`` answers one person at a time (``subject_lists``,
``green_channel``); a batch of 100,000 people cannot afford that. These helpers put the wanted
blind indexes in a temporary table and read the collection's ``CreditRecord`` with two joins:
one aggregate row per person for the green-channel rule (earliest decision, a negative record
in the window, an active serious record) and the active records of items on lists. They apply
the same rules (SPEC §6, the docstrings of ``measures.selectors``); the tests compare them with
the per-person selectors. They answer "now" only (a batch is always checked on the day it runs).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from chengxin.accounts.models import Department
from chengxin.catalog.choices import Category, ListKind, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core.selectors import policy_value
from chengxin.measures import selectors as measures
from chengxin.measures.selectors import ListMembership, ListRecord
from chengxin.measures.snapshot import rules_snapshot

CHUNK = 5_000
_KIND_ORDER = {kind: position for position, kind in enumerate(ListKind.values)}


@dataclass(frozen=True)
class PersonFacts:
    """What a batch check reports about one person."""

    known: bool
    memberships: tuple[ListMembership, ...]
    green_channel: bool


def chunked(values: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _list_keys(*, lists, category, severity, domain, key_field) -> list[tuple[str, str, str]]:
    keys = []
    if ListKind.RED_LIST in lists and category == Category.POSITIVE:
        keys.append((ListKind.RED_LIST.value, "", ""))
    if category == Category.NEGATIVE and severity == Severity.SERIOUS:
        if ListKind.SERIOUS_DISHONESTY in lists:
            keys.append((ListKind.SERIOUS_DISHONESTY.value, domain, ""))
        if ListKind.KEY_SUPERVISION in lists and key_field:
            keys.append((ListKind.KEY_SUPERVISION.value, "", key_field))
    return keys


def people_facts(indexes: Iterable[str], *, on: datetime.date) -> dict[str, PersonFacts]:
    """Lists (from active records) and green-channel eligibility of every index, by index, in
    two queries (plus the catalog items, departments and policy values)."""
    wanted = sorted(set(indexes))
    items = {
        item.pk: item
        for item in CatalogItem.objects.only("pk", "code", "name", "lists", "domain", "key_field")
    }
    lookback = int(policy_value(measures.LOOKBACK_POLICY))
    counts_repaired = bool(policy_value(measures.COUNTS_REPAIRED_POLICY))
    window_start = measures.years_before(on, lookback)
    with transaction.atomic(), connection.cursor() as cursor:
        _wanted_table_fill(cursor, wanted)
        history = _history(
            cursor, on=on, window_start=window_start, counts_repaired=counts_repaired
        )
        listed = _listed_records(cursor, item_ids=[pk for pk, item in items.items() if item.lists])
        cursor.execute(f"DROP TABLE {_WANTED}")
    departments = dict(Department.objects.values_list("pk", "code"))
    facts = {}
    for position, (earliest, negative_in_window, serious) in history.items():
        records = listed.get(position)
        # Most people have no record of an item on a list.
        memberships, red = (
            _memberships(records, items=items, departments=departments) if records else ((), False)
        )
        known = earliest is not None
        if not known or serious:
            eligible = False
        elif red:
            eligible = True
        else:
            eligible = not negative_in_window and earliest <= window_start
        facts[wanted[position]] = PersonFacts(
            known=known, memberships=memberships, green_channel=eligible
        )
    empty = PersonFacts(known=False, memberships=(), green_channel=False)
    return {index: facts.get(index, empty) for index in wanted}


_WANTED = "checks_batch_wanted"


def _wanted_table_fill(cursor, wanted: list[str]) -> None:
    """A temporary table of (position, blind index): joined instead of a long ``IN`` list, for
    which PostgreSQL scans the whole record table; rows then carry a number, not the index."""
    cursor.execute(f"DROP TABLE IF EXISTS {_WANTED}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_WANTED} (position integer PRIMARY KEY, subject_index"
        " varchar(64) NOT NULL)"
    )
    rows = list(enumerate(wanted))
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {_WANTED} (position, subject_index) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {_WANTED}")
        # Plain joins: compiling them (JIT) costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
    else:
        insert = f"INSERT INTO {_WANTED} (position, subject_index) VALUES (%s, %s)"  # noqa: S608 - own table
        cursor.executemany(insert, rows)


def _records_table() -> str:
    return connection.ops.quote_name(CreditRecord._meta.db_table)


def _history(cursor, *, on, window_start, counts_repaired) -> dict[int, tuple]:
    """Per person with records not revoked: the earliest decision on or before ``on``, whether
    a negative record (repaired ones per policy) was decided in ``(window_start, on]``, and
    whether an active serious negative record exists."""
    not_counted = "" if counts_repaired else RecordStatus.REPAIRED.value
    # Only the record model's table name and our own are formatted into the query.
    query = (
        "SELECT w.position,"  # noqa: S608
        " MIN(CASE WHEN r.decided_on <= %s THEN r.decided_on END),"
        " MAX(CASE WHEN r.category = %s AND r.decided_on > %s AND r.decided_on <= %s"
        "   AND r.status <> %s THEN 1 ELSE 0 END),"
        " MAX(CASE WHEN r.status = %s AND r.category = %s AND r.severity = %s THEN 1 ELSE 0 END)"
        f" FROM {_WANTED} w JOIN {_records_table()} r ON r.subject_index = w.subject_index"
        " WHERE r.status <> %s GROUP BY w.position"
    )
    cursor.execute(
        query,
        [
            on,
            _NEGATIVE,
            window_start,
            on,
            not_counted,
            _ACTIVE,
            _NEGATIVE,
            _SERIOUS,
            RecordStatus.REVOKED.value,
        ],
    )
    return {
        position: (_date(earliest), bool(negative), bool(serious))
        for position, earliest, negative, serious in cursor.fetchall()
    }


def _listed_records(cursor, *, item_ids: list[int]) -> dict[int, list[tuple]]:
    """Per person: the active records of items on lists, by id."""
    if not item_ids:
        return {}
    placeholders = ", ".join(["%s"] * len(item_ids))
    # Only table names and placeholders are formatted into the query.
    query = (
        "SELECT w.position, r.id, r.item_id, r.category, r.severity, r.decided_on, r.disputed,"  # noqa: S608
        f" r.department_id FROM {_WANTED} w JOIN {_records_table()} r"
        " ON r.subject_index = w.subject_index"
        f" WHERE r.status = %s AND r.item_id IN ({placeholders}) ORDER BY w.position, r.id"
    )
    cursor.execute(query, [_ACTIVE, *item_ids])
    listed: dict[int, list[tuple]] = defaultdict(list)
    for position, *record in cursor.fetchall():
        listed[position].append(tuple(record))
    return listed


def _date(value) -> datetime.date | None:
    """A date column through an aggregate (SQLite gives it back as text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


# Plain strings for the queries and the loops (comparing with enum members costs an attribute
# look-up each time).
_ACTIVE = RecordStatus.ACTIVE.value
_NEGATIVE = Category.NEGATIVE.value
_POSITIVE = Category.POSITIVE.value
_SERIOUS = Severity.SERIOUS.value
_RED_LIST = ListKind.RED_LIST.value


def _memberships(records, *, items, departments) -> tuple[tuple[ListMembership, ...], bool]:
    """The lists one person is on from their active records of list items, and whether one of
    them is a red-list record."""
    grouped: dict[tuple[str, str, str], list[ListRecord]] = defaultdict(list)
    red = False
    for record_id, item_id, category, severity, decided_on, disputed, department_id in records:
        item = items[item_id]
        if category == _POSITIVE and _RED_LIST in item.lists:
            red = True
        record = ListRecord(
            record_id=record_id,
            item_code=item.code,
            item_name=item.name,
            department_code=departments[department_id],
            decided_on=_date(decided_on),
            disputed=bool(disputed),
        )
        keys = _list_keys(
            lists=item.lists,
            category=category,
            severity=severity,
            domain=item.domain,
            key_field=item.key_field,
        )
        for key in keys:
            grouped[key].append(record)
    memberships = tuple(
        ListMembership(kind=kind, domain=domain, key_field=key_field, records=tuple(found))
        for (kind, domain, key_field), found in sorted(
            grouped.items(), key=lambda entry: (_KIND_ORDER[entry[0][0]], entry[0][1:])
        )
    )
    return memberships, red


class MeasureCodes:
    """Applicable measure codes per combination of lists, asked of ``applicable_measures`` once
    per distinct combination (a batch has few of them)."""

    def __init__(self, *, matter: str, on: datetime.date) -> None:
        self.matter = matter
        self.on = on
        self.rules = rules_snapshot()
        self._cache: dict[tuple, tuple[str, ...]] = {}

    def codes(self, memberships: Iterable[ListMembership]) -> tuple[str, ...]:
        if not memberships:
            return ()
        signature = tuple(sorted({(m.kind, m.domain, m.key_field) for m in memberships}))
        if signature not in self._cache:
            bare = [
                ListMembership(kind=kind, domain=domain, key_field=key_field, records=())
                for kind, domain, key_field in signature
            ]
            found = measures.applicable_measures(
                memberships=bare, matter=self.matter, on=self.on, rules=self.rules
            )
            self._cache[signature] = tuple(measure.code for measure in found)
        return self._cache[signature]
