"""Notices of tip-offs (``accounts.notices.notice_send``), in the caller's transaction: to the
reporter when the tip-off was filed from a citizen account, to the credit office's reviewers,
and to the staff of the department a tip-off is routed to. A notice names the tip-off by its
tracking number only; the link leads to the page where the reader, signed in, sees the rest."""

from __future__ import annotations

from django.urls import reverse

from chengxin.accounts.choices import DEPARTMENT_ROLES, NoticeKind, Role
from chengxin.accounts.models import User
from chengxin.accounts.notices import notice_send
from chengxin.dueprocess.tipoffs.models import TipOff


def notify_reporter(tipoff: TipOff, *, title: str, body: str) -> None:
    user = tipoff.reporter
    if user is None or not user.is_active:
        return
    link = reverse("tipoffs_portal:detail", kwargs={"tipoff_id": tipoff.pk})
    notice_send(user=user, kind=NoticeKind.TIP_OFF, title=title, body=body, link=link)


def notify_credit_office(tipoff: TipOff, *, title: str, body: str) -> None:
    link = reverse("tipoffs:detail", kwargs={"tipoff_id": tipoff.pk})
    for user in User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk"):
        notice_send(user=user, kind=NoticeKind.TIP_OFF, title=title, body=body, link=link)


def notify_department(tipoff: TipOff, *, title: str, body: str) -> None:
    link = reverse("tipoffs:detail", kwargs={"tipoff_id": tipoff.pk})
    staff = User.objects.filter(
        department_id=tipoff.routed_department_id, role__in=DEPARTMENT_ROLES, is_active=True
    ).order_by("pk")
    for user in staff:
        notice_send(user=user, kind=NoticeKind.TIP_OFF, title=title, body=body, link=link)
