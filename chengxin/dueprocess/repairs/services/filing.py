"""Applying for credit repair: online by the person, or at the service counter for the person with
a power of attorney (docs/dueprocess.md, "Credit repair")."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.selectors import confirmed_citizen_account
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
from chengxin.dueprocess.cases import field_refusal as _field_refusal
from chengxin.dueprocess.cases import required_text as _required_text
from chengxin.dueprocess.repairs import deadlines, error_codes, notices
from chengxin.dueprocess.repairs.choices import (
    ATTACHMENT_CASE_TYPE,
    RepairChannel,
    Transition,
)
from chengxin.dueprocess.repairs.commitment import current_template, text_sha256
from chengxin.dueprocess.repairs.limits import TEXT
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.selectors import (
    already_open,
    can_screen,
    record_not_found,
    repair_refusal,
)
from chengxin.dueprocess.repairs.services.common import _audit
from chengxin.identity.validation import id_number_checked

POWER_OF_ATTORNEY_FIELD = "power_of_attorney"


# --- Applying ---------------------------------------------------------------------------------


def repair_apply_by_person(
    *,
    actor,
    record_id: int,
    text: str,
    commitment_version: str,
    commitment_accepted: bool,
    files: Sequence[IncomingFile] = (),
    now: datetime.datetime | None = None,
    request=None,
) -> Repair:
    """The person's application to repair one of their records, made online.

    Refusals, nothing written: no confirmed citizen account (403
    ``repair_citizen_account_required``); no text, text over its limit or holding an ID number
    (422); the commitment not accepted (422 ``repair_commitment_required``) or accepted in a
    version no longer in force (409 ``repair_commitment_outdated``); no proof, or a file refused
    by ``attachments_checked`` (422); a record that is not the person's (404
    ``repair_record_not_found``); and the eligibility refusals of
    ``selectors.repair_refusal``.
    """
    account = confirmed_citizen_account(actor)
    if account is None:
        raise PermissionDeniedError(
            error_codes.REPAIR_CITIZEN_ACCOUNT_REQUIRED,
            _("只有身份已核验的公众用户可以为本人的信用记录申请信用修复。"),
            "Only a citizen whose identity is confirmed may apply to repair their own records.",
        )
    text = _required_text(text, TEXT, code=error_codes.REPAIR_TEXT_REQUIRED)
    _check_commitment(commitment_version, commitment_accepted)
    checked = _checked_proof(files, already=0)
    return _repair_create(
        actor=actor,
        record_id=record_id,
        subject_index=account.subject_index,
        text=text,
        channel=RepairChannel.ONLINE,
        power_of_attorney=None,
        files=checked,
        now=now or timezone.now(),
        request=request,
    )


def repair_apply_on_behalf(
    *,
    actor,
    record_id: int,
    id_number: str,
    text: str,
    commitment_version: str,
    commitment_accepted: bool,
    power_of_attorney: IncomingFile | None,
    files: Sequence[IncomingFile] = (),
    now: datetime.datetime | None = None,
    request=None,
) -> Repair:
    """An application the credit office's reviewer makes at the service counter for the person,
    who signed a power of attorney (授权委托书) and the commitment, and whose ID card the
    reviewer saw.

    Refusals, nothing written: a role other than reviewer (403 ``repair_filing_role_required``);
    an invalid ID number (422 ``id_number_invalid``); no power of attorney (422
    ``repair_power_of_attorney_required``); the record is not that person's (422
    ``repair_person_mismatch``); and the refusals of ``repair_apply_by_person``.
    """
    if not can_screen(actor):
        raise PermissionDeniedError(
            error_codes.REPAIR_FILING_ROLE_REQUIRED,
            _("只有信用办审核员可以在服务窗口代当事人申请信用修复。"),
            "Only a reviewer of the credit office may apply for repair for a person.",
        )
    text = _required_text(text, TEXT, code=error_codes.REPAIR_TEXT_REQUIRED)
    _check_commitment(commitment_version, commitment_accepted)
    subject_index = crypto.blind_index(id_number_checked(id_number))
    proof = _checked_power_of_attorney(power_of_attorney)
    checked = _checked_proof(files, already=1)
    return _repair_create(
        actor=actor,
        record_id=record_id,
        subject_index=subject_index,
        text=text,
        channel=RepairChannel.COUNTER,
        power_of_attorney=proof,
        files=checked,
        now=now or timezone.now(),
        request=request,
    )


def _check_commitment(version: str, accepted: bool) -> None:
    if accepted is not True:
        raise _field_refusal(
            "commitment_accepted",
            error_codes.REPAIR_COMMITMENT_REQUIRED,
            _("申请信用修复须阅读并接受信用承诺书。"),
            "The credit commitment must be read and accepted.",
        )
    template = current_template()
    if version != template.version:
        raise DomainError(
            code=error_codes.REPAIR_COMMITMENT_OUTDATED,
            message=_("信用承诺书已更新（现行版本 %(version)s），请阅读现行文本后重新提交。")
            % {"version": template.version},
            message_en=f"The commitment was updated (now version {template.version}); "
            "read the current text and apply again.",
            status=409,
            details={
                "errors": [
                    {
                        "field": "commitment_version",
                        "code": error_codes.REPAIR_COMMITMENT_OUTDATED,
                        "message": _("信用承诺书已更新，请阅读现行文本后重新提交。"),
                        "message_en": "The commitment was updated.",
                    }
                ],
                "commitment_version": template.version,
            },
        )


def _checked_proof(files: Sequence[IncomingFile], *, already: int) -> list[CheckedFile]:
    if not files:
        raise _field_refusal(
            "attachments",
            error_codes.REPAIR_PROOF_REQUIRED,
            _("请上传已履行义务、纠正失信行为的证明材料（如缴款凭证、整改报告），至少一个文件。"),
            "Attach proof that the obligation was met (at least one file).",
        )
    return attachments_checked(list(files), already=already)


def _checked_power_of_attorney(incoming: IncomingFile | None) -> CheckedFile:
    if incoming is None:
        raise _field_refusal(
            POWER_OF_ATTORNEY_FIELD,
            error_codes.REPAIR_POWER_OF_ATTORNEY_REQUIRED,
            _("代当事人申请信用修复须上传当事人签署的授权委托书（PDF或图片）。"),
            "An application made for a person needs the person's signed power of attorney.",
        )
    return file_checked_as(incoming, field=POWER_OF_ATTORNEY_FIELD)


def _repair_create(
    *,
    actor,
    record_id: int,
    subject_index: str,
    text: str,
    channel: str,
    power_of_attorney: CheckedFile | None,
    files: list[CheckedFile],
    now: datetime.datetime,
    request,
) -> Repair:
    today = timezone.localdate(now)
    template = current_template()
    with transaction.atomic():
        record = _record_to_repair(
            record_id,
            subject_index=subject_index,
            by_person=channel == RepairChannel.ONLINE,
            today=today,
        )
        allowed = deadlines.decision_working_days()
        repair = case_inserted(
            Repair(
                record=record,
                record_version=record.current_version,
                department_id=record.department_id,
                subject_index=subject_index,
                text=text,
                channel=channel,
                commitment_version=template.version,
                commitment_text=template.text,
                commitment_sha256=text_sha256(template.text),
                commitment_accepted_at=now,
                applied_by=actor,
                applied_at=now,
                applied_on=today,
                allowed_working_days=allowed,
                deadline=deadlines.decision_deadline(today, allowed),
            ),
            already_open=already_open,
        )
        stored = case_attachments_store(
            repair,
            case_type=ATTACHMENT_CASE_TYPE,
            actor=actor,
            proof=power_of_attorney,
            files=files,
        )
        _audit(
            actor=actor,
            repair=repair,
            transition=Transition.APPLY,
            action=AuditAction.CREATE,
            detail={
                "channel": channel,
                "record_version": repair.record_version,
                "deadline": repair.deadline.isoformat(),
                "commitment_version": repair.commitment_version,
                "commitment_sha256": repair.commitment_sha256,
                "attachments": stored,
            },
            request=request,
        )
        _notify_applied(repair)
    return repair


def _record_to_repair(
    record_id: int, *, subject_index: str, by_person: bool, today: datetime.date
) -> CreditRecord:
    """The record, locked, if the person may apply to repair it now."""
    record = case_record_locked(
        record_id,
        subject_index=subject_index,
        by_person=by_person,
        not_found=record_not_found,
        mismatch_code=error_codes.REPAIR_PERSON_MISMATCH,
    )
    refusal = repair_refusal(record, today=today)
    if refusal is not None:
        raise refusal
    return record


def _notify_applied(repair: Repair) -> None:
    words = notices.record_words(repair)
    deadline = repair.deadline.isoformat()
    notices.notify_department(
        repair,
        title=_("新的信用修复申请待决定"),
        body=_("有当事人申请修复本部门认定的信用记录%(record)s，请在%(deadline)s前作出决定。")
        % {"record": words, "deadline": deadline},
    )
    notices.notify_person(
        repair,
        title=_("信用修复申请已提交"),
        body=_(
            "您对%(record)s的信用修复申请已提交，认定单位应在%(deadline)s前作出决定。信用修复不收取任何费用。"
        )
        % {"record": words, "deadline": deadline},
    )
