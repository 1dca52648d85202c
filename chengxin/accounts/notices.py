"""Notices to people with an account (SPEC §8): an inbox message, and e-mail or SMS by choice.

``notice_send`` is the one way to tell a person something: it writes the inbox message in the
caller's transaction and, after the transaction commits, sends it by e-mail (Django's mail
framework: the console in the demo, SMTP in production) and by SMS (a pluggable backend,
``CHENGXIN_SMS_BACKEND``; the default writes one log line without the text) to the citizens who
chose so. A notice's text may not hold an ID number, and says only what the person may read in
their account: it points there for the details.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.choices import NoticeChannel
from chengxin.accounts.models import Notice
from chengxin.core.text import TextField, text_checked

logger = logging.getLogger(__name__)

NOTICE_TITLE = TextField(name="title", label=_("标题"), max_length=120)
NOTICE_BODY = TextField(name="body", label=_("内容"), max_length=2000)


class LoggingSmsBackend:
    """The demo's SMS backend: one log line per message, naming the account, not the text."""

    def send(self, *, mobile: str, text: str, notice_id: int) -> None:
        logger.info("SMS for notice %s to a mobile ending in %s.", notice_id, mobile[-4:])


def sms_backend():
    """The configured SMS backend (an object with ``send(*, mobile, text, notice_id)``)."""
    return import_string(settings.CHENGXIN_SMS_BACKEND)()


def notice_send(*, user, kind: str, title: str, body: str, link: str = "") -> Notice:
    """Tell ``user`` something: the inbox message now, e-mail and SMS after commit (by the
    person's choice; staff accounts get the inbox only). Returns the inbox message."""
    title = text_checked(title, NOTICE_TITLE)
    body = text_checked(body, NOTICE_BODY)
    channels = [NoticeChannel.SITE.value, *_chosen_channels(user)]
    notice = Notice.objects.create(
        user=user, kind=kind, title=title, body=body, link=link, channels=channels
    )
    transaction.on_commit(partial(_deliver, notice.pk), robust=True)
    return notice


def _chosen_channels(user) -> list[str]:
    account = getattr(user, "citizen_account", None)
    if account is None:
        return []
    channels = []
    if account.notify_by_email and user.email:
        channels.append(NoticeChannel.EMAIL.value)
    if account.notify_by_sms and account.mobile:
        channels.append(NoticeChannel.SMS.value)
    return channels


def _deliver(notice_id: int) -> None:
    notice = Notice.objects.select_related("user", "user__citizen_account").get(pk=notice_id)
    text = _outgoing_text(notice)
    if NoticeChannel.EMAIL in notice.channels:
        send_mail(
            subject=f"{settings.CHENGXIN_SITE_NAME}：{notice.title}",
            message=text,
            from_email=None,
            recipient_list=[notice.user.email],
        )
    if NoticeChannel.SMS in notice.channels:
        sms_backend().send(
            mobile=notice.user.citizen_account.mobile, text=text, notice_id=notice.pk
        )


def _outgoing_text(notice: Notice) -> str:
    base = (settings.CHENGXIN_PUBLIC_URL or "").rstrip("/")
    where = f"\n{base}{notice.link}" if notice.link and base else ""
    return f"{notice.title}\n{notice.body}{where}"
