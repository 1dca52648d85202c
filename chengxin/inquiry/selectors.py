"""Reads of the inquiry app: purposes, what a query may return, query history, issued reports.

What a department may see of a person's file (SPEC §3, §7): active records of items disclosed
``public`` or ``shared``, and of ``consent`` items only while the person's recorded consent for that
department and purpose is valid. The person themself sees every active record of their file.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.catalog.choices import Category, Disclosure, Severity
from chengxin.collection.choices import RecordStatus
from chengxin.collection.selectors import subject_records_as_of
from chengxin.core.errors import NotFoundError
from chengxin.core.verification import (  # noqa: F401 (the names inquiry has always offered)
    VERIFICATION_ALPHABET,
    VERIFICATION_CODE_LENGTH,
    normalised_verification_code,
    verification_code_is_well_formed,
)
from chengxin.dueprocess.objections.selectors import StatementView, record_statements
from chengxin.inquiry import error_codes
from chengxin.inquiry.models import Consent, CreditReport, ProfileQuery, QueryPurpose

SHARED_DISCLOSURES = (Disclosure.PUBLIC, Disclosure.SHARED)
CATEGORY_ORDER = (Category.BASIC, Category.POSITIVE, Category.NEGATIVE, Category.OTHER)


@dataclass(frozen=True)
class RecordView:
    """One record as a query or a report shows it: what it is, why it is there, its dates."""

    record_id: int
    item_code: str
    item_name: str
    category: str
    severity: str
    disclosure: str
    legal_basis: str
    provider_code: str
    provider_name: str
    authority: str
    document_no: str
    decided_on: datetime.date
    status: str
    disputed: bool
    repairable_from: datetime.date | None
    disclosure_ends_on: datetime.date | None
    valid_until: datetime.date | None
    # The person's statement (异议声明) on the record, which travels with it (docs/dueprocess.md).
    statement: str = ""

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label) if self.severity else ""


@dataclass(frozen=True)
class QueryHistoryEntry:
    """One look at a person's file by a department (the officer is withheld, SPEC §7)."""

    at: datetime.datetime
    department_code: str
    department_name: str
    purpose_code: str
    purpose_name: str
    case_no: str
    kind: str  # "query" or "report"


def purposes_for(*, user) -> list[QueryPurpose]:
    """The active purposes ``user``'s role may state, ordered by code."""
    role = getattr(user, "role", "")
    return [
        purpose for purpose in QueryPurpose.objects.filter(is_active=True) if role in purpose.roles
    ]


def purpose_by_code(code: str) -> QueryPurpose | None:
    """The active purpose with ``code``, or ``None``."""
    return QueryPurpose.objects.filter(code=code, is_active=True).first()


def consents_in_force(*, subject_index: str, on: datetime.date, **grantee):
    """The person's consents to one grantee (``department_id=…`` or ``agency_id=…``) that are in
    force on ``on``: started, not ended, not revoked."""
    return Consent.objects.filter(
        subject_index=subject_index,
        valid_from__lte=on,
        valid_until__gte=on,
        revoked_at__isnull=True,
        **grantee,
    )


@dataclass(frozen=True)
class ConsentScope:
    """What the consents in force open: every item they may (``everything``) or the items with
    these ids; ``consent_ids`` are the consents it rests on, oldest first."""

    everything: bool
    item_ids: frozenset[int]
    consent_ids: tuple[int, ...]

    def covers(self, item_id: int) -> bool:
        return self.everything or item_id in self.item_ids


def consent_scope(consents) -> ConsentScope | None:
    """The union of the scopes of ``consents`` (a queryset), or ``None`` when there is none.
    Two queries."""
    found = list(consents.order_by("pk").values_list("pk", "scope_all"))
    if not found:
        return None
    narrow = [pk for pk, scope_all in found if not scope_all]
    items = Consent.items.through.objects.filter(consent_id__in=narrow)
    return ConsentScope(
        everything=any(scope_all for _pk, scope_all in found),
        item_ids=frozenset(items.values_list("catalogitem_id", flat=True))
        if narrow
        else frozenset(),
        consent_ids=tuple(pk for pk, _scope_all in found),
    )


def consent_is_valid(
    *, subject_index: str, department_id: int, purpose: QueryPurpose, on: datetime.date
) -> bool:
    """Whether the person has a consent in force for ``department`` reading their consent items
    for ``purpose`` on ``on`` (not revoked, within its period)."""
    return (
        consents_in_force(subject_index=subject_index, on=on, department_id=department_id)
        .filter(purpose=purpose)
        .exists()
    )


def department_consent_scope(
    *, subject_index: str, department_id: int, purpose: QueryPurpose, on: datetime.date
) -> ConsentScope | None:
    """What the person's consents in force let ``department`` read for ``purpose``."""
    consents = consents_in_force(
        subject_index=subject_index, on=on, department_id=department_id
    ).filter(purpose=purpose)
    return consent_scope(consents)


def records_visible(
    *,
    subject_index: str,
    include_consent_items: bool,
    moment: datetime.datetime | None = None,
    consent_item_ids: frozenset[int] | None = None,
) -> list[RecordView]:
    """The person's active records a reader may see: items disclosed public or shared, and
    consent items when ``include_consent_items`` (only those in ``consent_item_ids`` when it is
    given), each with the person's statement if one is attached. Ordered by category, decision
    date (newest first) and record id. Three queries whatever the number of records."""
    readable = Q(record__item__disclosure__in=SHARED_DISCLOSURES)
    if include_consent_items:
        consented = Q(record__item__disclosure=Disclosure.CONSENT)
        if consent_item_ids is not None:
            consented &= Q(record__item_id__in=consent_item_ids)
        readable |= consented
    return _views_of(subject_index=subject_index, readable=readable, moment=moment)


