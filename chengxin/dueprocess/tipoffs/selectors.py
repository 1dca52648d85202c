"""Reads of tip-offs, with the viewer as a parameter (docs/dueprocess.md, "Tip-offs").

Staff: the credit office's reviewer (``screen_due_process``) sees every tip-off; a provider or
officer of a department sees the tip-offs routed to that department, from routing on; every
other role is refused (403). A tip-off another department handles is not found (404). A
signed-in citizen sees the tip-offs filed from their account; anyone sees one tip-off's status
with its tracking number and query code, and a wrong number and a wrong code get the same
answer (``tipoff_status_lookup``).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chengxin.accounts.choices import DEPARTMENT_ROLES, Capability
from chengxin.accounts.models import Department
from chengxin.accounts.permissions import has_capability, is_staff_member
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.dueprocess.attachments import case_attachment_get, case_attachments
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.queues import open_first, queue_filtered
from chengxin.dueprocess.tipoffs import error_codes
from chengxin.dueprocess.tipoffs.choices import (
    ATTACHMENT_CASE_TYPE,
    OPEN_STATUSES,
    TRANSITIONS,
    TipOffCategory,
    TipOffStatus,
)
from chengxin.dueprocess.tipoffs.deadlines import is_overdue, working_days_left
from chengxin.dueprocess.tipoffs.limits import PAGE_SIZE
from chengxin.dueprocess.tipoffs.models import TipOff

_CODE_SEPARATORS = str.maketrans("", "", "- \t")


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    category: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class QueueRow:
    tipoff: TipOff
    working_days_left: int | None
    overdue: bool


@dataclass(frozen=True)
class QueuePage:
    page: Page
    rows: list[QueueRow]


def can_screen(user) -> bool:
    """The credit office's reviewer: routes, refuses and closes tip-offs, sees all of them."""
    return has_capability(user, Capability.SCREEN_DUE_PROCESS)


def can_answer(user) -> bool:
    """Staff of a department (provider or officer): answer the tip-offs routed to it (like
    ``accounts.permissions.acts_for_department``, the department roles act for their own)."""
    return (
        is_staff_member(user) and user.role in DEPARTMENT_ROLES and user.department_id is not None
    )


def may_answer(user, tipoff: TipOff) -> bool:
    return can_answer(user) and user.department_id == tipoff.routed_department_id


def transition_open(tipoff: TipOff, transition: str) -> bool:
    return tipoff.status in TRANSITIONS[transition]


def _visible(user) -> QuerySet[TipOff]:
    if can_screen(user):
        return TipOff.objects.all()
    if can_answer(user):
        return TipOff.objects.filter(routed_department_id=user.department_id)
    raise PermissionDeniedError(
        error_codes.TIPOFF_SCREEN_ROLE_REQUIRED,
        _("只有信用办审核员和承办部门的工作人员可以查看举报。"),
        "Only the credit office's reviewers and the staff of the department handling a "
        "tip-off may see it.",
    )


