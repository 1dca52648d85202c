"""Reads of the measures app: lists, applicable measures, the green-channel rule (SPEC §6).

Pure reads, no audit: the callers (checks, profile queries) audit what they return. Every query
about one person is keyed by ``subject_index`` (the blind index), never by the ID number.

"As of" a past date ``on``: the file as it stood at the end of that day (Asia/Shanghai), read from
the record versions' system time: a version recorded on or before that moment and not superseded
by then, with status ``active`` and ``valid_from <= on < valid_to``. The item's lists, domain and
key field are those of the catalog version the record version was validated against.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from chengxin.catalog.choices import Category, ListKind, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.core.calendar import add_months
from chengxin.core.selectors import policy_value
from chengxin.measures.choices import Matter, MeasureStatus
from chengxin.measures.models import MeasureVersion
from chengxin.measures.snapshot import RulesSnapshot, rules_snapshot

LOOKBACK_POLICY = "green_channel.lookback_years"
COUNTS_REPAIRED_POLICY = "green_channel.counts_repaired"


@dataclass(frozen=True)
class ListRecord:
    """A record that puts the person on a list."""

    record_id: int
    item_code: str
    item_name: str
    department_code: str
    decided_on: datetime.date
    disputed: bool


@dataclass(frozen=True)
class ListMembership:
    kind: str
    domain: str
    key_field: str
    records: tuple[ListRecord, ...]


@dataclass(frozen=True)
class ApplicableMeasure:
    code: str
    name: str
    kind: str
    measure_type: str
    effect: str
    legal_basis: str
    departments: tuple[str, ...]
    version: int
    triggered_by: tuple[ListMembership, ...]


@dataclass(frozen=True)
class GreenChannelAnswer:
    eligible: bool
    known: bool
    reason: str
    reason_en: str
    facts: dict


@dataclass(frozen=True)
class _ActiveRecord:
    """An active record with the item attributes that decide its lists."""

    record: ListRecord
    subject_index: str
    category: str
    severity: str
    lists: tuple[str, ...]
    domain: str
    key_field: str


# --- Active records, now or as of a past day --------------------------------------------------


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` in the platform's time zone."""
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start) - datetime.timedelta(microseconds=1)


def _is_past(on: datetime.date | None) -> bool:
    return on is not None and on < timezone.localdate()


def _items_on_lists() -> dict[int, CatalogItem]:
    """Catalog items (current definition) that put a person on any list."""
    return rules_snapshot().items_on_lists


def _active_records_now(*, subject_index: str = "", item_ids=None) -> list[_ActiveRecord]:
    items = _items_on_lists() if item_ids is None else item_ids
    records = CreditRecord.objects.filter(status=RecordStatus.ACTIVE, item_id__in=list(items))
    if subject_index:
        records = records.filter(subject_index=subject_index)
    records = records.select_related("department").only(
        "pk",
        "item_id",
        "subject_index",
        "category",
        "severity",
        "decided_on",
        "disputed",
        "department__code",
    )
    return [_active_record(record, items[record.item_id]) for record in records.order_by("pk")]


def _active_record(record: CreditRecord, item: CatalogItem) -> _ActiveRecord:
    return _ActiveRecord(
        record=ListRecord(
            record_id=record.pk,
            item_code=item.code,
            item_name=item.name,
            department_code=record.department.code,
            decided_on=record.decided_on,
            disputed=record.disputed,
        ),
        subject_index=record.subject_index,
        category=record.category,
        severity=record.severity,
        lists=tuple(item.lists),
        domain=item.domain,
        key_field=item.key_field,
    )


def _active_records_as_of(*, on: datetime.date, subject_index: str = "") -> list[_ActiveRecord]:
    moment = end_of_day(on)
    versions = RecordVersion.objects.filter(
        recorded_at__lte=moment, status=RecordStatus.ACTIVE, valid_from__lte=on
    ).filter(
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment),
        Q(valid_to__isnull=True) | Q(valid_to__gt=on),
    )
    if subject_index:
        versions = versions.filter(subject_index=subject_index)
    versions = versions.select_related("record__department", "catalog_version").order_by(
        "record_id"
    )
    result = []
    for version in versions:
        snapshot = version.catalog_version.snapshot
        if not snapshot.get("lists"):
            continue
        record = version.record
        result.append(
            _ActiveRecord(
                record=ListRecord(
                    record_id=record.pk,
                    item_code=snapshot.get("code", ""),
                    item_name=snapshot.get("name", ""),
                    department_code=record.department.code,
                    decided_on=record.decided_on,
                    disputed=record.disputed,
                ),
                subject_index=version.subject_index,
                category=record.category,
                severity=record.severity,
                lists=tuple(snapshot.get("lists") or ()),
                domain=snapshot.get("domain") or "",
                key_field=snapshot.get("key_field") or "",
            )
        )
    return result


