"""Writes of tip-offs: one service per transition of the state machine (``choices``,
docs/dueprocess.md, "Tip-offs").

Each service takes keyword arguments with an explicit ``actor`` and ``now`` (an aware datetime;
the day, in Asia/Shanghai, is taken from it), checks its input before opening the transaction,
runs in one transaction, locks the tip-off's row (``select_for_update``), checks that the tip-off
is in one of the transition's source states (409 otherwise), writes the change and exactly one
audit event, and sends its notices. A refusal writes nothing.

Who may do what: anyone files (anonymous visitors and citizens; staff accounts are refused, their
tip-offs go through their own department's channels); the credit office's reviewer routes a
tip-off to the competent department or finds it not admissible, and closes it once answered; a
provider or officer of the department it was routed to answers it.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department
from chengxin.accounts.permissions import is_staff_member
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import TextField, text_checked
from chengxin.dueprocess.attachments import (
    IncomingFile,
    attachment_add,
    attachments_checked,
    case_attachment_read,
)
from chengxin.dueprocess.cases import case_locked, transition_audit
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.tipoffs import deadlines, error_codes
from chengxin.dueprocess.tipoffs import notices as tipoff_notices
from chengxin.dueprocess.tipoffs.choices import (
    ATTACHMENT_CASE_TYPE,
    ATTACHMENT_OBJECT_TYPE,
    TIPOFF_OBJECT_TYPE,
    TRANSITIONS,
    AnswerOutcome,
    RefusalReason,
    TipOffCategory,
    TipOffStatus,
    Transition,
)
from chengxin.dueprocess.tipoffs.limits import (
    ANSWER,
    NAME,
    NOTE,
    REASONS,
    RECORD_REFERENCE,
    TEXT,
)
from chengxin.dueprocess.tipoffs.models import ID_NUMBER_PURPOSE, NAME_PURPOSE, TipOff
from chengxin.dueprocess.tipoffs.selectors import (
    can_answer,
    can_screen,
    normalised_code,
    not_found,
)
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number, mask_name
from chengxin.identity.validation import id_number_checked

# The alphabet of tracking numbers and query codes: no look-alikes (0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
NUMBER_PREFIX = "JB"
NUMBER_RANDOM_LENGTH = 6
QUERY_CODE_LENGTH = 12
CASE_READ_PURPOSE = "举报办理"
_NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class FiledTipOff:
    """A filed tip-off and its query code in clear: shown to the reporter once, never kept."""

    tipoff: TipOff
    query_code: str


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _position in range(length))


def tracking_number(day: datetime.date) -> str:
    """``JB20261203K7QX2M``: the filing day and six random characters (31^6, about 887
    million per day)."""
    return f"{NUMBER_PREFIX}{day:%Y%m%d}{_random(NUMBER_RANDOM_LENGTH)}"


def query_code_display(code: str) -> str:
    """``ABCD-EFGH-JKMN``: the code in groups of four, as the reporter is shown it."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


# --- Filing -----------------------------------------------------------------------------------


