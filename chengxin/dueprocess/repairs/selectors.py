"""Reads of credit repair, with the viewer as a parameter (docs/dueprocess.md, "Who sees what").

Staff: a provider (``answer_objections``) sees the applications for its own department's
records; the credit office's reviewer (``screen_due_process``) sees every one; every other role
is refused (403). Another department's application is not found (404). A citizen sees only the
applications about their own person, and a record that is not theirs is not found.

``repair_refusal`` is the eligibility test: the service applies it under the record's row lock,
the pages before they offer the form.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chengxin.catalog.choices import Category
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.dueprocess.attachments import case_attachment_get, case_attachments
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections.selectors import (
    can_answer,
    can_screen,
    objection_open_for_record,
)
from chengxin.dueprocess.queues import open_first, queue_filtered
from chengxin.dueprocess.repairs import error_codes
from chengxin.dueprocess.repairs.choices import (
    ATTACHMENT_CASE_TYPE,
    OPEN_STATUSES,
    TRANSITIONS,
    RepairStatus,
)
from chengxin.dueprocess.repairs.deadlines import is_overdue, working_days_left
from chengxin.dueprocess.repairs.limits import PAGE_SIZE
from chengxin.dueprocess.repairs.models import Repair

__all__ = ["can_answer", "can_screen"]


@dataclass(frozen=True)
class QueueFilters:
    """What a queue shows: a status (or ``open``), one catalog item's code, only overdue ones."""

    status: str = ""
    item: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class QueueRow:
    repair: Repair
    working_days_left: int | None
    overdue: bool


@dataclass(frozen=True)
class QueuePage:
    page: Page
    rows: list[QueueRow]


# --- Eligibility ------------------------------------------------------------------------------


def repair_refusal(record: CreditRecord, *, today: datetime.date) -> DomainError | None:
    """Why ``record`` cannot be repaired now, or ``None``: not active (404, as a record that is
    not there for repair), not a negative record, a minor record (never disclosed, nothing to
    repair), not repairable by law (the catalog item's flag and its basis), not yet repairable
    (and from which day), under objection, or with an application already open (409 each)."""
    if record.status != RecordStatus.ACTIVE:
        return DomainError(
            code=error_codes.REPAIR_RECORD_NOT_ACTIVE,
            message=_("该记录状态为“%(status)s”，已不再公示和用于核查，无需也不能申请信用修复。")
            % {"status": RecordStatus(record.status).label},
            message_en="The record is not active; there is nothing to repair.",
            status=404,
        )
    if record.category != Category.NEGATIVE:
        return _refusal(
            error_codes.REPAIR_NOT_NEGATIVE,
            _("该记录不是失信记录，信用修复只适用于失信记录。"),
            "Only a negative record can be repaired.",
        )
    item = record.item
    if not item.repairable:
        return _refusal(
            error_codes.REPAIR_EXCLUDED_BY_LAW,
            _("依照有关规定，“%(item)s”的记录不适用信用修复：%(basis)s")
            % {"item": item.name, "basis": item.repair_exclusion_basis},
            f"Records of this item cannot be repaired by law: {item.repair_exclusion_basis}",
        )
    if record.repairable_from is None:
        return _refusal(
            error_codes.REPAIR_NOT_NEEDED,
            _("轻微失信记录不公示、不用于联合惩戒，无需申请信用修复。"),
            "A minor record is never disclosed; it needs no repair.",
        )
    if today < record.repairable_from:
        return _refusal(
            error_codes.REPAIR_NOT_YET,
            _("该记录自%(day)s起方可申请信用修复（最短公示期届满后）。")
            % {"day": record.repairable_from.isoformat()},
            f"The record can be repaired from {record.repairable_from.isoformat()}.",
            extra={"repairable_from": record.repairable_from.isoformat()},
        )
    if record.disputed or objection_open_for_record(record.pk):
        return _refusal(
            error_codes.REPAIR_RECORD_DISPUTED,
            _("该记录有正在处理的异议，请待异议处理完毕后再申请信用修复。"),
            "The record is under objection; apply for repair once the objection is decided.",
        )
    if Repair.objects.filter(record_id=record.pk, status__in=OPEN_STATUSES).exists():
        return already_open()
    return None


def _refusal(code: str, message: str, message_en: str, *, extra=None) -> DomainError:
    error = {"field": "record_id", "code": code, "message": message, "message_en": message_en}
    return DomainError(
        code=code,
        message=message,
        message_en=message_en,
        status=409,
        details={"errors": [error], **(extra or {})},
    )


def already_open() -> DomainError:
    return _refusal(
        error_codes.REPAIR_ALREADY_OPEN,
        _("该记录已有正在办理的信用修复申请，请等待决定，或在“我的信用修复”中查看。"),
        "The record already has an open repair application.",
    )


# --- Staff ------------------------------------------------------------------------------------


def may_decide(user, repair: Repair) -> bool:
    return can_answer(user) and user.department_id == repair.department_id


def transition_open(repair: Repair, transition: str) -> bool:
    return repair.status in TRANSITIONS[transition]


