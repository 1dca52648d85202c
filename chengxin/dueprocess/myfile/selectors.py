"""Reads of the person's own file and of access challenges, with the viewer as a parameter
(docs/citizens.md); who looked at the file is read in ``lookup_selectors``.

The person's reads are keyed by the blind index of their confirmed account (``subject_index``):
a record, a look or a challenge of another person is not found (404), never refused (403), so
its existence is not revealed. Staff see the challenges of their own department (providers and
officers) or all of them (the credit office's reviewer); other roles are refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability, Role
from chengxin.accounts.permissions import has_capability
from chengxin.catalog.choices import Category
from chengxin.collection.choices import RecordStatus
from chengxin.collection.lifecycle import is_publicly_disclosed
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.dueprocess.myfile import error_codes
from chengxin.dueprocess.myfile.choices import (
    UNFINISHED_STATUSES,
    ChallengeStatus,
)
from chengxin.dueprocess.myfile.limits import QUEUE_PAGE_SIZE
from chengxin.dueprocess.myfile.models import AccessChallenge
from chengxin.dueprocess.objections.selectors import REFUSED_RECORD_STATUSES

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