def tipoff_queue_visible_to(
    *, user, filters: QueueFilters, today: datetime.date, page: int = 1, page_size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the tip-offs ``user`` sees: open ones first, the nearest deadline (so the
    overdue) first, then the newest; with the working days left."""
    tipoffs = _visible(user)
    tipoffs = queue_filtered(
        tipoffs,
        status=filters.status,
        overdue=filters.overdue,
        statuses=TipOffStatus.values,
        open_statuses=OPEN_STATUSES,
        today=today,
    )
    if filters.category in TipOffCategory.values:
        tipoffs = tipoffs.filter(category=filters.category)
    ordered = open_first(tipoffs, open_statuses=OPEN_STATUSES, filed_field="filed_at")
    paginator = Paginator(
        ordered.select_related("routed_department", "reported_department"),
        page_size,
        allow_empty_first_page=True,
    )
    current = paginator.get_page(page)
    items = list(current.object_list)
    left = working_days_left([tipoff.deadline for tipoff in items], today=today)
    rows = [
        QueueRow(
            tipoff=tipoff,
            working_days_left=left.get(tipoff.deadline) if tipoff.is_open else None,
            overdue=is_overdue(status=tipoff.status, deadline=tipoff.deadline, today=today),
        )
        for tipoff in items
    ]
    return QueuePage(page=current, rows=rows)


def tipoff_get_visible_to(*, user, tipoff_id: int) -> TipOff:
    """The tip-off ``user`` may see; ``NotFoundError`` when there is none for them,
    ``PermissionDeniedError`` for a role that sees no tip-offs."""
    tipoff = (
        _visible(user)
        .select_related("routed_department", "reported_department")
        .filter(pk=tipoff_id)
        .first()
    )
    if tipoff is None:
        raise not_found()
    return tipoff


def tipoff_attachments(tipoff: TipOff) -> list[Attachment]:
    """The files of ``tipoff``, oldest first."""
    return case_attachments(case_type=ATTACHMENT_CASE_TYPE, case_id=tipoff.pk)


def tipoff_attachment_get(*, tipoff: TipOff, attachment_id) -> Attachment:
    """One file of ``tipoff`` (already read through a visibility selector)."""
    return case_attachment_get(
        case_type=ATTACHMENT_CASE_TYPE,
        case_id=tipoff.pk,
        attachment_id=attachment_id,
        not_found_code=error_codes.TIPOFF_ATTACHMENT_NOT_FOUND,
    )


def other_tipoffs_about_same_person(tipoff: TipOff) -> list[TipOff]:
    """Earlier and later tip-offs naming the same ID number (a reviewer spots duplicates)."""
    if not tipoff.concerned_index:
        return []
    return list(
        TipOff.objects.filter(concerned_index=tipoff.concerned_index)
        .exclude(pk=tipoff.pk)
        .order_by("-filed_at")[:20]
    )


def departments_for_routing() -> list[Department]:
    """The departments a tip-off may be routed to (or a reporter may name)."""
    return list(Department.objects.filter(is_active=True).order_by("code"))


# --- The reporter -----------------------------------------------------------------------------


def normalised_number(number: str) -> str:
    return (number or "").translate(_CODE_SEPARATORS).upper()


def normalised_code(code: str) -> str:
    return (code or "").translate(_CODE_SEPARATORS).upper()


def tipoff_status_lookup(*, number: str, code: str) -> TipOff:
    """The tip-off with this tracking number whose query code is ``code``; ``NotFoundError``
    alike for an unknown number and a wrong code (both cost one password-hash check)."""
    tipoff = (
        TipOff.objects.select_related("routed_department")
        .filter(number=normalised_number(number))
        .first()
    )
    typed = normalised_code(code)
    if tipoff is None:
        check_password(typed, _dummy_hash())
        raise status_not_found()
    if not typed or not check_password(typed, tipoff.query_code_hash):
        raise status_not_found()
    return tipoff


@functools.cache
def _dummy_hash() -> str:
    """Checked against when no tip-off has the number, so a wrong number costs the same as a
    wrong code."""
    return make_password("tipoffs-no-such-tip-off")


def tipoffs_of_reporter(*, user) -> list[TipOff]:
    """Every tip-off filed from ``user``'s account, newest first."""
    return list(
        TipOff.objects.filter(reporter=user)
        .select_related("routed_department")
        .order_by("-filed_at", "-pk")
    )


def tipoff_get_for_reporter(*, user, tipoff_id: int) -> TipOff:
    tipoff = (
        TipOff.objects.select_related("routed_department")
        .filter(pk=tipoff_id, reporter=user)
        .first()
    )
    if tipoff is None:
        raise not_found()
    return tipoff


def not_found() -> NotFoundError:
    return NotFoundError(error_codes.TIPOFF_NOT_FOUND, _("未找到该举报。"), "No such tip-off.")


def status_not_found() -> NotFoundError:
    return NotFoundError(
        error_codes.TIPOFF_NOT_FOUND,
        _("举报编号或查询码不正确，请核对后重新输入。"),
        "The tracking number or the query code is wrong.",
    )