def tipoff_file(
    *,
    actor,
    category: str,
    text: str,
    concerned_name: str = "",
    id_number: str = "",
    record_reference: str = "",
    department_id: int | None = None,
    files: Sequence[IncomingFile] = (),
    now: datetime.datetime | None = None,
    request=None,
) -> FiledTipOff:
    """File a tip-off, anonymously (``actor`` ``None`` or anonymous) or from a citizen account.

    Refusals, nothing written: a staff account (403 ``tipoff_filing_role_refused``); a category
    not among the choices (422 ``tipoff_category_invalid``); no text (422
    ``tipoff_text_required``); a text field over its limit or holding an ID number (422); an ID
    number that fails the identity rules (422 ``id_number_invalid``); a department that does not
    exist (422 ``tipoff_department_unknown``); an attachment refused by ``attachments_checked``
    (422, each file named). The answer carries the query code once; only its hash is kept.
    """
    now = now or timezone.now()
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if signed_in and (is_staff_member(actor) or actor.role != Role.CITIZEN):
        raise PermissionDeniedError(
            error_codes.TIPOFF_FILING_ROLE_REFUSED,
            _("工作人员账户不能在公众网站提交举报；请退出登录后提交，或通过本单位渠道报告。"),
            "Staff accounts cannot file tip-offs on the public site; sign out first.",
        )
    if category not in TipOffCategory.values:
        raise _field(
            "category",
            error_codes.TIPOFF_CATEGORY_INVALID,
            _("请选择举报类型：失信行为、信用记录虚假或错误、违规使用个人信用信息或其他。"),
            "Choose the category of the tip-off.",
        )
    text = _required(text, TEXT, code=error_codes.TIPOFF_TEXT_REQUIRED)
    concerned_name = text_checked(concerned_name, NAME)
    record_reference = text_checked(record_reference, RECORD_REFERENCE)
    number = _checked_id_number(id_number)
    department = _checked_department(department_id)
    checked = attachments_checked(list(files))
    code = _random(QUERY_CODE_LENGTH)
    today = timezone.localdate(now)
    tipoff = TipOff(
        query_code_hash=make_password(code),
        category=category,
        text=text,
        record_reference=record_reference,
        reported_department=department,
        reporter=actor if signed_in else None,
        anonymous=not signed_in,
        filed_at=now,
        filed_on=today,
        deadline=deadlines.routing_deadline(today),
    )
    if concerned_name:
        sealed = crypto.encrypt(concerned_name, purpose=NAME_PURPOSE)
        tipoff.concerned_name_ciphertext = sealed.ciphertext
        tipoff.concerned_name_key_id, tipoff.concerned_name_algorithm = (
            sealed.key_id,
            sealed.algorithm,
        )
        tipoff.concerned_name_masked = mask_name(concerned_name, context=MaskContext.STAFF)
    if number:
        sealed = crypto.encrypt(number, purpose=ID_NUMBER_PURPOSE)
        tipoff.concerned_id_ciphertext = sealed.ciphertext
        tipoff.concerned_id_key_id, tipoff.concerned_id_algorithm = sealed.key_id, sealed.algorithm
        tipoff.concerned_id_masked = mask_id_number(number, context=MaskContext.STAFF)
        tipoff.concerned_index = crypto.blind_index(number)
    with transaction.atomic():
        _insert_with_number(tipoff, today=today)
        for file in checked:
            attachment_add(
                case_type=ATTACHMENT_CASE_TYPE,
                case_id=str(tipoff.pk),
                subject_index=tipoff.concerned_index,
                file=file,
                actor=actor,
            )
        _audit(
            actor=actor,
            tipoff=tipoff,
            transition=Transition.FILE,
            action=AuditAction.CREATE,
            detail={
                "category": category,
                "anonymous": tipoff.anonymous,
                "attachments": len(checked),
                "reported_department": department.code if department else "",
            },
            request=request,
        )
        tipoff_notices.notify_credit_office(
            tipoff,
            title=_("新的举报待分办"),
            body=_("收到举报%(number)s，请在%(deadline)s前转交主管部门或作出不予受理决定。")
            % {"number": tipoff.number, "deadline": tipoff.deadline.isoformat()},
        )
    return FiledTipOff(tipoff=tipoff, query_code=code)


def _insert_with_number(tipoff: TipOff, *, today: datetime.date) -> None:
    for _attempt in range(_NUMBER_ATTEMPTS):
        tipoff.number = tracking_number(today)
        try:
            with transaction.atomic():
                tipoff.save(force_insert=True)
            return
        except IntegrityError:
            tipoff.pk = None
    raise RuntimeError("No free tracking number after several draws.")


def _checked_id_number(id_number: str) -> str:
    """The ID number of the person concerned, which a tip-off may leave out."""
    if not (id_number or "").strip():
        return ""
    return id_number_checked(id_number)


def _checked_department(department_id) -> Department | None:
    if department_id in (None, ""):
        return None
    department = Department.objects.filter(pk=department_id, is_active=True).first()
    if department is None:
        raise _field(
            "department",
            error_codes.TIPOFF_DEPARTMENT_UNKNOWN,
            _("所选部门不存在，请重新选择，或不选择部门。"),
            "No such department.",
        )
    return department


# --- The credit office ------------------------------------------------------------------------


def tipoff_route(
    *,
    actor,
    tipoff_id: int,
    department_id: int,
    note: str = "",
    now: datetime.datetime | None = None,
    request=None,
) -> TipOff:
    """The reviewer routes a filed tip-off to the competent department (filed → routed), which
    answers within ``tipoff.answer_working_days`` of the routing day."""
    now = now or timezone.now()
    _check_screener(actor)
    department = _checked_department(department_id)
    if department is None:
        raise _field(
            "department",
            error_codes.TIPOFF_DEPARTMENT_UNKNOWN,
            _("请选择承办的主管部门。"),
            "Choose the department that handles the tip-off.",
        )
    note = text_checked(note, NOTE)
    with transaction.atomic():
        tipoff = _locked(tipoff_id)
        _check_source(tipoff, Transition.ROUTE)
        tipoff.status = TipOffStatus.ROUTED
        tipoff.routed_department = department
        tipoff.routed_at, tipoff.routed_by, tipoff.routing_note = now, actor, note
        tipoff.deadline = deadlines.answer_deadline(timezone.localdate(now))
        tipoff.save()
        _audit(
            actor=actor,
            tipoff=tipoff,
            transition=Transition.ROUTE,
            detail={"department": department.code, "deadline": tipoff.deadline.isoformat()},
            request=request,
        )
        tipoff_notices.notify_department(
            tipoff,
            title=_("新的举报待办理"),
            body=_("信用办转来举报%(number)s，请在%(deadline)s前核查并答复办理结果。")
            % {"number": tipoff.number, "deadline": tipoff.deadline.isoformat()},
        )
        tipoff_notices.notify_reporter(
            tipoff,
            title=_("举报已转交主管部门"),
            body=_("您的举报%(number)s已转交%(department)s办理。")
            % {"number": tipoff.number, "department": department.name},
        )
    return tipoff


