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
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
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
    person's choice; staff accounts get the inbox only). Returns the inbox message.

    A mail server or SMS gateway that fails is logged (the notice's id and the error's kind,
    nothing personal): the inbox message stays and the request goes on."""
    title = text_checked(title, NOTICE_TITLE)
    body = text_checked(body, NOTICE_BODY)
    channels = [NoticeChannel.SITE.value, *_chosen_channels(user)]
    notice = Notice.objects.create(
        user=user, kind=kind, title=title, body=body, link=link, channels=channels
    )
    transaction.on_commit(partial(_deliver_all, [notice.pk]), robust=True)
    return notice


@dataclass(frozen=True)
class NoticeDraft:
    """One message of ``notices_send_many``: to whom, and what."""

    user: object
    title: str
    body: str
    link: str = ""


def notices_send_many(*, kind: str, drafts: Sequence[NoticeDraft]) -> list[Notice]:
    """``notice_send`` for many people at once (a chunk of an import): the inbox messages in one
    insert, delivery by e-mail and SMS after commit in one callback."""
    notices = [
        Notice(
            user=draft.user,
            kind=kind,
            title=text_checked(draft.title, NOTICE_TITLE),
            body=text_checked(draft.body, NOTICE_BODY),
            link=draft.link,
            channels=[NoticeChannel.SITE.value, *_chosen_channels(draft.user)],
        )
        for draft in drafts
    ]
    created = Notice.objects.bulk_create(notices)
    outgoing = [notice.pk for notice in created if len(notice.channels) > 1]
    if outgoing:
        transaction.on_commit(partial(_deliver_all, outgoing), robust=True)
    return created


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


def _deliver_all(notice_ids: list[int]) -> None:
    """Send the notices that go out by e-mail or SMS (after the commit that wrote them)."""
    notices = Notice.objects.select_related("user", "user__citizen_account").filter(
        pk__in=notice_ids
    )
    for notice in notices:
        _deliver(notice)


def _deliver(notice: Notice) -> None:
    text = _outgoing_text(notice)
    if NoticeChannel.EMAIL in notice.channels and notice.user.email:
        _sent_or_logged(notice, NoticeChannel.EMAIL, partial(_email, notice, text))
    account = getattr(notice.user, "citizen_account", None)
    if NoticeChannel.SMS in notice.channels and account is not None and account.mobile:
        send = partial(sms_backend().send, mobile=account.mobile, text=text, notice_id=notice.pk)
        _sent_or_logged(notice, NoticeChannel.SMS, send)


def _email(notice: Notice, text: str) -> None:
    send_mail(
        subject=f"{settings.CHENGXIN_SITE_NAME}：{notice.title}",
        message=text,
        from_email=None,
        recipient_list=[notice.user.email],
    )


# What a mail server or an SMS gateway raises when it is down or refuses a message.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError, TimeoutError)


def _sent_or_logged(notice: Notice, channel: str, send) -> None:
    """Send one message; a failure is logged without personal data (the error's text may name
    the address) and never reaches the request or the other messages."""
    try:
        send()
    except DELIVERY_ERRORS as error:
        logger.warning(
            "Notice %s was not sent by %s (%s); it stays in the inbox.",
            notice.pk,
            channel,
            type(error).__name__,
        )


def _outgoing_text(notice: Notice) -> str:
    base = (settings.CHENGXIN_PUBLIC_URL or "").rstrip("/")
    where = f"\n{base}{notice.link}" if notice.link and base else ""
    return f"{notice.title}\n{notice.body}{where}"


def notice_mark_read(*, user, notice_id: int) -> bool:
    """Mark one of ``user``'s notices as read; ``False`` when ``user`` has no such notice (a
    notice of someone else is not found). Not audited: reading one's own inbox changes nothing
    anyone else relies on."""
    updated = Notice.objects.filter(pk=notice_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return bool(updated) or Notice.objects.filter(pk=notice_id, user=user).exists()


def notices_mark_all_read(*, user) -> int:
    """Mark every unread notice of ``user`` as read; returns how many."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
