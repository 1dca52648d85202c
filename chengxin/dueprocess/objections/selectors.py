"""Reads of objections, with the viewer as a parameter (docs/dueprocess.md, "Who sees what").

Staff: a provider (``answer_objections``) sees the objections to its own department's records;
the credit office's reviewer (``screen_due_process``) sees every objection; every other role is
refused (403). Another department's objection is not found (404), so its existence is not
revealed. A citizen sees only the objections about their own person (the confirmed account's
blind index), and a record that is not theirs is not found.

For the other apps: ``objection_open_for_record`` (is the record under objection now) and
``record_statements`` (the statements that travel with records).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability
from chengxin.accounts.permissions import acts_for_department, has_capability
from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.dueprocess.attachments import case_attachment_get, case_attachments
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections import error_codes
from chengxin.dueprocess.objections.choices import (
    ATTACHMENT_CASE_TYPE,
    OPEN_STATUSES,
    TRANSITIONS,
    ObjectionStatus,
)
from chengxin.dueprocess.objections.deadlines import is_overdue, working_days_left
from chengxin.dueprocess.objections.limits import PAGE_SIZE
from chengxin.dueprocess.objections.models import Objection, ObjectionStatement
from chengxin.dueprocess.queues import open_first, queue_filtered

REFUSED_RECORD_STATUSES = (RecordStatus.REVOKED, RecordStatus.WITHDRAWN)


@dataclass(frozen=True)
class StatementView:
    """The current statement of one record, as the answers that carry the record show it."""

    record_id: int
    text: str
    made_on: datetime.date


@dataclass(frozen=True)
class QueueFilters:
    """What a queue shows: a status (or ``open``), one catalog item's code, only overdue ones."""

    status: str = ""
    item: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class QueueRow:
    objection: Objection
    working_days_left: int | None
    overdue: bool


@dataclass(frozen=True)
class QueuePage:
    page: Page
    rows: list[QueueRow]


# --- For the other apps -----------------------------------------------------------------------


def objection_open_for_record(record_id: int) -> bool:
    """Whether the record has an open objection now (its ``disputed`` flag says the same; this
    reads the objections themselves)."""
    return Objection.objects.filter(record_id=record_id, status__in=OPEN_STATUSES).exists()


def record_statements(record_ids: Iterable[int]) -> dict[int, StatementView]:
    """The current statement of each record that has one, by record id, in one query."""
    ids = sorted(set(record_ids))
    if not ids:
        return {}
    found: dict[int, StatementView] = {}
    rows = (
        ObjectionStatement.objects.filter(record_id__in=ids, superseded_at__isnull=True)
        .order_by("record_id", "-made_at")
        .values_list("record_id", "text", "made_at")
    )
    for record_id, text, made_at in rows:
        if record_id not in found:
            found[record_id] = StatementView(
                record_id=record_id, text=text, made_on=_local_date(made_at)
            )
    return found


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


# --- Staff ------------------------------------------------------------------------------------


def can_screen(user) -> bool:
    return has_capability(user, Capability.SCREEN_DUE_PROCESS)


def can_answer(user) -> bool:
    return has_capability(user, Capability.ANSWER_OBJECTIONS) and user.department_id is not None


def can_see_objections(user) -> bool:
    """The credit office's reviewers see every objection, a providing department's data
    providers their department's; nobody else sees any."""
    return can_screen(user) or can_answer(user)


def may_decide(user, objection: Objection) -> bool:
    """Whether ``user`` makes the department's decisions on ``objection``."""
    return can_answer(user) and acts_for_department(user, objection.department)


def transition_open(objection: Objection, transition: str) -> bool:
    """Whether ``objection`` is in a source state of ``transition`` (for the forms a page
    offers; the services check it again under the row lock)."""
    return objection.status in TRANSITIONS[transition]


def _visible(user) -> QuerySet[Objection]:
    if can_screen(user):
        return Objection.objects.all()
    if can_answer(user):
        return Objection.objects.filter(department_id=user.department_id)
    raise PermissionDeniedError(
        error_codes.OBJECTION_DECISION_ROLE_REQUIRED,
        _("只有信息提供单位的数据报送员和信用办审核员可以查看异议。"),
        "Only a providing department's data providers and the credit office's reviewers may "
        "see objections.",
    )


