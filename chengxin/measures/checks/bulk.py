"""Set-based reads for batch checks: the lists and the green-channel eligibility of many people
in a few queries, keyed by blind index.

``chengxin.measures.selectors`` answers one person at a time (``subject_lists``,
``green_channel``); a batch of 100,000 people cannot afford that. These helpers read the
collection's ``CreditRecord`` directly, in chunks of blind indexes, and apply the same rules
(SPEC §6, the docstrings of ``measures.selectors``); the tests compare them with the per-person
selectors. They answer "now" only (a batch is always checked on the day it runs).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from chengxin.catalog.choices import Category, ListKind, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core.selectors import policy_value
from chengxin.measures import selectors as measures
from chengxin.measures.selectors import ListMembership, ListRecord

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
    """Lists (from active records) and green-channel eligibility of every index, by index, in one
    query per chunk of ``CHUNK`` indexes (plus one for the catalog items)."""
    wanted = sorted(set(indexes))
    items = {
        item.pk: item
        for item in CatalogItem.objects.only("pk", "code", "name", "lists", "domain", "key_field")
    }
    lookback = int(policy_value(measures.LOOKBACK_POLICY))
    counts_repaired = bool(policy_value(measures.COUNTS_REPAIRED_POLICY))
    window_start = measures.years_before(on, lookback)
    facts: dict[str, PersonFacts] = {}
    for chunk in chunked(wanted):
        rows = (
            CreditRecord.objects.filter(subject_index__in=list(chunk))
            .exclude(status=RecordStatus.REVOKED)
            .order_by("pk")
            .values_list(
                "pk",
                "subject_index",
                "item_id",
                "status",
                "category",
                "severity",
                "decided_on",
                "disputed",
                "department__code",
            )
        )
        per_person: dict[str, list[tuple]] = defaultdict(list)
        for row in rows:
            per_person[row[1]].append(row)
        for index, records in per_person.items():
            facts[index] = _person(
                records,
                items=items,
                on=on,
                window_start=window_start,
                counts_repaired=counts_repaired,
            )
    empty = PersonFacts(known=False, memberships=(), green_channel=False)
    return {index: facts.get(index, empty) for index in wanted}


def _person(records, *, items, on, window_start, counts_repaired) -> PersonFacts:
    grouped: dict[tuple[str, str, str], list[ListRecord]] = defaultdict(list)
    serious = red = negative_in_window = False
    earliest = None
    for pk, _index, item_id, status, category, severity, decided_on, disputed, dept in records:
        item = items[item_id]
        if status == RecordStatus.ACTIVE:
            if category == Category.NEGATIVE and severity == Severity.SERIOUS:
                serious = True
            if item.lists:
                if category == Category.POSITIVE and ListKind.RED_LIST in item.lists:
                    red = True
                keys = _list_keys(
                    lists=item.lists,
                    category=category,
                    severity=severity,
                    domain=item.domain,
                    key_field=item.key_field,
                )
                record = ListRecord(
                    record_id=pk,
                    item_code=item.code,
                    item_name=item.name,
                    department_code=dept,
                    decided_on=decided_on,
                    disputed=disputed,
                )
                for key in keys:
                    grouped[key].append(record)
        if decided_on > on:
            continue
        earliest = decided_on if earliest is None else min(earliest, decided_on)
        if (
            category == Category.NEGATIVE
            and decided_on > window_start
            and (counts_repaired or status != RecordStatus.REPAIRED)
        ):
            negative_in_window = True
    memberships = tuple(
        ListMembership(kind=kind, domain=domain, key_field=key_field, records=tuple(found))
        for (kind, domain, key_field), found in sorted(
            grouped.items(), key=lambda entry: (_KIND_ORDER[entry[0][0]], entry[0][1:])
        )
    )
    known = earliest is not None
    if not known or serious:
        eligible = False
    elif red:
        eligible = True
    else:
        eligible = not negative_in_window and earliest <= window_start
    return PersonFacts(known=known, memberships=memberships, green_channel=eligible)


class MeasureCodes:
    """Applicable measure codes per combination of lists, asked of ``applicable_measures`` once
    per distinct combination (a batch has few of them)."""

    def __init__(self, *, matter: str, on: datetime.date) -> None:
        self.matter = matter
        self.on = on
        self._cache: dict[tuple, tuple[str, ...]] = {}

    def codes(self, memberships: Iterable[ListMembership]) -> tuple[str, ...]:
        signature = tuple(sorted({(m.kind, m.domain, m.key_field) for m in memberships}))
        if not signature:
            return ()
        if signature not in self._cache:
            bare = [
                ListMembership(kind=kind, domain=domain, key_field=key_field, records=())
                for kind, domain, key_field in signature
            ]
            found = measures.applicable_measures(memberships=bare, matter=self.matter, on=self.on)
            self._cache[signature] = tuple(measure.code for measure in found)
        return self._cache[signature]
