"""Reads of who looked at the person's file (docs/citizens.md): the person's list of lookups and one
lookup, keyed by the blind index of their confirmed account, with law-enforcement lookups shown
only after their deferral."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.core.errors import NotFoundError
from chengxin.core.selectors import policy_value
from chengxin.dueprocess.myfile import error_codes
from chengxin.dueprocess.myfile.choices import (
    LAW_ENFORCEMENT_PURPOSES,
    AccessKind,
)
from chengxin.dueprocess.myfile.limits import LOOKUPS_PAGE_SIZE
from chengxin.dueprocess.myfile.models import AccessChallenge
from chengxin.dueprocess.myfile.policies import LAW_ENFORCEMENT_DEFERRAL_DAYS
from chengxin.education.choices import SchoolDecision
from chengxin.education.models import CampusFileAccess
from chengxin.inquiry.models import CreditReport, ProfileQuery, QueryPurpose
from chengxin.measures.checks.models import BatchCheckSubject, Check
from chengxin.measures.choices import Matter
from chengxin.supervision.models import AgencyQuery


@dataclass(frozen=True)
class Lookup:
    """One look at the person's file by a department (the officer is withheld, SPEC §7)."""

    kind: str
    access_id: str
    at: datetime.datetime
    department: Department | None
    purpose: str
    case_no: str
    challenge: AccessChallenge | None = None
    # A credit agency's query (kind ``agency``): the agency, and the refusal code when the
    # platform refused it (the agency then received nothing).
    agency_name: str = ""
    refusal: str = ""

    @property
    def kind_label(self) -> str:
        return str(AccessKind(self.kind).label)


