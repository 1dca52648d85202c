"""Writes of the person's own file: the audited reads of the file and of who looked, the access
challenge's transitions (one service each, a row lock, one audit event, notices), and the opt-out
and reinstatement of good-conduct records (through ``collection.services``, the one write path of
a record's status).

Access challenge: open (the person) → answered (the department that looked, or the credit
office) → closed (the credit office); the credit office may also close one still open.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import NoticeKind, Role
from chengxin.accounts.models import User
from chengxin.accounts.notices import notice_send
from chengxin.collection.services import record_reinstate, record_withdraw
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import text_checked
from chengxin.dueprocess.myfile import error_codes
from chengxin.dueprocess.myfile.choices import (
    CHALLENGE_OBJECT_TYPE,
    FILE_OBJECT_TYPE,
    LOOKUPS_OBJECT_TYPE,
    TRANSITIONS,
    ChallengeStatus,
    ChallengeTransition,
)
from chengxin.dueprocess.myfile.limits import CLOSING_NOTE, EXPLANATION, REASON
from chengxin.dueprocess.myfile.lookup_selectors import lookup_of
from chengxin.dueprocess.myfile.models import AccessChallenge
from chengxin.dueprocess.myfile.selectors import (
    challenge_get_visible_to,
    challenge_not_found,
    may_answer,
    may_close,
)

__all__ = [
    "challenge_answer",
    "challenge_close",
    "challenge_open",
    "credit_file_read",
    "lookups_read",
    "opt_out",
    "opt_out_reinstate",
]


# --- Audited reads ----------------------------------------------------------------------------


def credit_file_read(*, actor, account, detail: dict | None = None, request=None) -> None:
    """Record that the person read their own file (SPEC §14: every read of personal data)."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=account.subject_index,
        object_type=FILE_OBJECT_TYPE,
        object_id=str(account.pk),
        purpose=_("本人查看信用档案"),
        detail=detail or {},
        request=request,
    )