def records_for_agency(*, subject_index: str, scope: ConsentScope) -> list[RecordView]:
    """The person's active records a credit agency may read under ``scope``: items disclosed
    ``public`` or ``consent`` (never ``shared``, which is for government bodies), within the
    scope. Three queries."""
    readable = Q(record__item__disclosure__in=(Disclosure.PUBLIC, Disclosure.CONSENT))
    if not scope.everything:
        readable &= Q(record__item_id__in=scope.item_ids)
    return _views_of(subject_index=subject_index, readable=readable)


def _views_of(*, subject_index: str, readable: Q, moment=None) -> list[RecordView]:
    moment = moment or timezone.now()
    versions = (
        subject_records_as_of(subject_index=subject_index, moment=moment)
        .filter(readable, record__status=RecordStatus.ACTIVE)
        .select_related("record__item", "record__department")
    )
    versions = list(versions)
    statements = record_statements(version.record_id for version in versions)
    views = [_record_view(version, statements.get(version.record_id)) for version in versions]
    order = {category: position for position, category in enumerate(CATEGORY_ORDER)}
    views.sort(key=lambda view: (order.get(view.category, 99), -view.decided_on.toordinal()))
    return views


def _record_view(version, statement: StatementView | None = None) -> RecordView:
    record = version.record
    values = version.values or {}
    return RecordView(
        record_id=record.pk,
        item_code=record.item.code,
        item_name=record.item.name,
        category=record.category,
        severity=record.severity,
        disclosure=record.item.disclosure,
        legal_basis=record.item.legal_basis,
        provider_code=record.department.code,
        provider_name=record.department.name,
        authority=str(values.get("authority", "")),
        document_no=str(values.get("document_no", "")),
        decided_on=record.decided_on,
        status=record.status,
        disputed=record.disputed,
        repairable_from=record.repairable_from,
        disclosure_ends_on=record.disclosure_ends_on,
        valid_until=record.valid_until,
        statement=statement.text if statement is not None else "",
    )


def category_counts(records: list[RecordView]) -> dict[str, int]:
    """How many records of each category (every category named, zeros included)."""
    return {
        category: sum(record.category == category for record in records)
        for category in CATEGORY_ORDER
    }


def query_history(
    *, subject_index: str, since: datetime.datetime, exclude_report_id: int | None = None
) -> list[QueryHistoryEntry]:
    """Every officer query of the person's file and every report an officer had issued about the
    person since ``since``, newest first. Self-service reports are not queries by others."""
    queries = ProfileQuery.objects.filter(
        subject_index=subject_index, created_at__gte=since
    ).select_related("department", "purpose")
    reports = (
        CreditReport.objects.filter(subject_index=subject_index, issued_at__gte=since)
        .filter(self_service=False)
        .exclude(Q(pk=exclude_report_id) if exclude_report_id else Q(pk__in=[]))
        .select_related("department", "purpose")
    )
    entries = [_history_entry(query, at=query.created_at, kind="query") for query in queries]
    entries += [_history_entry(report, at=report.issued_at, kind="report") for report in reports]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _history_entry(row, *, at: datetime.datetime, kind: str) -> QueryHistoryEntry:
    department = row.department
    return QueryHistoryEntry(
        at=at,
        department_code=department.code if department is not None else "",
        department_name=department.name if department is not None else "",
        purpose_code=row.purpose.code,
        purpose_name=row.purpose.name,
        case_no=row.case_no,
        kind=kind,
    )


def report_by_verification_code(code: str) -> CreditReport:
    """The report with verification ``code``; ``NotFoundError`` otherwise. For anyone: callers
    show only the masked summary (``verification_summary``)."""
    normalised = normalised_verification_code(code)
    report = (
        CreditReport.objects.filter(verification_code=normalised)
        .select_related("purpose", "department")
        .first()
        if normalised
        else None
    )
    if report is None:
        raise NotFoundError(
            error_codes.VERIFICATION_CODE_UNKNOWN,
            _("没有与该验证码对应的信用报告。"),
            "No credit report has this verification code.",
        )
    return report


def report_get_for_requester(*, user, number: str) -> CreditReport:
    """The report numbered ``number`` if ``user`` requested it; ``NotFoundError`` otherwise (the
    existence of another person's report is not revealed)."""
    report = None
    if user is not None and getattr(user, "is_authenticated", False) and user.is_active:
        report = (
            CreditReport.objects.filter(number=number, requested_by=user)
            .select_related("purpose", "department")
            .first()
        )
    if report is None:
        raise NotFoundError(
            error_codes.REPORT_NOT_FOUND,
            _("未找到该信用报告。"),
            "The credit report was not found.",
        )
    return report


def verification_summary(report: CreditReport) -> dict:
    """What anyone holding the verification code may see: number, time, hashes and a masked
    summary as issued (name and number masked for the public, counts per category)."""
    content = report.content
    return {
        "number": report.number,
        "issued_at": report.issued_at,
        "content_hash": report.content_hash,
        "pdf_hash": report.pdf_hash,
        "hash_algorithm": report.hash_algorithm,
        "self_service": report.self_service,
        "purpose": content["purpose"]["name"],
        "name_masked": content["identity"]["name_masked"],
        "id_masked": content["identity"]["id_masked"],
        "counts": content["counts"],
    }