def objection_queue_visible_to(
    *, user, filters: QueueFilters, today: datetime.date, page: int = 1, page_size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the objections ``user`` sees: open ones first, the nearest deadline (so the
    overdue) first, then the newest; with the working days left to each deadline. A fixed
    number of queries whatever the page holds."""
    objections = _filtered(_visible(user), filters, today=today)
    ordered = open_first(objections, open_statuses=OPEN_STATUSES, filed_field="filed_at")
    paginator = Paginator(
        ordered.select_related("record__item", "department"), page_size, allow_empty_first_page=True
    )
    current = paginator.get_page(page)
    return QueuePage(page=current, rows=_rows(list(current.object_list), today=today))


def _filtered(objections: QuerySet[Objection], filters: QueueFilters, *, today) -> QuerySet:
    objections = queue_filtered(
        objections,
        status=filters.status,
        overdue=filters.overdue,
        statuses=ObjectionStatus.values,
        open_statuses=OPEN_STATUSES,
        today=today,
    )
    if filters.item:
        objections = objections.filter(record__item__code=filters.item)
    return objections


def _rows(objections: list[Objection], *, today: datetime.date) -> list[QueueRow]:
    left = working_days_left([objection.deadline for objection in objections], today=today)
    return [
        QueueRow(
            objection=objection,
            working_days_left=left.get(objection.deadline) if objection.is_open else None,
            overdue=is_overdue(status=objection.status, deadline=objection.deadline, today=today),
        )
        for objection in objections
    ]


def objection_get_visible_to(*, user, objection_id: int) -> Objection:
    """The objection ``user`` may see, with its record, item, subject and department;
    ``NotFoundError`` when there is none for them, ``PermissionDeniedError`` for a role that
    sees no objections."""
    objection = (
        _visible(user)
        .select_related("record__item", "record__subject", "department")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        raise not_found()
    return objection


def objection_attachments(objection: Objection) -> list[Attachment]:
    """The files of ``objection`` (the power of attorney among them), oldest first."""
    return case_attachments(case_type=ATTACHMENT_CASE_TYPE, case_id=objection.pk)


def objection_attachment_get(*, objection: Objection, attachment_id) -> Attachment:
    """One file of ``objection`` (already read through a visibility selector)."""
    return case_attachment_get(
        case_type=ATTACHMENT_CASE_TYPE,
        case_id=objection.pk,
        attachment_id=attachment_id,
        not_found_code=error_codes.OBJECTION_ATTACHMENT_NOT_FOUND,
    )


@dataclass(frozen=True)
class VersionField:
    """One value of a version as the case page shows it: the field's title, and whether it
    differs from the version before."""

    name: str
    title: str
    value: object
    changed: bool


@dataclass(frozen=True)
class VersionShown:
    version: RecordVersion
    fields: list[VersionField]


def record_versions(record: CreditRecord) -> list[VersionShown]:
    """Every version of the record, newest first, its values under the item's field titles
    and marked where they changed (the case page shows the record's history)."""
    titles = _field_titles(record)
    shown: list[VersionShown] = []
    previous: dict = {}
    for version in record.versions.order_by("number"):
        values = version.values or {}
        names = [name for name in titles if name in values] + sorted(set(values) - set(titles))
        fields = [
            VersionField(
                name=name,
                title=titles.get(name, name),
                value=values.get(name),
                changed=version.number > 1 and values.get(name) != previous.get(name),
            )
            for name in names
        ]
        shown.append(VersionShown(version=version, fields=fields))
        previous = values
    return list(reversed(shown))


def _field_titles(record: CreditRecord) -> dict[str, str]:
    schema = catalog_item_table_schema(record.item)
    return {field["name"]: field.get("title") or field["name"] for field in schema["fields"]}


def objection_items_visible_to(*, user) -> list[tuple[str, str]]:
    """The catalog items (code, name) of the objections ``user`` sees, for the queue's filter."""
    rows = (
        _visible(user)
        .values_list("record__item__code", "record__item__name")
        .distinct()
        .order_by("record__item__code")
    )
    return list(rows)


def earlier_objections(objection: Objection) -> list[Objection]:
    """The other objections to the same record, newest first: a provider sees whether the
    same grounds were decided before (不予受理)."""
    return list(
        Objection.objects.filter(record_id=objection.record_id)
        .exclude(pk=objection.pk)
        .order_by("-filed_at")
    )


def objection_statement(objection: Objection) -> ObjectionStatement | None:
    return ObjectionStatement.objects.filter(objection=objection).first()


# --- Citizens ---------------------------------------------------------------------------------


def record_for_citizen(*, account, record_id: int) -> CreditRecord:
    """A record of the account's person; ``NotFoundError`` for anyone else's (never 403: the
    existence of another person's record is not revealed)."""
    record = (
        CreditRecord.objects.select_related("item", "department")
        .filter(pk=record_id, subject_index=account.subject_index)
        .first()
    )
    if record is None:
        raise record_not_found()
    return record


def objections_of_citizen(*, account) -> list[Objection]:
    """Every objection about the account's person, newest first (also those the credit office
    filed for them at the counter)."""
    return list(
        Objection.objects.filter(subject_index=account.subject_index)
        .select_related("record__item", "department")
        .order_by("-filed_at", "-pk")
    )


def objection_get_for_citizen(*, account, objection_id: int) -> Objection:
    """One objection about the account's person; ``NotFoundError`` otherwise."""
    objection = (
        Objection.objects.select_related("record__item", "department")
        .filter(pk=objection_id, subject_index=account.subject_index)
        .first()
    )
    if objection is None:
        raise not_found()
    return objection


def open_objection_of_record(record_id: int) -> Objection | None:
    return Objection.objects.filter(record_id=record_id, status__in=OPEN_STATUSES).first()


def not_found() -> NotFoundError:
    return NotFoundError(error_codes.OBJECTION_NOT_FOUND, _("未找到该异议。"), "No such objection.")


def record_not_found() -> NotFoundError:
    return NotFoundError(
        error_codes.OBJECTION_RECORD_NOT_FOUND,
        _("未找到该信用记录。"),
        "No such credit record.",
    )
