"""Writes of credit repair: one service per transition of the state machine (``choices``;
docs/dueprocess.md, "Credit repair").

Each service takes keyword arguments with an explicit ``actor`` (``None`` for the daily job)
and ``now`` (an aware datetime; the day, in Asia/Shanghai, is taken from it), runs in one
transaction, locks the application's row (and the record's, where the record changes), checks
the source state (409 otherwise), writes the change and exactly one audit event of the
application, and sends its notices. A refusal writes nothing.

Who may do what: the person (a confirmed citizen account bound to the record's person) applies
online; the credit office's reviewer applies for the person at the service counter, with a
power of attorney; the providers of the record's department (谁认定、谁修复) decide. Approval
marks the record ``repaired`` through ``collection.services.record_repair`` (its new version,
its audit event and its outbox event, in the same transaction).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind
from chengxin.accounts.selectors import confirmed_citizen_account
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import record_repair
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import text_checked
from chengxin.dueprocess.attachments import (
    CheckedFile,
    IncomingFile,
    attachment_add,
    attachment_open,
    attachments_checked,
)
from chengxin.dueprocess.cases import field_refusal as _field_refusal
from chengxin.dueprocess.cases import required_text as _required_text
from chengxin.dueprocess.cases import transition_audit
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections.selectors import objection_open_for_record
from chengxin.dueprocess.objections.services.filing import _checked_id_number
from chengxin.dueprocess.repairs import deadlines, error_codes, notices
from chengxin.dueprocess.repairs.choices import (
    ATTACHMENT_CASE_TYPE,
    REPAIR_OBJECT_TYPE,
    TRANSITIONS,
    RepairChannel,
    RepairOutcome,
    RepairStatus,
    Transition,
)
from chengxin.dueprocess.repairs.commitment import current_template, text_sha256
from chengxin.dueprocess.repairs.limits import REASONS, TEXT
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.selectors import (
    already_open,
    can_answer,
    can_screen,
    not_found,
    record_not_found,
    repair_refusal,
)

ATTACHMENT_OBJECT_TYPE = "repairs.attachment"
CASE_READ_PURPOSE = "信用修复办理"
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
    subject_index = crypto.blind_index(_checked_id_number(id_number))
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
    try:
        return attachments_checked([incoming])[0]
    except DomainError as error:
        for item in error.details.get("errors", []):
            item["field"] = POWER_OF_ATTORNEY_FIELD
        raise


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
        repair = _repair_insert(
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
            )
        )
        stored = _attachments_store(repair, actor=actor, proof=power_of_attorney, files=files)
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
    record = (
        CreditRecord.objects.select_for_update()
        .select_related("department", "item")
        .filter(pk=record_id)
        .first()
    )
    if record is None or (by_person and record.subject_index != subject_index):
        raise record_not_found()
    if record.subject_index != subject_index:
        raise _field_refusal(
            "record_id",
            error_codes.REPAIR_PERSON_MISMATCH,
            _("该记录不是此身份证号码所属当事人的记录，请核对记录编号和身份证件。"),
            "The record is not about the person with this ID number.",
        )
    refusal = repair_refusal(record, today=today)
    if refusal is not None:
        raise refusal
    return record


def _repair_insert(repair: Repair) -> Repair:
    """Insert, turning the one-open-application constraint into its 409 (two at once)."""
    try:
        with transaction.atomic():
            repair.save(force_insert=True)
    except IntegrityError:
        raise already_open() from None
    return repair


def _attachments_store(
    repair: Repair, *, actor, proof: CheckedFile | None, files: list[CheckedFile]
) -> int:
    def add(file: CheckedFile) -> Attachment:
        return attachment_add(
            case_type=ATTACHMENT_CASE_TYPE,
            case_id=str(repair.pk),
            subject_index=repair.subject_index,
            file=file,
            actor=actor,
        )

    if proof is not None:
        repair.power_of_attorney = add(proof)
        repair.save(update_fields=["power_of_attorney", "updated_at"])
    for file in files:
        add(file)
    return len(files) + (proof is not None)


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


# --- Deciding ---------------------------------------------------------------------------------


def repair_decide(
    *,
    actor,
    repair_id: int,
    outcome: str,
    reasons: str,
    now: datetime.datetime | None = None,
    request=None,
) -> Repair:
    """The deciding department's decision (applied → approved or rejected), with reasons
    (required when rejected). Approved: the record becomes ``repaired`` at once (a new version,
    its audit event and outbox event, through ``collection.services.record_repair``).

    Refusals, nothing written: not a provider (403 ``repair_decision_role_required``), another
    department's record (403 ``repair_wrong_department``), an outcome not among the choices or
    a rejection without reasons (422), a second decision (409 ``repair_already_decided``), a
    record under objection since the application (409 ``repair_record_disputed``) or no longer
    active (409 ``record_not_active``).
    """
    now = now or timezone.now()
    _check_answerer(actor)
    if outcome not in RepairOutcome.values:
        raise _field_refusal(
            "outcome",
            error_codes.REPAIR_OUTCOME_INVALID,
            _("请选择决定结果：准予修复或不予修复。"),
            "Choose the outcome: approved or rejected.",
        )
    if outcome == RepairOutcome.REJECTED:
        reasons = _required_text(reasons, REASONS, code=error_codes.REPAIR_REASONS_REQUIRED)
    else:
        reasons = text_checked(reasons or "", REASONS)
    with transaction.atomic():
        repair = _locked(repair_id)
        _check_department(actor, repair)
        _check_source(repair, Transition.DECIDE)
        if outcome == RepairOutcome.APPROVED:
            _approve(repair, actor=actor, now=now)
        else:
            repair.status = RepairStatus.REJECTED
        repair.reasons = reasons
        repair.decided_at, repair.decided_on = now, timezone.localdate(now)
        repair.decided_by = actor
        repair.deadline = None
        repair.save()
        _audit(
            actor=actor,
            repair=repair,
            transition=Transition.DECIDE,
            action=AuditAction.DECISION,
            detail={"outcome": repair.status, "repaired_version": repair.repaired_version},
            request=request,
        )
        _notify_decided(repair)
    return repair


def _approve(repair: Repair, *, actor, now: datetime.datetime) -> None:
    record = (
        CreditRecord.objects.select_for_update()
        .select_related("department", "item")
        .get(pk=repair.record_id)
    )
    if record.disputed or objection_open_for_record(record.pk):
        raise DomainError(
            code=error_codes.REPAIR_RECORD_DISPUTED,
            message=_("该记录有正在处理的异议，请先对异议作出处理决定，再决定信用修复。"),
            message_en="The record is under objection; decide the objection first.",
            status=409,
        )
    record_repair(actor=actor, record=record, now=now, detail={"repair_id": repair.pk})
    repair.status = RepairStatus.APPROVED
    repair.repaired_version = record.current_version


def _notify_decided(repair: Repair) -> None:
    words = notices.record_words(repair)
    if repair.status == RepairStatus.APPROVED:
        title = _("信用修复申请已准予")
        body = _(
            "您对%(record)s的信用修复申请已准予：该记录已修复，不再公示，不再用于核查和名单；"
            "您本人的信用档案中仍可查看该记录及其日期。"
        ) % {"record": words}
    else:
        title = _("信用修复申请未予准许")
        body = _("您对%(record)s的信用修复申请不予修复。请登录查看决定理由。") % {"record": words}
    notices.notify_person(repair, title=title, body=body)


# --- The daily job ----------------------------------------------------------------------------


def repair_mark_overdue(*, repair_id: int, today: datetime.date, actor=None) -> bool:
    """Mark an open application whose deadline has passed as overdue (once per deadline), and
    tell the person and the department. ``False`` when there is nothing to mark."""
    with transaction.atomic():
        repair = _locked(repair_id)
        _check_source(repair, Transition.MARK_OVERDUE)
        due = repair.deadline
        if due is None or due >= today or repair.overdue_since is not None:
            return False
        repair.overdue_since = due + datetime.timedelta(days=1)
        repair.save(update_fields=["overdue_since", "updated_at"])
        _audit(
            actor=actor,
            repair=repair,
            transition=Transition.MARK_OVERDUE,
            detail={"deadline": due.isoformat()},
        )
        words = notices.record_words(repair)
        notices.notify_person(
            repair,
            kind=NoticeKind.DEADLINE,
            title=_("信用修复办理已超期"),
            body=_("您对%(record)s的信用修复申请未能在%(deadline)s前作出决定，平台已督促办理。")
            % {"record": words, "deadline": due.isoformat()},
        )
        notices.notify_department(
            repair,
            kind=NoticeKind.DEADLINE,
            title=_("信用修复办理已超期"),
            body=_("对%(record)s的信用修复申请已超过%(deadline)s的决定期限，请尽快作出决定。")
            % {"record": words, "deadline": due.isoformat()},
        )
    return True


def repair_remind(*, repair_id: int, today: datetime.date, actor=None) -> bool:
    """Remind the department that an open application's deadline is near (within
    ``repair.reminder_working_days``; once per deadline). ``False`` when not due."""
    with transaction.atomic():
        repair = _locked(repair_id)
        _check_source(repair, Transition.REMIND)
        due = repair.deadline
        if due is None or repair.reminded_for == due or due < today:
            return False
        left = deadlines.working_days_left([due], today=today)[due]
        if left > deadlines.reminder_working_days():
            return False
        repair.reminded_for = due
        repair.save(update_fields=["reminded_for", "updated_at"])
        _audit(
            actor=actor,
            repair=repair,
            transition=Transition.REMIND,
            detail={"deadline": due.isoformat(), "working_days_left": left},
        )
        notices.notify_department(
            repair,
            kind=NoticeKind.DEADLINE,
            title=_("信用修复决定即将到期"),
            body=_("对%(record)s的信用修复申请将于%(deadline)s到期，请及时作出决定。")
            % {"record": notices.record_words(repair), "deadline": due.isoformat()},
        )
    return True


# --- Audited reads ----------------------------------------------------------------------------


def repair_case_read(*, actor, repair: Repair, request=None) -> None:
    """Record that ``actor`` opened the case (``repair`` from a visibility selector)."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=repair.subject_index,
        object_type=REPAIR_OBJECT_TYPE,
        object_id=str(repair.pk),
        purpose=CASE_READ_PURPOSE,
        detail={"record_id": repair.record_id, "status": repair.status},
        request=request,
    )