def deferral_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Law-enforcement queries made after this moment are not shown to the person yet."""
    days = int(policy_value(LAW_ENFORCEMENT_DEFERRAL_DAYS.name))
    return (now or timezone.now()) - datetime.timedelta(days=days)


def _lookups_queryset(subject_index: str, *, now: datetime.datetime) -> QuerySet:
    """Every look at the person's file as one ``UNION ALL`` of the officer queries, the reports
    others had issued, the checks and the batch checks that included the person, each row (kind, id, at, department, purpose, matter,
    case number), newest first: the database orders and pages it."""
    deferred = Q(purpose__code__in=LAW_ENFORCEMENT_PURPOSES, **{"at__gt": deferral_cutoff(now)})
    columns = ("kind", "access_id", "at", "department_id", "purpose_code", "look_matter", "case_no")
    queries = (
        ProfileQuery.objects.filter(subject_index=subject_index)
        .annotate(
            kind=Value(AccessKind.QUERY.value, output_field=CharField()),
            access_id=Cast("pk", CharField()),
            at=F("created_at"),
            purpose_code=F("purpose__code"),
            look_matter=Value("", output_field=CharField()),
        )
        .exclude(deferred)
        .order_by()
        .values_list(*columns)
    )
    reports = (
        CreditReport.objects.filter(subject_index=subject_index, self_service=False)
        .annotate(
            kind=Value(AccessKind.REPORT.value, output_field=CharField()),
            access_id=Cast("pk", CharField()),
            at=F("issued_at"),
            purpose_code=F("purpose__code"),
            look_matter=Value("", output_field=CharField()),
        )
        .exclude(deferred)
        .order_by()
        .values_list(*columns)
    )
    checks = (
        Check.objects.filter(subject_index=subject_index, department__isnull=False)
        .annotate(
            kind=Value(AccessKind.CHECK.value, output_field=CharField()),
            access_id=Cast("pk", CharField()),
            at=F("created_at"),
            purpose_code=F("purpose"),
            look_matter=F("matter"),
        )
        .order_by()
        .values_list(*columns)
    )
    batches = (
        BatchCheckSubject.objects.filter(
            subject_index=subject_index, batch__department__isnull=False
        )
        .annotate(
            kind=Value(AccessKind.BATCH.value, output_field=CharField()),
            access_id=Cast("batch_id", CharField()),
            at=F("checked_at"),
            department_id=F("batch__department_id"),
            purpose_code=F("batch__purpose"),
            look_matter=F("batch__matter"),
            case_no=F("batch__case_no"),
        )
        .order_by()
        .values_list(*columns)
    )
    campus = (
        CampusFileAccess.objects.filter(subject_index=subject_index)
        .annotate(
            kind=Value(AccessKind.CAMPUS.value, output_field=CharField()),
            access_id=Cast("pk", CharField()),
            at=F("created_at"),
            purpose_code=F("decision"),
            look_matter=F("school__name"),
        )
        .order_by()
        .values_list(*columns)
    )
    agencies = (
        AgencyQuery.objects.filter(subject_index=subject_index)
        .annotate(
            kind=Value(AccessKind.AGENCY.value, output_field=CharField()),
            access_id=Cast("pk", CharField()),
            at=F("created_at"),
            department_id=Value(None, output_field=IntegerField()),
            look_matter=Value("", output_field=CharField()),
            case_no=Value("", output_field=CharField()),
        )
        .order_by()
        .values_list(*columns)
    )
    return queries.union(reports, checks, batches, campus, agencies, all=True).order_by(
        "-at", "-access_id"
    )


@dataclass(frozen=True)
class LookupPage:
    page: Page
    rows: list[Lookup]


def lookups_of(*, account, page: int | str = 1, now: datetime.datetime | None = None) -> LookupPage:
    """One page of every look at the account's person's file, newest first: officer queries,
    reports issued to departments, checks, batch checks and credit agencies' queries, answered
    or refused (the person's own reports are not looks by others). Queries for law
    enforcement appear once the deferral period has passed. Three queries a page whatever its size: the count, the page, its departments and purposes (and
    the challenges of its rows, and the agencies of its agency queries)."""
    now = now or timezone.now()
    paginator = Paginator(_lookups_queryset(account.subject_index, now=now), LOOKUPS_PAGE_SIZE)
    current = paginator.get_page(page)
    raw = list(current.object_list)
    departments = Department.objects.in_bulk({row[3] for row in raw if row[3]})
    purposes = dict(
        QueryPurpose.objects.filter(
            code__in={row[4] for row in raw if row[0] not in (*UUID_KINDS, AccessKind.CAMPUS)}
        ).values_list("code", "name")
    )
    challenges = _challenges_of_rows(account.subject_index, raw)
    agency_queries = _agency_queries_of_rows(raw)
    rows = [
        Lookup(
            kind=kind,
            access_id=_access_id(kind, access_id),
            at=at,
            department=departments.get(department_id),
            purpose=_purpose_text(kind, purpose, matter, purposes),
            case_no=case_no,
            challenge=challenges.get((kind, _access_id(kind, access_id))),
            **agency_queries.get((kind, str(access_id)), {}),
        )
        for kind, access_id, at, department_id, purpose, matter, case_no in raw
    ]
    return LookupPage(page=current, rows=rows)


UUID_KINDS = (AccessKind.CHECK, AccessKind.BATCH)


def _agency_queries_of_rows(raw) -> dict[tuple[str, str], dict[str, str]]:
    """The agency and the outcome of the page's agency queries (one query, none without)."""
    ids = [int(row[1]) for row in raw if row[0] == AccessKind.AGENCY]
    if not ids:
        return {}
    found = AgencyQuery.objects.filter(pk__in=ids).select_related("agency")
    return {(AccessKind.AGENCY.value, str(query.pk)): _agency_fields(query) for query in found}


def _agency_fields(query: AgencyQuery) -> dict[str, str]:
    return {"agency_name": query.agency.name, "refusal": query.refusal}


def _access_id(kind: str, access_id) -> str:
    """A check's id as one spelling (SQLite casts a UUID without dashes, PostgreSQL with)."""
    return str(uuid.UUID(str(access_id))) if kind in UUID_KINDS else str(access_id)


def _purpose_text(kind: str, purpose: str, matter: str, purposes: dict[str, str]) -> str:
    if kind == AccessKind.CAMPUS:
        label = SchoolDecision(purpose).label if purpose in SchoolDecision.values else purpose
        return _("校园诚信档案：%(decision)s（%(school)s）") % {"decision": label, "school": matter}
    if kind in UUID_KINDS:
        label = Matter(matter).label if matter in Matter.values else matter
        return f"{label}：{purpose}" if purpose else str(label)
    return purposes.get(purpose, purpose)


def _challenges_of_rows(subject_index: str, raw) -> dict[tuple[str, str], AccessChallenge]:
    keys = {(row[0], _access_id(row[0], row[1])) for row in raw}
    if not keys:
        return {}
    found = AccessChallenge.objects.filter(
        subject_index=subject_index, access_id__in={access_id for _kind, access_id in keys}
    ).order_by("opened_at")
    return {(c.access_kind, c.access_id): c for c in found if (c.access_kind, c.access_id) in keys}


def lookup_of(*, account, kind: str, access_id: str, now=None) -> Lookup:
    """One look at the account's person's file that the person can see now (a deferred
    law-enforcement query is not found yet); ``NotFoundError`` otherwise."""
    now = now or timezone.now()
    found = _one_lookup(account.subject_index, kind=kind, access_id=access_id, now=now)
    if found is None:
        raise NotFoundError(
            error_codes.LOOKUP_NOT_FOUND,
            _("未找到该查询记录。"),
            "The look at the file was not found.",
        )
    return found


def _one_lookup(subject_index: str, *, kind: str, access_id: str, now) -> Lookup | None:
    row = None
    if kind == AccessKind.CHECK:
        row = _check_row(subject_index, access_id)
    elif kind == AccessKind.BATCH:
        row = _batch_row(subject_index, access_id)
    elif kind == AccessKind.AGENCY and access_id.isdigit():
        row = _agency_row(subject_index, int(access_id))
    elif kind in (AccessKind.QUERY, AccessKind.REPORT) and access_id.isdigit():
        row = _query_or_report_row(subject_index, kind=kind, pk=int(access_id), now=now)
    elif kind == AccessKind.CAMPUS and access_id.isdigit():
        row = _campus_row(subject_index, pk=int(access_id))
    return row


def _campus_row(subject_index: str, *, pk: int) -> Lookup | None:
    found = (
        CampusFileAccess.objects.select_related("department", "school")
        .filter(pk=pk, subject_index=subject_index)
        .first()
    )
    if found is None:
        return None
    return Lookup(
        kind=AccessKind.CAMPUS,
        access_id=str(found.pk),
        at=found.created_at,
        department=found.department,
        purpose=_purpose_text(AccessKind.CAMPUS, found.decision, found.school.name, {}),
        case_no=found.case_no,
    )


def _check_row(subject_index: str, access_id: str) -> Lookup | None:
    try:
        pk = uuid.UUID(access_id)
    except ValueError:
        return None
    check = (
        Check.objects.select_related("department")
        .filter(pk=pk, subject_index=subject_index, department__isnull=False)
        .first()
    )
    if check is None:
        return None
    return Lookup(
        kind=AccessKind.CHECK,
        access_id=str(check.pk),
        at=check.created_at,
        department=check.department,
        purpose=_purpose_text(AccessKind.CHECK, check.purpose, check.matter, {}),
        case_no=check.case_no,
    )


def _batch_row(subject_index: str, access_id: str) -> Lookup | None:
    try:
        pk = uuid.UUID(access_id)
    except ValueError:
        return None
    found = (
        BatchCheckSubject.objects.select_related("batch__department")
        .filter(batch_id=pk, subject_index=subject_index, batch__department__isnull=False)
        .first()
    )
    if found is None:
        return None
    batch = found.batch
    return Lookup(
        kind=AccessKind.BATCH,
        access_id=str(batch.pk),
        at=found.checked_at,
        department=batch.department,
        purpose=_purpose_text(AccessKind.BATCH, batch.purpose, batch.matter, {}),
        case_no=batch.case_no,
    )


def _agency_row(subject_index: str, pk: int) -> Lookup | None:
    found = (
        AgencyQuery.objects.select_related("agency", "purpose")
        .filter(pk=pk, subject_index=subject_index)
        .first()
    )
    if found is None:
        return None
    purpose = found.purpose.name if found.purpose else found.purpose_code
    return Lookup(
        kind=AccessKind.AGENCY,
        access_id=str(found.pk),
        at=found.created_at,
        department=None,
        # The challenge copies the purpose as the person saw it; the agency goes with it, as a
        # challenge has a department and no agency.
        purpose=f"{found.agency.name}：{purpose}",
        case_no="",
        **_agency_fields(found),
    )


def _query_or_report_row(subject_index: str, *, kind: str, pk: int, now) -> Lookup | None:
    if kind == AccessKind.QUERY:
        rows = ProfileQuery.objects.filter(subject_index=subject_index)
        at_field = "created_at"
    else:
        rows = CreditReport.objects.filter(subject_index=subject_index, self_service=False)
        at_field = "issued_at"
    deferred = Q(
        purpose__code__in=LAW_ENFORCEMENT_PURPOSES, **{f"{at_field}__gt": deferral_cutoff(now)}
    )
    found = rows.exclude(deferred).select_related("department", "purpose").filter(pk=pk).first()
    if found is None:
        return None
    return Lookup(
        kind=kind,
        access_id=str(found.pk),
        at=getattr(found, at_field),
        department=found.department,
        purpose=found.purpose.name,
        case_no=found.case_no,
    )
