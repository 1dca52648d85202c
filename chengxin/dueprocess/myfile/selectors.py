"""Reads of the person's own file, of who looked at it, and of access challenges, with the
viewer as a parameter (docs/citizens.md).

The person's reads are keyed by the blind index of their confirmed account (``subject_index``):
a record, a look or a challenge of another person is not found (404), never refused (403), so
its existence is not revealed. Staff see the challenges of their own department (providers and
officers) or all of them (the credit office's reviewer); other roles are refused.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability, Role
from chengxin.accounts.models import Department
from chengxin.accounts.permissions import has_capability
from chengxin.catalog.choices import Category
from chengxin.collection.choices import RecordStatus
from chengxin.collection.lifecycle import is_publicly_disclosed
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.core.selectors import policy_value
from chengxin.dueprocess.myfile import error_codes
from chengxin.dueprocess.myfile.choices import (
    LAW_ENFORCEMENT_PURPOSES,
    UNFINISHED_STATUSES,
    AccessKind,
    ChallengeStatus,
)
from chengxin.dueprocess.myfile.limits import LOOKUPS_PAGE_SIZE, QUEUE_PAGE_SIZE
from chengxin.dueprocess.myfile.models import AccessChallenge
from chengxin.dueprocess.myfile.policies import LAW_ENFORCEMENT_DEFERRAL_DAYS
from chengxin.dueprocess.objections.selectors import REFUSED_RECORD_STATUSES
from chengxin.education.choices import SchoolDecision
from chengxin.education.models import CampusFileAccess
from chengxin.inquiry.models import CreditReport, ProfileQuery, QueryPurpose
from chengxin.measures.checks.models import BatchCheckSubject, Check
from chengxin.measures.choices import Matter
from chengxin.supervision.models import AgencyQuery

DEPARTMENT_ROLES = (Role.PROVIDER, Role.OFFICER)


# --- My credit file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One step open to the person on a record: possible now (``link`` or a form), or from a
    date (``from_day``), or not at all (``reason``)."""

    name: str
    possible: bool
    from_day: datetime.date | None = None
    link: str = ""
    reason: str = ""


@dataclass(frozen=True)
class FileEntry:
    """One record of the person's file as the person sees it: why it is there, its dates,
    whether it is public now, and the steps open to them."""

    record: CreditRecord
    authority: str
    document_no: str
    is_public: bool
    versions: int
    object_action: Action
    repair_action: Action | None
    opt_out_action: Action | None

    @property
    def end_day(self) -> datetime.date | None:
        return self.record.disclosure_ends_on or self.record.valid_until


def credit_file_of(*, account, today: datetime.date | None = None) -> list[FileEntry]:
    """Every record about the account's person in every status, newest decision first, in two
    queries (the records with items and departments, the current versions)."""
    today = today or timezone.localdate()
    records = list(
        CreditRecord.objects.filter(subject_index=account.subject_index)
        .select_related("item", "department")
        .order_by("-decided_on", "-pk")
    )
    current = _current_values(account.subject_index)
    return [_entry(record, current.get(record.pk, ({}, 1)), today=today) for record in records]


def file_entry_of(*, account, record_id: int, today: datetime.date | None = None) -> FileEntry:
    """One record of the account's person; ``NotFoundError`` for any other record."""
    today = today or timezone.localdate()
    record = (
        CreditRecord.objects.select_related("item", "department")
        .filter(pk=record_id, subject_index=account.subject_index)
        .first()
    )
    if record is None:
        raise NotFoundError(
            error_codes.LOOKUP_NOT_FOUND, _("未找到该信用记录。"), "The record was not found."
        )
    current = _current_values(account.subject_index, record_ids=[record.pk])
    return _entry(record, current.get(record.pk, ({}, 1)), today=today)


def _current_values(subject_index: str, *, record_ids=None) -> dict[int, tuple[dict, int]]:
    versions = RecordVersion.objects.filter(subject_index=subject_index)
    if record_ids is not None:
        versions = versions.filter(record_id__in=record_ids)
    found: dict[int, tuple[dict, int]] = {}
    for record_id, number, values, superseded in versions.values_list(
        "record_id", "number", "values", "superseded_at"
    ).order_by("record_id", "number"):
        earlier = found.get(record_id, ({}, 0))
        found[record_id] = (values if superseded is None else earlier[0], max(number, earlier[1]))
    return found


def _entry(record: CreditRecord, current: tuple[dict, int], *, today) -> FileEntry:
    values, versions = current
    return FileEntry(
        record=record,
        authority=str(values.get("authority") or record.department.name),
        document_no=str(values.get("document_no") or ""),
        is_public=is_publicly_disclosed(record, item=record.item, today=today),
        versions=versions,
        object_action=_object_action(record),
        repair_action=_repair_action(record, today=today),
        opt_out_action=_opt_out_action(record, today=today),
    )