def tipoff_refuse(
    *,
    actor,
    tipoff_id: int,
    reason: str,
    reasons: str,
    now: datetime.datetime | None = None,
    request=None,
) -> TipOff:
    """The reviewer finds a filed tip-off not admissible (不予受理, filed → not admissible), with
    a reason among ``RefusalReason`` and an explanation the reporter reads."""
    now = now or timezone.now()
    _check_screener(actor)
    if reason not in RefusalReason.values:
        raise _field(
            "reason",
            error_codes.TIPOFF_CHOICE_INVALID,
            _("请选择不予受理的理由。"),
            "Choose why the tip-off is not admissible.",
        )
    reasons = _required(reasons, REASONS, code=error_codes.TIPOFF_REASONS_REQUIRED)
    with transaction.atomic():
        tipoff = _locked(tipoff_id)
        _check_source(tipoff, Transition.REFUSE)
        tipoff.status = TipOffStatus.NOT_ADMISSIBLE
        tipoff.refusal_reason, tipoff.refusal_reasons = reason, reasons
        tipoff.refused_at, tipoff.refused_by = now, actor
        tipoff.deadline = None
        tipoff.save()
        _audit(
            actor=actor,
            tipoff=tipoff,
            transition=Transition.REFUSE,
            action=AuditAction.DECISION,
            detail={"reason": reason},
            request=request,
        )
        _notify_outcome(tipoff, title=_("举报不予受理"))
    return tipoff


def tipoff_close(
    *, actor, tipoff_id: int, now: datetime.datetime | None = None, request=None
) -> TipOff:
    """The reviewer closes an answered tip-off (answered → closed)."""
    now = now or timezone.now()
    _check_screener(actor)
    with transaction.atomic():
        tipoff = _locked(tipoff_id)
        _check_source(tipoff, Transition.CLOSE)
        tipoff.status = TipOffStatus.CLOSED
        tipoff.closed_at, tipoff.closed_by = now, actor
        tipoff.deadline = None
        tipoff.save()
        _audit(actor=actor, tipoff=tipoff, transition=Transition.CLOSE, request=request)
        _notify_outcome(tipoff, title=_("举报已办结"))
    return tipoff


# --- The competent department -----------------------------------------------------------------


def tipoff_answer(
    *,
    actor,
    tipoff_id: int,
    outcome: str,
    answer: str,
    now: datetime.datetime | None = None,
    request=None,
) -> TipOff:
    """A provider or officer of the department the tip-off was routed to writes the outcome
    (routed → answered); the reporter reads it. The credit office closes the tip-off within
    ``tipoff.routing_working_days`` of the answer."""
    now = now or timezone.now()
    if not can_answer(actor):
        raise PermissionDeniedError(
            error_codes.TIPOFF_ANSWER_ROLE_REQUIRED,
            _("只有承办部门的工作人员可以答复举报。"),
            "Only staff of the department handling the tip-off may answer it.",
        )
    if outcome not in AnswerOutcome.values:
        raise _field(
            "outcome",
            error_codes.TIPOFF_CHOICE_INVALID,
            _("请选择办理结果。"),
            "Choose the outcome.",
        )
    answer = _required(answer, ANSWER, code=error_codes.TIPOFF_REASONS_REQUIRED)
    with transaction.atomic():
        tipoff = _locked(tipoff_id)
        if tipoff.routed_department_id != actor.department_id:
            raise PermissionDeniedError(
                error_codes.TIPOFF_WRONG_DEPARTMENT,
                _("该举报由其他部门承办，只有承办部门可以答复。"),
                "Another department handles this tip-off; only it may answer.",
            )
        _check_source(tipoff, Transition.ANSWER)
        tipoff.status = TipOffStatus.ANSWERED
        tipoff.outcome, tipoff.answer = outcome, answer
        tipoff.answered_at, tipoff.answered_by = now, actor
        tipoff.deadline = deadlines.routing_deadline(timezone.localdate(now))
        tipoff.save()
        _audit(
            actor=actor,
            tipoff=tipoff,
            transition=Transition.ANSWER,
            action=AuditAction.DECISION,
            detail={"outcome": outcome},
            request=request,
        )
        _notify_outcome(tipoff, title=_("举报办理结果"))
        tipoff_notices.notify_credit_office(
            tipoff,
            title=_("举报已答复，待办结"),
            body=_("%(department)s已答复举报%(number)s，请核对后办结。")
            % {"number": tipoff.number, "department": tipoff.routed_department.name},
        )
    return tipoff


