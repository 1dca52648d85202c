"""Notices of credit repair (SPEC §8; ``accounts.notices.notice_send``), in the caller's
transaction: to the person (when the person has a confirmed account) and to the providers of
the record's department. A notice names the record by its item and number, never the person."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind, Role
from chengxin.accounts.models import User
from chengxin.accounts.notices import notice_send
from chengxin.dueprocess.objections.notices import person_user
from chengxin.dueprocess.repairs.models import Repair


def record_words(repair: Repair) -> str:
    """How a notice names the record: ``税务行政处罚（记录编号 12）``."""
    return _("%(item)s（记录编号 %(record)s）") % {
        "item": repair.record.item.name,
        "record": repair.record_id,
    }


def notify_person(repair: Repair, *, title: str, body: str, kind: str = NoticeKind.REPAIR) -> None:
    user = person_user(repair.subject_index)
    if user is not None:
        link = reverse("repairs_portal:detail", kwargs={"repair_id": repair.pk})
        notice_send(user=user, kind=kind, title=title, body=body, link=link)


def notify_department(
    repair: Repair, *, title: str, body: str, kind: str = NoticeKind.REPAIR
) -> None:
    """Every active provider of the record's department."""
    link = reverse("repairs:detail", kwargs={"repair_id": repair.pk})
    providers = User.objects.filter(
        department_id=repair.department_id, role=Role.PROVIDER, is_active=True
    ).order_by("pk")
    for user in providers:
        notice_send(user=user, kind=kind, title=title, body=body, link=link)
