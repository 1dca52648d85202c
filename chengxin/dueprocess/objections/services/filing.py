"""Filing an objection: by the person online, or by the credit office's reviewer at the counter."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.selectors import confirmed_citizen_account
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core import crypto
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.dueprocess.attachments import (
    CheckedFile,
    IncomingFile,
    attachments_checked,
    case_attachments_store,
    file_checked_as,
)
from chengxin.dueprocess.cases import case_inserted, case_record_locked
from chengxin.dueprocess.objections import deadlines, error_codes
from chengxin.dueprocess.objections import notices as objection_notices
from chengxin.dueprocess.objections.choices import (
    ATTACHMENT_CASE_TYPE,
    OPEN_STATUSES,
    FilingChannel,
    ObjectionGrounds,
    Transition,
)
from chengxin.dueprocess.objections.limits import TEXT
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.selectors import (
    REFUSED_RECORD_STATUSES,
    can_screen,
    record_not_found,
)
from chengxin.dueprocess.objections.services.common import (
    POWER_OF_ATTORNEY_FIELD,
    already_open,
    audit,
    field_refusal,
    flag,
    required_text,
)
from chengxin.identity.validation import id_number_checked


def objection_file_by_person(
    *,
    actor,
    record_id: int,
    grounds: str,
    text: str,
    files: Sequence[IncomingFile] = (),
    now: datetime.datetime | None = None,
    request=None,
) -> Objection:
    """The person's objection to one of their records, filed online.

    Refusals, nothing written: no confirmed citizen account (403
    ``objection_citizen_account_required``); grounds not among the choices, no text, text over
    its limit or holding an ID number (422); an attachment refused by ``attachments_checked``
    (422, each file named); a record that is not the person's (404
    ``objection_record_not_found``, as for a record that does not exist); a revoked or
    withdrawn record (409 ``objection_record_not_objectionable``); a record with an open
    objection (409 ``objection_already_open``). Flags the record ``disputed`` at once.
    """
    account = confirmed_citizen_account(actor)
    if account is None:
        raise PermissionDeniedError(
            error_codes.OBJECTION_CITIZEN_ACCOUNT_REQUIRED,
            _("只有身份已核验的公众用户可以对本人的信用记录提出异议。"),
            "Only a citizen whose identity is confirmed may object to their own records.",
        )
    grounds, text = _checked_claim(grounds=grounds, text=text)
    checked = attachments_checked(list(files))
    return _objection_create(
        actor=actor,
        record_id=record_id,
        subject_index=account.subject_index,
        grounds=grounds,
        text=text,
        channel=FilingChannel.ONLINE,
        power_of_attorney=None,
        files=checked,
        now=now or timezone.now(),
        request=request,
    )


def objection_file_on_behalf(
    *,
    actor,
    record_id: int,
    id_number: str,
    grounds: str,
    text: str,
    power_of_attorney: IncomingFile | None,
    files: Sequence[IncomingFile] = (),
    now: datetime.datetime | None = None,
    request=None,
) -> Objection:
    """An objection the credit office's reviewer files at the service counter for the person,
    who gave a power of attorney (授权委托书, attached) and whose ID number the reviewer saw.

    Refusals, nothing written: a role other than reviewer (403
    ``objection_filing_role_required``); an invalid ID number (422 ``id_number_invalid``); no
    power of attorney (422 ``objection_power_of_attorney_required``); the record is not that
    person's (422 ``objection_person_mismatch``); and the refusals of
    ``objection_file_by_person`` for the claim, the files and the record.
    """
    if not can_screen(actor):
        raise PermissionDeniedError(
            error_codes.OBJECTION_FILING_ROLE_REQUIRED,
            _("只有信用办审核员可以在服务窗口代当事人提出异议。"),
            "Only a reviewer of the credit office may file an objection for a person.",
        )
    grounds, text = _checked_claim(grounds=grounds, text=text)
    subject_index = crypto.blind_index(id_number_checked(id_number))
    proof = _checked_power_of_attorney(power_of_attorney)
    checked = attachments_checked(list(files), already=1)
    return _objection_create(
        actor=actor,
        record_id=record_id,
        subject_index=subject_index,
        grounds=grounds,
        text=text,
        channel=FilingChannel.COUNTER,
        power_of_attorney=proof,
        files=checked,
        now=now or timezone.now(),
        request=request,
    )


def _checked_claim(*, grounds: str, text: str) -> tuple[str, str]:
    if grounds not in ObjectionGrounds.values:
        raise field_refusal(
            "grounds",
            error_codes.OBJECTION_GROUNDS_INVALID,
            _(
                "请选择异议类型：记录内容有误、不是本人的记录、超过期限仍在展示、不符合列入条件或其他。"
            ),
            "Choose the grounds: wrong, not mine, shown past its period, criteria not met, other.",
        )
    return grounds, required_text(text, TEXT, code=error_codes.OBJECTION_TEXT_REQUIRED)


def _checked_power_of_attorney(incoming: IncomingFile | None) -> CheckedFile:
    if incoming is None:
        raise field_refusal(
            POWER_OF_ATTORNEY_FIELD,
            error_codes.OBJECTION_POWER_OF_ATTORNEY_REQUIRED,
            _("代当事人提出异议须上传当事人签署的授权委托书（PDF或图片）。"),
            "An objection filed for a person needs the person's signed power of attorney.",
        )
    return file_checked_as(incoming, field=POWER_OF_ATTORNEY_FIELD)


def _objection_create(
    *,
    actor,
    record_id: int,
    subject_index: str,
    grounds: str,
    text: str,
    channel: str,
    power_of_attorney: CheckedFile | None,
    files: list[CheckedFile],
    now: datetime.datetime,
    request,
) -> Objection:
    today = timezone.localdate(now)
    with transaction.atomic():
        record = _record_to_object(
            record_id, subject_index=subject_index, by_person=channel == FilingChannel.ONLINE
        )
        allowed = deadlines.decision_working_days()
        objection = case_inserted(
            Objection(
                record=record,
                record_version=record.current_version,
                department_id=record.department_id,
                subject_index=subject_index,
                grounds=grounds,
                text=text,
                channel=channel,
                filed_by=actor,
                filed_at=now,
                filed_on=today,
                flagged_at=now,
                allowed_working_days=allowed,
                deadline=deadlines.decision_deadline(today, allowed),
            ),
            already_open=already_open,
        )
        stored = case_attachments_store(
            objection,
            case_type=ATTACHMENT_CASE_TYPE,
            actor=actor,
            proof=power_of_attorney,
            files=files,
        )
        flag(record, objection=objection, disputed=True)
        audit(
            actor=actor,
            objection=objection,
            transition=Transition.FILE,
            action=AuditAction.CREATE,
            detail={
                "grounds": grounds,
                "channel": channel,
                "record_version": objection.record_version,
                "deadline": objection.deadline.isoformat(),
                "attachments": stored,
            },
            request=request,
        )
        _notify_filed(objection)
    return objection


def _record_to_object(record_id: int, *, subject_index: str, by_person: bool) -> CreditRecord:
    """The record, locked, if the person may object to it now."""
    record = case_record_locked(
        record_id,
        subject_index=subject_index,
        by_person=by_person,
        not_found=record_not_found,
        mismatch_code=error_codes.OBJECTION_PERSON_MISMATCH,
    )
    if record.status in REFUSED_RECORD_STATUSES:
        raise DomainError(
            code=error_codes.OBJECTION_RECORD_NOT_OBJECTIONABLE,
            message=_("该记录状态为“%(status)s”，已不再公示和用于核查，不能提出异议。")
            % {"status": RecordStatus(record.status).label},
            message_en="The record is revoked or withdrawn; it can no longer be objected to.",
            status=409,
        )
    if Objection.objects.filter(record=record, status__in=OPEN_STATUSES).exists():
        raise already_open()
    return record


def _notify_filed(objection: Objection) -> None:
    words = objection_notices.record_words(objection)
    deadline = objection.deadline.isoformat()
    objection_notices.notify_department(
        objection,
        title=_("新的异议待处理"),
        body=_("有当事人对本部门提供的信用记录%(record)s提出异议，请在%(deadline)s前作出处理决定。")
        % {"record": words, "deadline": deadline},
    )
    objection_notices.notify_person(
        objection,
        title=_("异议已提交"),
        body=_(
            "您对%(record)s提出的异议已提交，该记录已标注为“异议中”。信息提供单位应在%(deadline)s前作出处理决定。"
        )
        % {"record": words, "deadline": deadline},
    )