def _object_action(record: CreditRecord) -> Action:
    if record.status in REFUSED_RECORD_STATUSES:
        return Action("object", False, reason=_("已撤销或已退出的记录不能提出异议。"))
    if record.disputed:
        return Action("object", False, reason=_("该记录已有办理中的异议。"))
    return Action(
        "object", True, link=reverse("objections_portal:file", kwargs={"record_id": record.pk})
    )


def _repair_action(record: CreditRecord, *, today) -> Action | None:
    """Repair applies to negative records that have an earliest repair date; the link opens the
    repair application of the record."""
    if record.category != Category.NEGATIVE or record.repairable_from is None:
        return None
    if not record.item.repairable:
        return Action("repair", False, reason=_("依法不予信用修复：%(basis)s")
                      % {"basis": record.item.repair_exclusion_basis})  # fmt: skip
    if record.status != RecordStatus.ACTIVE:
        return Action("repair", False, reason=_("该记录已不在有效状态，无需修复。"))
    if today < record.repairable_from:
        return Action("repair", False, from_day=record.repairable_from)
    link = reverse("repairs_portal:apply", kwargs={"record_id": record.pk})
    return Action("repair", True, from_day=record.repairable_from, link=link)


def _opt_out_action(record: CreditRecord, *, today) -> Action | None:
    if record.category != Category.POSITIVE or not record.item.opt_out_allowed:
        return None
    if record.status == RecordStatus.ACTIVE:
        return Action("withdraw", True)
    still_valid = record.valid_until is None or today < record.valid_until
    if record.status == RecordStatus.WITHDRAWN and still_valid:
        return Action("reinstate", True)
    if record.status == RecordStatus.WITHDRAWN:
        return Action("reinstate", False, reason=_("有效期已届满，不能恢复。"))
    return None


# --- Who looked -------------------------------------------------------------------------------


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


# --- Access challenges ------------------------------------------------------------------------


def challenge_not_found() -> NotFoundError:
    return NotFoundError(
        error_codes.CHALLENGE_NOT_FOUND,
        _("未找到该查询记录核实申请。"),
        "The access challenge was not found.",
    )


def challenges_of_citizen(*, account) -> list[AccessChallenge]:
    """Every challenge of the account's person, newest first."""
    return list(
        AccessChallenge.objects.filter(subject_index=account.subject_index)
        .select_related("department")
        .order_by("-opened_at", "-pk")
    )


def challenge_get_for_citizen(*, account, challenge_id: int) -> AccessChallenge:
    challenge = (
        AccessChallenge.objects.select_related("department")
        .filter(pk=challenge_id, subject_index=account.subject_index)
        .first()
    )
    if challenge is None:
        raise challenge_not_found()
    return challenge


def can_screen(user) -> bool:
    return has_capability(user, Capability.SCREEN_DUE_PROCESS)


def is_department_staff(user) -> bool:
    return (
        getattr(user, "role", "") in DEPARTMENT_ROLES
        and user.is_active
        and user.department_id is not None
    )


def can_see_challenges(user) -> bool:
    """The challenge queue's rule: the credit office sees every challenge, a department's staff
    those about its own lookups."""
    return can_screen(user) or is_department_staff(user)


def _visible_challenges(user) -> QuerySet[AccessChallenge]:
    if can_screen(user):
        return AccessChallenge.objects.all()
    if is_department_staff(user):
        return AccessChallenge.objects.filter(department_id=user.department_id)
    raise PermissionDeniedError(
        error_codes.CHALLENGE_ROLE_REQUIRED,
        _("只有查询部门的工作人员和信用办审核人员可以办理查询记录核实。"),
        "Only staff of the department that looked and the credit office handle access challenges.",
    )


def challenge_queue_visible_to(*, user, status: str = "", page: int | str = 1) -> Page:
    """The challenges ``user`` handles: unfinished first, oldest first among them; paged."""
    challenges = _visible_challenges(user).select_related("department")
    if status in ChallengeStatus.values:
        challenges = challenges.filter(status=status)
    ordered = challenges.annotate(
        finished=Case(
            When(status__in=UNFINISHED_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("finished", "opened_at", "pk")
    return Paginator(ordered, QUEUE_PAGE_SIZE).get_page(page)


def challenge_get_visible_to(*, user, challenge_id: int) -> AccessChallenge:
    """One challenge ``user`` handles; another department's is not found (404)."""
    challenge = (
        _visible_challenges(user).select_related("department").filter(pk=challenge_id).first()
    )
    if challenge is None:
        raise challenge_not_found()
    return challenge


def may_answer(user, challenge: AccessChallenge) -> bool:
    """The department that looked (its providers and officers) or the credit office answers an
    open challenge."""
    if challenge.status != ChallengeStatus.OPEN:
        return False
    if can_screen(user):
        return True
    return is_department_staff(user) and user.department_id == challenge.department_id


def may_close(user, challenge: AccessChallenge) -> bool:
    return challenge.status in UNFINISHED_STATUSES and can_screen(user)
