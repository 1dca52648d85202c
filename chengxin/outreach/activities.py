"""Campaign activities planned and reported by the responsible units (SPEC §10; plan 二(一)2;
docs/outreach.md, "Activities of the units").

A unit's staff (the providers and officers of a department) plan their department's
activities for the dates of the campaign calendar and, once held, report what was done, how
many took part and the photos or files of it; the credit office's reviewers may do both for
any unit and see every unit's activities. A planned activity is on the public calendar at once;
its report, participants and photos appear there once reported. Each step is one transaction
with one audit event (``object_type`` ``outreach.activity``); a refusal writes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.permissions import can_publish_content, is_staff_member
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import PermissionDeniedError
from chengxin.dueprocess.attachments import IncomingFile, attachment_add, attachments_checked
from chengxin.dueprocess.models import Attachment
from chengxin.outreach import error_codes, limits
from chengxin.outreach.choices import ActivityStatus
from chengxin.outreach.models import CampaignActivity, CampaignDay
from chengxin.outreach.selectors import not_found
from chengxin.outreach.services import ACTIVITY_OBJECT_TYPE, _checked_year, _field_error, _required

ACTIVITY_FILE_CASE_TYPE = "outreach.activity"
UNIT_ROLES = frozenset({Role.PROVIDER, Role.OFFICER})
PARTICIPANTS_MAX = 1_000_000


def can_plan_activities(user) -> bool:
    """A unit's staff (with a department) plan and report; the credit office does so for all."""
    if can_publish_content(user):
        return True
    return is_staff_member(user) and user.role in UNIT_ROLES and user.department_id is not None


def activities_for(*, viewer, year: int) -> QuerySet[CampaignActivity]:
    """The year's activities the viewer plans and reports: the own department's, or every
    unit's for the credit office; with their campaign and unit, in date order."""
    _check_planner(viewer)
    rows = CampaignActivity.objects.filter(year=year).select_related("campaign", "department")
    if not can_publish_content(viewer):
        rows = rows.filter(department_id=viewer.department_id)
    return rows.order_by("campaign__position", "held_on", "pk")


def activity_for(*, viewer, activity_id: int) -> CampaignActivity:
    """One activity the viewer may report; ``NotFoundError`` for another unit's."""
    _check_planner(viewer)
    rows = CampaignActivity.objects.select_related("campaign", "department").filter(pk=activity_id)
    if not can_publish_content(viewer):
        rows = rows.filter(department_id=viewer.department_id)
    found = rows.first()
    if found is None:
        raise not_found()
    return found


def activity_files(activity_ids) -> dict[int, list[Attachment]]:
    """The report files of the given activities, by activity id (one query)."""
    found: dict[int, list[Attachment]] = {}
    files = Attachment.objects.filter(
        case_type=ACTIVITY_FILE_CASE_TYPE, case_id__in=[str(pk) for pk in activity_ids]
    ).order_by("created_at", "pk")
    for attachment in files.defer("ciphertext"):
        found.setdefault(int(attachment.case_id), []).append(attachment)
    return found


def public_activity_file(*, activity_id: int, attachment_id) -> Attachment:
    """A report file of a reported activity, for anyone; ``NotFoundError`` otherwise."""
    reported = CampaignActivity.objects.filter(pk=activity_id, status=ActivityStatus.REPORTED)
    attachment = None
    if reported.exists():
        attachment = Attachment.objects.filter(
            pk=attachment_id, case_type=ACTIVITY_FILE_CASE_TYPE, case_id=str(activity_id)
        ).first()
    if attachment is None:
        raise not_found()
    return attachment


def activity_plan(
    *,
    actor,
    campaign_code: str,
    year: int,
    title: str,
    description: str,
    held_on: datetime.date | None = None,
    request=None,
) -> CampaignActivity:
    """A unit plans an activity for a campaign date: the organiser is the actor's department.
    Audited ``create``."""
    _check_planner(actor)
    values = {
        "title": _required(title, limits.ACTIVITY_TITLE),
        "description": _required(description, limits.ACTIVITY_DESCRIPTION),
    }
    year = _checked_year(year, held_on)
    with transaction.atomic():
        campaign = CampaignDay.objects.filter(code=campaign_code).first()
        if campaign is None:
            raise _field_error(
                "campaign", error_codes.CAMPAIGN_NOT_FOUND, _("请选择宣传节点。"), "Choose one."
            )
        activity = CampaignActivity.objects.create(
            campaign=campaign,
            year=year,
            held_on=held_on,
            organiser=actor.department.name,
            department=actor.department,
            created_by=actor,
            **values,
        )
        _event(actor, activity, AuditAction.CREATE, request=request, planned=True)
    return activity


def activity_report_by_unit(
    *,
    actor,
    activity_id: int,
    report: str,
    participants: int | None,
    files: list[IncomingFile] = (),  # type: ignore[assignment]
    request=None,
) -> CampaignActivity:
    """The unit reports how its activity went: what was done, how many took part, photos or
    files (PDF, JPEG, PNG: ``dueprocess.attachments``; at most 5 per activity). A report may be
    corrected; the status becomes ``reported``. Audited ``update`` with the files' hashes."""
    _check_planner(actor)
    report = _required(report, limits.ACTIVITY_REPORT)
    participants = _participants(participants)
    with transaction.atomic():
        activity = activity_for(viewer=actor, activity_id=activity_id)
        activity = CampaignActivity.objects.select_for_update().get(pk=activity.pk)
        already = len(activity_files([activity.pk]).get(activity.pk, []))
        checked = attachments_checked(list(files), already=already)
        added = [
            attachment_add(
                case_type=ACTIVITY_FILE_CASE_TYPE,
                case_id=str(activity.pk),
                subject_index="",
                file=file,
                actor=actor,
            )
            for file in checked
        ]
        activity.report = report
        activity.participants = participants
        activity.status = ActivityStatus.REPORTED
        activity.reported_at = timezone.now()
        activity.reported_by = actor
        activity.save(
            update_fields=["report", "participants", "status", "reported_at", "reported_by"]
        )
        _event(
            actor,
            activity,
            AuditAction.UPDATE,
            request=request,
            report=True,
            participants=participants,
            files=[attachment.sha256 for attachment in added],
        )
    return activity


def _participants(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= PARTICIPANTS_MAX:
        raise _field_error(
            "participants",
            error_codes.FIELD_REQUIRED,
            _("参与人数应为不小于0的整数。"),
            "participants is a whole number, 0 or more.",
        )
    return number


def _check_planner(actor) -> None:
    if not can_plan_activities(actor):
        raise PermissionDeniedError(
            error_codes.NOT_ALLOWED,
            _("只有责任单位的工作人员和信用办可以计划和报告宣传活动。"),
            "Only a unit's staff and the credit office plan and report campaign activities.",
        )


def _event(actor, activity: CampaignActivity, action: str, *, request, **extra) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=ACTIVITY_OBJECT_TYPE,
        object_id=str(activity.pk),
        detail={
            "campaign_id": activity.campaign_id,
            "year": activity.year,
            "department": activity.department.code if activity.department else "",
            **extra,
        },
        request=request,
    )