def _active_records(
    *, subject_index: str = "", on: datetime.date | None = None
) -> list[_ActiveRecord]:
    if _is_past(on):
        return _active_records_as_of(on=on, subject_index=subject_index)
    return _active_records_now(subject_index=subject_index)


def _list_keys(active: _ActiveRecord) -> list[tuple[str, str, str]]:
    """The (kind, domain, key_field) memberships one active record gives (SPEC §6)."""
    keys = []
    if ListKind.RED_LIST in active.lists and active.category == Category.POSITIVE:
        keys.append((ListKind.RED_LIST.value, "", ""))
    if active.category == Category.NEGATIVE and active.severity == Severity.SERIOUS:
        if ListKind.SERIOUS_DISHONESTY in active.lists:
            keys.append((ListKind.SERIOUS_DISHONESTY.value, active.domain, ""))
        if ListKind.KEY_SUPERVISION in active.lists and active.key_field:
            keys.append((ListKind.KEY_SUPERVISION.value, "", active.key_field))
    return keys


_KIND_ORDER = {kind: position for position, kind in enumerate(ListKind.values)}


def _memberships(actives: Iterable[_ActiveRecord]) -> list[ListMembership]:
    grouped: dict[tuple[str, str, str], list[ListRecord]] = defaultdict(list)
    for active in actives:
        for key in _list_keys(active):
            grouped[key].append(active.record)
    return [
        ListMembership(kind=kind, domain=domain, key_field=key_field, records=tuple(records))
        for (kind, domain, key_field), records in sorted(
            grouped.items(), key=lambda entry: (_KIND_ORDER[entry[0][0]], entry[0][1:])
        )
    ]


# --- Lists ---------------------------------------------------------------------------------------


def subject_lists(*, subject_index: str, on: datetime.date | None = None) -> list[ListMembership]:
    """The lists one person is on, from active records; ``on`` a past date answers the past."""
    if not subject_index:
        return []
    return _memberships(_active_records(subject_index=subject_index, on=on))


def _list_subjects(kind: str, *, on, domain: str = "", key_field: str = "") -> list[str]:
    subjects = set()
    for active in _active_records(on=on):
        for list_kind, list_domain, list_key_field in _list_keys(active):
            if list_kind != kind:
                continue
            if domain and list_domain != domain:
                continue
            if key_field and list_key_field != key_field:
                continue
            subjects.add(active.subject_index)
    return sorted(subjects)


def red_list(*, on: datetime.date | None = None) -> list[str]:
    """Subject indexes of the red list (active positive records of red-list items)."""
    return _list_subjects(ListKind.RED_LIST, on=on)


def serious_dishonesty_list(*, domain: str = "", on: datetime.date | None = None) -> list[str]:
    """Subject indexes of the serious dishonesty list, of one domain when ``domain`` is given."""
    return _list_subjects(ListKind.SERIOUS_DISHONESTY, on=on, domain=domain)


def key_supervision_list(*, on: datetime.date | None = None, key_field: str = "") -> list[str]:
    """Subject indexes of the key supervision list (the plan's six fields)."""
    return _list_subjects(ListKind.KEY_SUPERVISION, on=on, key_field=key_field)


# --- Measures ------------------------------------------------------------------------------------


def _measure_snapshots(
    on: datetime.date, rules: RulesSnapshot | None = None
) -> list[tuple[dict, int]]:
    """(snapshot, version number) of every measure active at ``on``: current measures for today
    or later, the versions in force at the end of a past day otherwise."""
    if not _is_past(on):
        return list((rules or rules_snapshot()).measures)
    latest: dict[int, MeasureVersion] = {}
    for version in MeasureVersion.objects.filter(created_at__lte=end_of_day(on)).order_by(
        "measure_id", "number"
    ):
        latest[version.measure_id] = version
    return [
        (version.snapshot, version.number)
        for version in latest.values()
        if version.snapshot.get("status") == MeasureStatus.ACTIVE
    ]


def trigger_matches(trigger: dict, membership: ListMembership) -> bool:
    """Whether a measure's trigger ``{"list", "domain", "key_field"}`` covers a membership."""
    if trigger.get("list") != membership.kind:
        return False
    if trigger.get("domain") and trigger["domain"] != membership.domain:
        return False
    return not (trigger.get("key_field") and trigger["key_field"] != membership.key_field)