def _visible(user) -> QuerySet[Repair]:
    if can_screen(user):
        return Repair.objects.all()
    if can_answer(user):
        return Repair.objects.filter(department_id=user.department_id)
    raise PermissionDeniedError(
        error_codes.REPAIR_DECISION_ROLE_REQUIRED,
        _("只有认定单位的数据报送员和信用办审核员可以查看信用修复申请。"),
        "Only a deciding department's data providers and the credit office's reviewers may "
        "see repair applications.",
    )


def repair_queue_visible_to(
    *, user, filters: QueueFilters, today: datetime.date, page: int = 1, page_size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the applications ``user`` sees: open ones first, the nearest deadline (so
    the overdue) first, then the newest; with the working days left to each deadline."""
    repairs = _filtered(_visible(user), filters, today=today)
    ordered = open_first(repairs, open_statuses=OPEN_STATUSES, filed_field="applied_at")
    paginator = Paginator(
        ordered.select_related("record__item", "department"), page_size, allow_empty_first_page=True
    )
    current = paginator.get_page(page)
    return QueuePage(page=current, rows=repair_rows(list(current.object_list), today=today))


def _filtered(repairs: QuerySet[Repair], filters: QueueFilters, *, today) -> QuerySet[Repair]:
    repairs = queue_filtered(
        repairs,
        status=filters.status,
        overdue=filters.overdue,
        statuses=RepairStatus.values,
        open_statuses=OPEN_STATUSES,
        today=today,
    )
    if filters.item:
        repairs = repairs.filter(record__item__code=filters.item)
    return repairs


def repair_rows(repairs: list[Repair], *, today: datetime.date) -> list[QueueRow]:
    left = working_days_left([repair.deadline for repair in repairs], today=today)
    return [
        QueueRow(
            repair=repair,
            working_days_left=left.get(repair.deadline) if repair.is_open else None,
            overdue=is_overdue(status=repair.status, deadline=repair.deadline, today=today),
        )
        for repair in repairs
    ]


def repair_get_visible_to(*, user, repair_id: int) -> Repair:
    """The application ``user`` may see, with its record, item, subject and department."""
    repair = (
        _visible(user)
        .select_related("record__item", "record__subject", "department")
        .filter(pk=repair_id)
        .first()
    )
    if repair is None:
        raise not_found()
    return repair


def repair_items_visible_to(*, user) -> list[tuple[str, str]]:
    rows = (
        _visible(user)
        .values_list("record__item__code", "record__item__name")
        .distinct()
        .order_by("record__item__code")
    )
    return list(rows)


def repair_attachments(repair: Repair) -> list[Attachment]:
    """The files of ``repair`` (the power of attorney among them), oldest first."""
    return case_attachments(case_type=ATTACHMENT_CASE_TYPE, case_id=repair.pk)


def repair_attachment_get(*, repair: Repair, attachment_id) -> Attachment:
    """One file of ``repair`` (already read through a visibility selector)."""
    return case_attachment_get(
        case_type=ATTACHMENT_CASE_TYPE,
        case_id=repair.pk,
        attachment_id=attachment_id,
        not_found_code=error_codes.REPAIR_ATTACHMENT_NOT_FOUND,
    )


def earlier_repairs(repair: Repair) -> list[Repair]:
    return list(
        Repair.objects.filter(record_id=repair.record_id).exclude(pk=repair.pk).order_by("-pk")
    )


# --- Citizens ---------------------------------------------------------------------------------


def record_for_citizen(*, account, record_id: int) -> CreditRecord:
    """A record of the account's person; ``NotFoundError`` for anyone else's."""
    record = (
        CreditRecord.objects.select_related("item", "department")
        .filter(pk=record_id, subject_index=account.subject_index)
        .first()
    )
    if record is None:
        raise record_not_found()
    return record


def repairs_of_citizen(*, account) -> list[Repair]:
    return list(
        Repair.objects.filter(subject_index=account.subject_index)
        .select_related("record__item", "department")
        .order_by("-applied_at", "-pk")
    )


def repair_get_for_citizen(*, account, repair_id: int) -> Repair:
    repair = (
        Repair.objects.select_related("record__item", "department")
        .filter(pk=repair_id, subject_index=account.subject_index)
        .first()
    )
    if repair is None:
        raise not_found()
    return repair


def open_repair_of_record(record_id: int) -> Repair | None:
    return Repair.objects.filter(record_id=record_id, status__in=OPEN_STATUSES).first()


def not_found() -> NotFoundError:
    return NotFoundError(
        error_codes.REPAIR_NOT_FOUND, _("未找到该信用修复申请。"), "No such repair application."
    )


def record_not_found() -> NotFoundError:
    return NotFoundError(
        error_codes.REPAIR_RECORD_NOT_FOUND, _("未找到该信用记录。"), "No such credit record."
    )


def can_see_repairs(user) -> bool:
    """The repair queue's rule (``_visible``): the credit office sees every application, a
    deciding department's providers those about its records."""
    return can_screen(user) or can_answer(user)