# --- Audited reads ----------------------------------------------------------------------------


def tipoff_case_read(*, actor, tipoff: TipOff, request=None) -> None:
    """Record that ``actor`` opened the case (the person concerned, the text, the files)."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=tipoff.concerned_index,
        object_type=TIPOFF_OBJECT_TYPE,
        object_id=str(tipoff.pk),
        purpose=CASE_READ_PURPOSE,
        detail={"status": tipoff.status},
        request=request,
    )


def tipoff_concerned(tipoff: TipOff) -> dict[str, str]:
    """The person concerned as staff see them on the case page (after ``tipoff_case_read``):
    the name in clear, the ID number masked."""
    name = ""
    if tipoff.concerned_name_key_id:
        name = crypto.decrypt(
            crypto.Sealed(
                ciphertext=bytes(tipoff.concerned_name_ciphertext),
                key_id=tipoff.concerned_name_key_id,
                algorithm=tipoff.concerned_name_algorithm,
            ),
            purpose=NAME_PURPOSE,
        )
    return {"name": name, "id_masked": tipoff.concerned_id_masked}


def tipoff_attachment_open(*, actor, tipoff: TipOff, attachment: Attachment, request=None) -> bytes:
    """The bytes of one file of the case; every download is an audited read."""
    return case_attachment_read(
        actor=actor,
        attachment=attachment,
        subject_index=tipoff.concerned_index,
        object_type=ATTACHMENT_OBJECT_TYPE,
        purpose=CASE_READ_PURPOSE,
        case_detail={"tipoff_id": tipoff.pk},
        request=request,
    )


# --- Shared steps -----------------------------------------------------------------------------


def _check_screener(actor) -> None:
    if not can_screen(actor):
        raise PermissionDeniedError(
            error_codes.TIPOFF_SCREEN_ROLE_REQUIRED,
            _("只有信用办审核员可以分办、不予受理和办结举报。"),
            "Only a reviewer of the credit office may route, refuse or close tip-offs.",
        )


def _locked(tipoff_id: int) -> TipOff:
    return case_locked(
        TipOff.objects.select_for_update(of=("self",)).select_related(
            "routed_department", "reporter"
        ),
        tipoff_id,
        not_found=not_found,
    )


def _check_source(tipoff: TipOff, transition: str) -> None:
    if tipoff.status in TRANSITIONS[transition]:
        return
    raise DomainError(
        code=error_codes.TIPOFF_STATE_CONFLICT,
        message=_("该举报当前状态为“%(status)s”，不能%(step)s。")
        % {"status": TipOffStatus(tipoff.status).label, "step": Transition(transition).label},
        message_en=f"The tip-off is {tipoff.status}; it cannot be {transition}.",
        status=409,
    )


def _audit(
    *,
    actor,
    tipoff: TipOff,
    transition: str,
    action: str = AuditAction.UPDATE,
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> None:
    transition_audit(
        actor=actor,
        object_type=TIPOFF_OBJECT_TYPE,
        case=tipoff,
        subject_index=tipoff.concerned_index,
        transition=transition,
        facts={"number": tipoff.number},
        action=action,
        detail=detail,
        request=request,
    )


def _notify_outcome(tipoff: TipOff, *, title: str) -> None:
    tipoff_notices.notify_reporter(
        tipoff,
        title=title,
        body=_("您的举报%(number)s已有结果：%(status)s。请登录查看。")
        % {"number": tipoff.number, "status": TipOffStatus(tipoff.status).label},
    )


def _required(value: str, field: TextField, *, code: str) -> str:
    value = text_checked(value or "", field)
    if not value:
        raise _field(
            field.name,
            code,
            _("请填写“%(label)s”。") % {"label": field.label},
            f"{field.name} is required.",
        )
    return value


def _field(field: str, code: str, message: str, message_en: str) -> DomainError:
    return DomainError(
        code=code,
        message=message,
        message_en=message_en,
        status=422,
        details={
            "errors": [{"field": field, "code": code, "message": message, "message_en": message_en}]
        },
    )


__all__ = [
    "FiledTipOff",
    "normalised_code",
    "query_code_display",
    "tipoff_answer",
    "tipoff_attachment_open",
    "tipoff_case_read",
    "tipoff_close",
    "tipoff_concerned",
    "tipoff_file",
    "tipoff_refuse",
    "tipoff_route",
]