def applicable_measures(
    *,
    memberships: list[ListMembership],
    matter: str,
    on: datetime.date,
    rules: RulesSnapshot | None = None,
) -> list[ApplicableMeasure]:
    """Active measures triggered by ``memberships`` that apply to ``matter``; by kind then code."""
    if not memberships:
        return []
    result = []
    for snapshot, number in _measure_snapshots(on, rules):
        matters = snapshot.get("matters") or []
        if matter not in matters and Matter.ALL not in matters:
            continue
        triggered = tuple(
            membership
            for membership in memberships
            if any(trigger_matches(trigger, membership) for trigger in snapshot["triggers"])
        )
        if not triggered:
            continue
        result.append(
            ApplicableMeasure(
                code=snapshot["code"],
                name=snapshot["name"],
                kind=snapshot["kind"],
                measure_type=snapshot["measure_type"],
                effect=snapshot["effect"],
                legal_basis=snapshot["legal_basis"],
                departments=tuple(snapshot["departments"]),
                version=number,
                triggered_by=triggered,
            )
        )
    return sorted(result, key=lambda measure: (measure.kind, measure.code))


def rules_version(*, rules: RulesSnapshot | None = None) -> dict:
    """A JSON-ready fingerprint of the rules in force, for receipts."""
    snapshot = rules or rules_snapshot()
    return {
        "measures": snapshot.measures_hash,
        "measure_count": snapshot.measure_count,
        "policies": {
            LOOKBACK_POLICY: policy_value(LOOKBACK_POLICY),
            COUNTS_REPAIRED_POLICY: policy_value(COUNTS_REPAIRED_POLICY),
        },
    }


# --- Green channel -------------------------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved back ``years`` calendar years (29 February becomes 28 February)."""
    return add_months(day, -12 * years)


def green_channel(*, subject_index: str, on: datetime.date) -> GreenChannelAnswer:
    """The plan's built-in green-channel rule (SPEC §6), with its reason in Chinese and English.

    Eligible when the person has an active red-list record, or has no negative record decided in
    the ``N`` years before ``on`` (``window_start < decided_on <= on``; expired records count,
    revoked never, repaired per policy) and the earliest ``decided_on`` of any record about the
    person (revoked ones excepted) is on or before ``window_start``. An active serious record
    always excludes. ``N`` is the policy ``green_channel.lookback_years``.
    """
    history = list(
        CreditRecord.objects.filter(subject_index=subject_index, decided_on__lte=on)
        .exclude(status=RecordStatus.REVOKED)
        .values("pk", "category", "severity", "status", "decided_on")
        if subject_index
        else []
    )
    actives = _active_records(subject_index=subject_index, on=on) if subject_index else []
    serious_ids = _active_serious_ids(subject_index=subject_index, on=on)
    return _green_channel_answer(on=on, history=history, actives=actives, serious_ids=serious_ids)


def _green_channel_answer(
    *, on: datetime.date, history: list[dict], actives: list[_ActiveRecord], serious_ids
) -> GreenChannelAnswer:
    """The rule applied to the person's records: ``history`` (not revoked, decided on or
    before ``on``), ``actives`` (active records of items on lists) and ``serious_ids``."""
    lookback = int(policy_value(LOOKBACK_POLICY))
    counts_repaired = bool(policy_value(COUNTS_REPAIRED_POLICY))
    window_start = years_before(on, lookback)
    excluded_statuses = set() if counts_repaired else {RecordStatus.REPAIRED.value}
    negatives = sorted(
        (
            row
            for row in history
            if row["category"] == Category.NEGATIVE
            and row["decided_on"] > window_start
            and row["status"] not in excluded_statuses
        ),
        key=lambda row: (row["decided_on"], row["pk"]),
    )
    earliest = min((row["decided_on"] for row in history), default=None)
    red_ids = sorted(
        active.record.record_id
        for active in actives
        if active.category == Category.POSITIVE and ListKind.RED_LIST in active.lists
    )
    facts: dict[str, Any] = {
        "lookback_years": lookback,
        "counts_repaired": counts_repaired,
        "on": on.isoformat(),
        "window_start": window_start.isoformat(),
        "earliest_decided_on": earliest.isoformat() if earliest else None,
        "negative_record_ids": [row["pk"] for row in negatives],
        "red_list_record_ids": red_ids,
        "serious_record_ids": serious_ids,
    }
    known = earliest is not None
    eligible, reason, reason_en = _decide(
        known=known,
        lookback=lookback,
        on=on,
        window_start=window_start,
        earliest=earliest,
        negatives=negatives,
        red_ids=red_ids,
        serious_ids=serious_ids,
    )
    return GreenChannelAnswer(
        eligible=eligible, known=known, reason=reason, reason_en=reason_en, facts=facts
    )


@dataclass(frozen=True)
class CheckFacts:
    """What a check of one person reads: the lists and the green-channel answer."""

    memberships: list[ListMembership]
    green_channel: GreenChannelAnswer


