"""The answer of a check as JSON: lists, measures with their triggering records and legal basis,
the green-channel answer, disputed flags and the person's statements; the catalog fingerprint named in receipts; and the
request as it leaves the platform."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from chengxin.catalog.choices import ListKind
from chengxin.dueprocess.objections.selectors import StatementView
from chengxin.measures.choices import Matter, MeasureKind
from chengxin.measures.selectors import ApplicableMeasure, GreenChannelAnswer, ListMembership
from chengxin.measures.snapshot import RulesSnapshot, rules_snapshot

# Checks stored before the request left out the person's blind index still carry it, and their
# receipts sign it: it stays stored (``selectors.check_receipt_verify`` uses it) but is never shown.
WITHHELD_REQUEST_FIELDS = frozenset({"subject_index"})


def request_as_shown(request: Mapping[str, Any]) -> dict[str, Any]:
    """A check's stored request as API answers, downloads and the command line give it: the masked
    number and the platform's own ids, without a blind index."""
    return {name: value for name, value in request.items() if name not in WITHHELD_REQUEST_FIELDS}


def catalog_fingerprint(*, rules: RulesSnapshot | None = None) -> str:
    """SHA-256 over (item code, current version number) of every active catalog item: which
    catalog definitions decided the lists at the time of the check (``measures.snapshot``)."""
    return (rules or rules_snapshot()).catalog_fingerprint


def membership_json(
    membership: ListMembership, statements: Mapping[int, StatementView] | None = None
) -> dict[str, Any]:
    statements = statements or {}
    return {
        "kind": membership.kind,
        "kind_name": str(ListKind(membership.kind).label),
        "domain": membership.domain,
        "key_field": membership.key_field,
        "records": [
            {
                "record_id": record.record_id,
                "item_code": record.item_code,
                "item_name": record.item_name,
                "department_code": record.department_code,
                "decided_on": record.decided_on.isoformat(),
                "disputed": record.disputed,
                "statement": _statement_text(statements.get(record.record_id)),
            }
            for record in membership.records
        ],
    }


def _statement_text(statement: StatementView | None) -> str | None:
    return statement.text if statement is not None else None


def statements_json(
    memberships: Iterable[ListMembership], statements: Mapping[int, StatementView]
) -> list[dict[str, Any]]:
    """The person's statements (异议声明) on the records of the answer, by record id: they
    travel with the record (docs/dueprocess.md)."""
    ids = sorted({record.record_id for membership in memberships for record in membership.records})
    return [
        {
            "record_id": record_id,
            "text": statements[record_id].text,
            "made_on": statements[record_id].made_on.isoformat(),
        }
        for record_id in ids
        if record_id in statements
    ]


def measure_json(measure: ApplicableMeasure) -> dict[str, Any]:
    return {
        "code": measure.code,
        "name": measure.name,
        "kind": measure.kind,
        "kind_name": str(MeasureKind(measure.kind).label),
        "measure_type": measure.measure_type,
        "effect": measure.effect,
        "legal_basis": measure.legal_basis,
        "departments": list(measure.departments),
        "version": measure.version,
        "triggered_by": [
            {
                "kind": membership.kind,
                "domain": membership.domain,
                "key_field": membership.key_field,
                "record_ids": [record.record_id for record in membership.records],
            }
            for membership in measure.triggered_by
        ],
    }


def disputed_record_ids(memberships: Iterable[ListMembership]) -> list[int]:
    return sorted(
        {
            record.record_id
            for membership in memberships
            for record in membership.records
            if record.disputed
        }
    )


def answer_build(
    *,
    check_id: str,
    matter: str,
    checked_on: datetime.date,
    known: bool,
    memberships: list[ListMembership],
    applicable: list[ApplicableMeasure],
    green: GreenChannelAnswer,
    statements: Mapping[int, StatementView] | None = None,
) -> dict[str, Any]:
    """The JSON answer of one check (what the receipt's ``answer_hash`` covers); ``statements``
    the current statements of the records on the lists (``objections.selectors``)."""
    statements = statements or {}
    disputed = disputed_record_ids(memberships)
    if not known:
        summary = _("平台没有该人的信用记录。")
    elif not memberships:
        summary = _("该人不在红名单、严重失信主体名单或重点监管对象名单上。")
    else:
        summary = _("该人在%(count)d个名单上，适用%(measures)d项措施。") % {
            "count": len(memberships),
            "measures": len(applicable),
        }
    return {
        "check_id": check_id,
        "matter": matter,
        "matter_name": str(Matter(matter).label),
        "checked_on": checked_on.isoformat(),
        "known": known,
        "summary": summary,
        "lists": [membership_json(membership, statements) for membership in memberships],
        "measures": [measure_json(measure) for measure in applicable],
        "green_channel": {
            "eligible": green.eligible,
            "known": green.known,
            "reason": green.reason,
            "reason_en": green.reason_en,
            "facts": green.facts,
        },
        "disputed": bool(disputed),
        "disputed_record_ids": disputed,
        "statements": statements_json(memberships, statements),
    }