def lookups_read(*, actor, account, page: int, request=None) -> None:
    """Record that the person read the list of who looked at their file."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=account.subject_index,
        object_type=LOOKUPS_OBJECT_TYPE,
        object_id=str(account.pk),
        purpose=_("本人查看查询记录"),
        detail={"page": page},
        request=request,
    )


# --- Opt-out ----------------------------------------------------------------------------------


def opt_out(*, actor, account, record_id: int, request=None):
    """The person withdraws a good-conduct record of theirs (``collection.record_withdraw``)."""
    return record_withdraw(
        actor=actor, subject_index=account.subject_index, record_id=record_id, request=request
    )


def opt_out_reinstate(*, actor, account, record_id: int, request=None):
    """The person reinstates a record they withdrew (``collection.record_reinstate``)."""
    return record_reinstate(
        actor=actor, subject_index=account.subject_index, record_id=record_id, request=request
    )


# --- Access challenges ------------------------------------------------------------------------


def challenge_open(
    *, actor, account, kind: str, access_id: str, reason: str, request=None
) -> AccessChallenge:
    """The person does not recognise one look at their file and asks the credit office to find
    out. The look must be one the person sees now (their own, not deferred); one unfinished
    challenge per look (409 otherwise). Writes the challenge, one ``create`` audit event, and
    notices to the department's staff and the credit office's reviewers."""
    reason = text_checked(reason, REASON)
    lookup = lookup_of(account=account, kind=kind, access_id=access_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            challenge = AccessChallenge.objects.create(
                subject_index=account.subject_index,
                opened_by=actor,
                access_kind=lookup.kind,
                access_id=lookup.access_id,
                department=lookup.department,
                accessed_at=lookup.at,
                purpose=lookup.purpose[:200],
                case_no=lookup.case_no,
                reason=reason,
                opened_at=now,
            )
            _audit(challenge, actor=actor, action=AuditAction.CREATE, request=request)
            _notify_staff(challenge)
    except IntegrityError:
        raise DomainError(
            code=error_codes.CHALLENGE_ALREADY_OPEN,
            message=_("您对这次查询提出的核实申请正在办理中，请等待答复。"),
            message_en="A challenge of this look at the file is already under way.",
            status=409,
        ) from None
    return challenge


def challenge_answer(
    *, actor, challenge_id: int, explanation: str, request=None
) -> AccessChallenge:
    """The department that looked (a provider or officer of it) or the credit office explains
    the look: open → answered. The person is told."""
    explanation = text_checked(explanation, EXPLANATION)
    with transaction.atomic():
        challenge = _locked(challenge_id, actor=actor)
        _check_transition(challenge, ChallengeTransition.ANSWER)
        if not may_answer(actor, challenge):
            raise _not_allowed()
        challenge.status = ChallengeStatus.ANSWERED
        challenge.explanation = explanation
        challenge.answered_at = timezone.now()
        challenge.answered_by = actor
        challenge.save(update_fields=["status", "explanation", "answered_at", "answered_by"])
        _audit(challenge, actor=actor, action=AuditAction.DECISION, request=request)
        _notify_person(
            challenge,
            title=_("查询记录核实已答复"),
            body=_("您对 %(day)s 一次查询提出的核实申请，查询部门已作出说明，请登录查看。")
            % {"day": _day(challenge)},
        )
    return challenge


def challenge_close(*, actor, challenge_id: int, note: str, request=None) -> AccessChallenge:
    """The credit office closes a challenge (answered, or still open with its own finding):
    → closed. The person is told."""
    note = text_checked(note, CLOSING_NOTE)
    with transaction.atomic():
        challenge = _locked(challenge_id, actor=actor)
        _check_transition(challenge, ChallengeTransition.CLOSE)
        if not may_close(actor, challenge):
            raise _not_allowed()
        challenge.status = ChallengeStatus.CLOSED
        challenge.closing_note = note
        challenge.closed_at = timezone.now()
        challenge.closed_by = actor
        challenge.save(update_fields=["status", "closing_note", "closed_at", "closed_by"])
        _audit(challenge, actor=actor, action=AuditAction.DECISION, request=request)
        _notify_person(
            challenge,
            title=_("查询记录核实已办结"),
            body=_("您对 %(day)s 一次查询提出的核实申请，信用办已办结，请登录查看。")
            % {"day": _day(challenge)},
        )
    return challenge


def _locked(challenge_id: int, *, actor) -> AccessChallenge:
    visible = challenge_get_visible_to(user=actor, challenge_id=challenge_id)
    challenge = AccessChallenge.objects.select_for_update().filter(pk=visible.pk).first()
    if challenge is None:
        raise challenge_not_found()
    return challenge


_DONE = {ChallengeTransition.ANSWER: "answered", ChallengeTransition.CLOSE: "closed"}


def _check_transition(challenge: AccessChallenge, transition: str) -> None:
    sources, _target = TRANSITIONS[transition]
    if challenge.status not in sources:
        raise DomainError(
            code=error_codes.CHALLENGE_TRANSITION_NOT_ALLOWED,
            message=_("该核实申请当前为“%(status)s”，不能%(step)s。")
            % {
                "status": challenge.get_status_display(),
                "step": ChallengeTransition(transition).label,
            },
            message_en=f"The challenge is {challenge.status}; it cannot be {_DONE[transition]}.",
            status=409,
        )


def _not_allowed() -> PermissionDeniedError:
    return PermissionDeniedError(
        error_codes.CHALLENGE_ROLE_REQUIRED,
        _("查询记录核实由查询部门答复、由信用办办结。"),
        "The department that looked answers an access challenge; the credit office closes it.",
    )


def _audit(challenge: AccessChallenge, *, actor, action: str, request) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=CHALLENGE_OBJECT_TYPE,
        object_id=str(challenge.pk),
        subject_index=challenge.subject_index,
        detail={
            "status": challenge.status,
            "access_kind": challenge.access_kind,
            "access_id": challenge.access_id,
            "department": challenge.department.code if challenge.department else "",
        },
        request=request,
    )


def _day(challenge: AccessChallenge) -> str:
    return timezone.localtime(challenge.accessed_at).date().isoformat()


def _notify_person(challenge: AccessChallenge, *, title: str, body: str) -> None:
    user = challenge.opened_by
    if user.is_active:
        link = reverse("myfile_portal:challenge", kwargs={"challenge_id": challenge.pk})
        notice_send(user=user, kind=NoticeKind.ACCESS_CHALLENGE, title=title, body=body, link=link)


def _notify_staff(challenge: AccessChallenge) -> None:
    """The department's providers and officers, and the credit office's reviewers."""
    link = reverse("myfile_staff:detail", kwargs={"challenge_id": challenge.pk})
    title = _("有人对一次查询提出核实申请")
    body = _("当事人不认可 %(day)s 的一次查询（案件编号 %(case)s），请说明查询的依据。") % {
        "day": _day(challenge),
        "case": challenge.case_no or "—",
    }
    staff = User.objects.filter(is_active=True, role=Role.REVIEWER)
    if challenge.department_id is not None:
        staff = staff | User.objects.filter(
            is_active=True,
            department_id=challenge.department_id,
            role__in=(Role.PROVIDER, Role.OFFICER),
        )
    for user in staff.order_by("pk"):
        notice_send(user=user, kind=NoticeKind.ACCESS_CHALLENGE, title=title, body=body, link=link)
