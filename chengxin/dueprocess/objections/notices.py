"""Notices of objections (SPEC §8; ``accounts.notices.notice_send``), in the caller's
transaction: to the person (when the person has a confirmed account), to the providers of the
record's department, and to the credit office's reviewers.

A notice names the record by its item and number, never the person: the link leads to the page
where the reader, signed in, sees the rest.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from chengxin.accounts.choices import CitizenAccountStatus, NoticeKind, Role
from chengxin.accounts.models import CitizenAccount, User
from chengxin.accounts.notices import notice_send
from chengxin.dueprocess.objections.models import Objection


def person_link(objection: Objection) -> str:
    return reverse("objections_portal:detail", kwargs={"objection_id": objection.pk})


def staff_link(objection: Objection) -> str:
    return reverse("objections:detail", kwargs={"objection_id": objection.pk})


def record_words(objection: Objection) -> str:
    """How a notice names the record: ``税务行政处罚（记录编号 12）``."""
    return _("%(item)s（记录编号 %(record)s）") % {
        "item": objection.record.item.name,
        "record": objection.record_id,
    }


def person_user(subject_index: str) -> User | None:
    """The user of the person's confirmed citizen account, if the person has one."""
    account = (
        CitizenAccount.objects.select_related("user")
        .filter(subject_index=subject_index, status=CitizenAccountStatus.CONFIRMED)
        .first()
    )
    return account.user if account is not None and account.user.is_active else None


def notify_person(
    objection: Objection, *, title: str, body: str, kind: str = NoticeKind.OBJECTION
) -> None:
    user = person_user(objection.subject_index)
    if user is not None:
        notice_send(user=user, kind=kind, title=title, body=body, link=person_link(objection))


def notify_department(
    objection: Objection, *, title: str, body: str, kind: str = NoticeKind.OBJECTION
) -> None:
    """Every active provider of the record's department."""
    providers = User.objects.filter(
        department_id=objection.department_id, role=Role.PROVIDER, is_active=True
    ).order_by("pk")
    for user in providers:
        notice_send(user=user, kind=kind, title=title, body=body, link=staff_link(objection))


def notify_credit_office(
    objection: Objection, *, title: str, body: str, kind: str = NoticeKind.OBJECTION
) -> None:
    """Every active reviewer of the credit office."""
    for user in User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk"):
        notice_send(user=user, kind=kind, title=title, body=body, link=staff_link(objection))