def repair_attachment_open(*, actor, repair: Repair, attachment: Attachment, request=None) -> bytes:
    """The bytes of one file of the case; every download is an audited read."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=repair.subject_index,
        object_type=ATTACHMENT_OBJECT_TYPE,
        object_id=str(attachment.pk),
        purpose=CASE_READ_PURPOSE,
        detail={"repair_id": repair.pk, "kind": attachment.kind, "size": attachment.size},
        request=request,
    )
    return attachment_open(attachment)


# --- Shared steps -----------------------------------------------------------------------------


def _locked(repair_id: int) -> Repair:
    repair = (
        Repair.objects.select_for_update()
        .select_related("record__item", "department")
        .filter(pk=repair_id)
        .first()
    )
    if repair is None:
        raise not_found()
    return repair


def _check_answerer(actor) -> None:
    if not can_answer(actor):
        raise PermissionDeniedError(
            error_codes.REPAIR_DECISION_ROLE_REQUIRED,
            _("只有认定单位的数据报送员可以对信用修复申请作出决定。"),
            "Only a data provider of the deciding department may decide repair applications.",
        )


def _check_department(actor, repair: Repair) -> None:
    if actor.department_id != repair.department_id:
        raise PermissionDeniedError(
            error_codes.REPAIR_WRONG_DEPARTMENT,
            _("该记录由其他部门认定，只有认定单位可以决定其信用修复（谁认定、谁修复）。"),
            "The record is another department's; only the deciding department decides.",
        )


def _check_source(repair: Repair, transition: str) -> None:
    if repair.status in TRANSITIONS[transition]:
        return
    if transition == Transition.DECIDE and repair.decided_at is not None:
        raise DomainError(
            code=error_codes.REPAIR_ALREADY_DECIDED,
            message=_("该申请已于%(day)s作出决定，不能再次决定。")
            % {"day": repair.decided_on.isoformat()},
            message_en="The application has already been decided.",
            status=409,
        )
    raise DomainError(
        code=error_codes.REPAIR_STATE_CONFLICT,
        message=_("该申请当前状态为“%(status)s”，不能%(step)s。")
        % {"status": RepairStatus(repair.status).label, "step": Transition(transition).label},
        message_en=f"The application is {repair.status}; it cannot be {transition}.",
        status=409,
    )


def _audit(
    *,
    actor,
    repair: Repair,
    transition: str,
    action: str = AuditAction.UPDATE,
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> None:
    transition_audit(
        actor=actor,
        object_type=REPAIR_OBJECT_TYPE,
        case=repair,
        subject_index=repair.subject_index,
        transition=transition,
        facts={"record_id": repair.record_id, "department": repair.department.code},
        action=action,
        detail=detail,
        request=request,
    )