def subject_check_facts(
    *, subject_index: str, on: datetime.date, rules: RulesSnapshot | None = None
) -> CheckFacts:
    """``subject_lists`` (now, or as of ``on`` when it is past) and ``green_channel`` on ``on``
    of one person, with the same answers; for today or a later day from one query of the
    person's records instead of five."""
    if not subject_index or _is_past(on):
        return CheckFacts(
            memberships=subject_lists(subject_index=subject_index, on=on if _is_past(on) else None),
            green_channel=green_channel(subject_index=subject_index, on=on),
        )
    items = (rules or rules_snapshot()).items_on_lists
    records = list(
        CreditRecord.objects.filter(subject_index=subject_index)
        .exclude(status=RecordStatus.REVOKED)
        .select_related("department")
        .only(
            "pk",
            "item_id",
            "subject_index",
            "status",
            "category",
            "severity",
            "decided_on",
            "disputed",
            "department__code",
        )
        .order_by("pk")
    )
    active = [record for record in records if record.status == RecordStatus.ACTIVE]
    actives = [
        _active_record(record, items[record.item_id])
        for record in active
        if record.item_id in items
    ]
    serious_ids = sorted(
        record.pk
        for record in active
        if record.category == Category.NEGATIVE and record.severity == Severity.SERIOUS
    )
    history = [
        {
            "pk": record.pk,
            "category": record.category,
            "severity": record.severity,
            "status": record.status,
            "decided_on": record.decided_on,
        }
        for record in records
        if record.decided_on <= on
    ]
    return CheckFacts(
        memberships=_memberships(actives),
        green_channel=_green_channel_answer(
            on=on, history=history, actives=actives, serious_ids=serious_ids
        ),
    )


def _active_serious_ids(*, subject_index: str, on: datetime.date) -> list[int]:
    """Active serious negative records of one person (of any item, on a list or not)."""
    if not subject_index:
        return []
    if _is_past(on):
        moment = end_of_day(on)
        versions = RecordVersion.objects.filter(
            subject_index=subject_index,
            recorded_at__lte=moment,
            status=RecordStatus.ACTIVE,
            valid_from__lte=on,
            record__category=Category.NEGATIVE,
            record__severity=Severity.SERIOUS,
        ).filter(
            Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment),
            Q(valid_to__isnull=True) | Q(valid_to__gt=on),
        )
        return sorted(set(versions.values_list("record_id", flat=True)))
    return sorted(
        CreditRecord.objects.filter(
            subject_index=subject_index,
            status=RecordStatus.ACTIVE,
            category=Category.NEGATIVE,
            severity=Severity.SERIOUS,
        ).values_list("pk", flat=True)
    )


def _decide(
    *, known, lookback, on, window_start, earliest, negatives, red_ids, serious_ids
) -> tuple[bool, str, str]:
    day = on.isoformat()
    if not known:
        return (
            False,
            f"截至{day}，平台没有该人的任何信用记录，无法认定其连续{lookback}年无不良记录；"
            "这不是失信结论，可按一般程序办理。",
            f"As of {day} the platform holds no record about this person, so {lookback} years "
            "without a negative record cannot be established; this is not a finding of "
            "dishonesty and the ordinary procedure applies.",
        )
    if serious_ids:
        return (
            False,
            f"截至{day}，该人有{len(serious_ids)}条有效的严重失信记录，"
            "不适用“绿色通道”和“容缺受理”。",
            f"As of {day} the person has {len(serious_ids)} active serious negative record(s), "
            "which always excludes the green channel.",
        )
    if red_ids:
        return (
            True,
            f"截至{day}，该人有{len(red_ids)}条有效的守信红名单记录，"
            "可享受“绿色通道”和“容缺受理”。",
            f"As of {day} the person has {len(red_ids)} active red-list record(s) and is "
            "eligible for the green channel.",
        )
    start = window_start.isoformat()
    if negatives:
        latest = negatives[-1]["decided_on"].isoformat()
        return (
            False,
            f"{start}至{day}的{lookback}年内，该人有{len(negatives)}条失信记录"
            f"（最近一条决定于{latest}），不满足连续{lookback}年无不良记录的条件。",
            f"Between {start} and {day} the person has {len(negatives)} negative record(s) "
            f"(the latest decided on {latest}); {lookback} years without a negative record "
            "are not met.",
        )
    first = earliest.isoformat()
    if earliest > window_start:
        return (
            False,
            f"该人{start}至{day}的{lookback}年内无失信记录，但平台最早的记录决定于{first}，"
            f"距核查日不满{lookback}年，尚不能认定连续{lookback}年无不良记录。",
            f"The person has no negative record between {start} and {day}, but the earliest "
            f"record on the platform was decided on {first}, less than {lookback} years before "
            "the check date.",
        )
    return (
        True,
        f"该人{start}至{day}的{lookback}年内无失信记录，平台最早的记录决定于{first}，"
        f"已满{lookback}年，可享受“绿色通道”和“容缺受理”。",
        f"The person has no negative record between {start} and {day} and the earliest record "
        f"on the platform was decided on {first}, at least {lookback} years before; eligible "
        "for the green channel.",
    )
