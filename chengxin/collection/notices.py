"""Telling people with an account about a new negative record of theirs (SPEC §8; docs/citizens.md).

When a submission creates a record, or a new version of one, of a negative item that is disclosed
to the public (item disclosure ``public``, severity not ``minor``, the record active), the person
it concerns gets a notice if they have a confirmed account. Set-based, as the rest of the ingest
path: after a chunk is applied, the accounts of its records' people are looked up in one query,
and the notices are written in one insert (``accounts.notices.notices_send_many``) in the chunk's
transaction; e-mail and SMS go out after it commits. The notice names the item, the deciding
department and the decision date, never the ID number.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind
from chengxin.accounts.notices import NoticeDraft, notices_send_many
from chengxin.accounts.selectors import confirmed_accounts_by_subject
from chengxin.catalog.choices import Category, Disclosure, Severity
from chengxin.collection.choices import Outcome, RecordStatus

NOTIFIED_OUTCOMES = frozenset({Outcome.CREATED, Outcome.UPDATED})
MY_FILE_LINK = "/my/"


def item_is_disclosed_negative(item) -> bool:
    """Negative, disclosed to the public, and not minor (minor records are never disclosed)."""
    return (
        item.category == Category.NEGATIVE
        and item.disclosure == Disclosure.PUBLIC
        and item.severity != Severity.MINOR
    )


def record_notices_send(batch) -> int:
    """Notices for the chunk's new or changed active records of a disclosed negative item whose
    person has a confirmed account; returns how many were written."""
    if not item_is_disclosed_negative(batch.item):
        return 0
    people = _records_by_person(batch)
    if not people:
        return 0
    accounts = confirmed_accounts_by_subject(people)
    drafts = [
        _draft(batch, account.user, decided_on=people[index])
        for index, account in sorted(accounts.items())
    ]
    return len(notices_send_many(kind=NoticeKind.RECORD, drafts=drafts))


def _records_by_person(batch) -> dict[str, object]:
    """Blind index → decision date of the person's (latest) new record in the chunk."""
    notified_rows = {result.row for result in batch.results if result.outcome in NOTIFIED_OUTCOMES}
    people: dict[str, object] = {}
    for good in batch.good:
        if good.row not in notified_rows or _dates_status(batch, good) != RecordStatus.ACTIVE:
            continue
        known = people.get(good.subject_index)
        if known is None or good.decided_on > known:
            people[good.subject_index] = good.decided_on
    return people


def _dates_status(batch, good) -> str:
    found = batch.dates.get(good.decided_on)
    return found[1] if found is not None else RecordStatus.ACTIVE


def _draft(batch, user, *, decided_on) -> NoticeDraft:
    item = batch.item
    department = batch.submission.department
    return NoticeDraft(
        user=user,
        title=_("您有一条新的失信信息记录"),
        body=_(
            "%(department)s报送了一条关于您的“%(item)s”记录（决定日期%(date)s），该信息依法向社会公示。"
            "您可以登录查看记录详情和依据；如认为记录有误，可以提出异议。"
        )
        % {
            "department": department.name,
            "item": item.name,
            "date": decided_on.isoformat(),
        },
        link=MY_FILE_LINK,
    )
