"""Reads of the checks app: a stored check (own department only), feedback rates, batches."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability, Role
from chengxin.accounts.models import Department
from chengxin.accounts.permissions import has_capability, is_staff_member
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.measures.checks import error_codes
from chengxin.measures.checks.answers import request_as_shown
from chengxin.measures.checks.choices import VerificationReason
from chengxin.measures.checks.models import BatchCheck, Check, CheckFeedback, CheckMeasure
from chengxin.measures.checks.receipts import ReceiptVerification, receipt_verify
from chengxin.measures.checks.services import CHECK_OBJECT_TYPE, check_refused_for, not_found


def _parsed_uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def check_get_visible_to(*, user, check_id, request=None, audit: bool = True) -> Check:
    """A check run by ``user``'s department, or 404 (another department's check is not found).
    Reading it again is a read of personal data and is audited (unless ``audit`` is False, for
    the page that has just shown the check it ran)."""
    check_refused_for(user)
    parsed = _parsed_uuid(check_id)
    check = (
        Check.objects.filter(pk=parsed, department_id=user.department_id).first()
        if parsed and user.department_id
        else None
    )
    if check is None:
        raise not_found()
    if audit:
        audit_events.personal_data_read_event(
            actor=user,
            subject_index=check.subject_index,
            object_type=CHECK_OBJECT_TYPE,
            object_id=str(check.pk),
            purpose=check.purpose,
            case_no=check.case_no,
            detail={"reread": True},
            request=request,
        )
    return check


def check_feedback(check: Check) -> dict[str, CheckFeedback]:
    """The feedback given on a check, by measure code."""
    return {feedback.measure_code: feedback for feedback in check.feedback.all()}


@dataclass(frozen=True)
class FeedbackRate:
    department_code: str
    department_name: str
    triggered: int
    answered: int

    @property
    def rate(self) -> float | None:
        return round(self.answered / self.triggered, 4) if self.triggered else None


def can_view_all_feedback_rates(user) -> bool:
    """The credit office sees every department's rate (SPEC §6, dashboards): its reviewers, and
    officers of the credit-office department."""
    if not is_staff_member(user):
        return False
    if user.role == Role.REVIEWER:
        return True
    return bool(
        has_capability(user, Capability.RUN_CHECKS)
        and user.department_id
        and user.department.is_credit_office
    )


def can_view_feedback_rates(user) -> bool:
    """The credit office sees every department's feedback rates, an officer its own."""
    return can_view_all_feedback_rates(user) or has_capability(user, Capability.RUN_CHECKS)


def feedback_rates_visible_to(*, user) -> list[FeedbackRate]:
    """Per implementing department: checks that found one of its measures, how many of them got
    feedback on at least one of those measures, and the rate. An officer sees their own department;
    the credit office sees every department; anyone else is refused."""
    see_all = can_view_all_feedback_rates(user)
    if not can_view_feedback_rates(user):
        raise PermissionDeniedError(
            error_codes.FEEDBACK_RATES_REFUSED,
            _("您无权查看核查反馈率。"),
            "You may not see feedback rates.",
        )
    rows = CheckMeasure.objects.all()
    if not see_all:
        rows = rows.filter(department_code=user.department.code if user.department_id else "")
    answered = CheckFeedback.objects.filter(
        check_ref_id=OuterRef("check_ref_id"), measure_code=OuterRef("measure_code")
    )
    triggered = (
        rows.values("department_code")
        .annotate(checks=Count("check_ref_id", distinct=True))
        .order_by("department_code")
    )
    answered_counts = dict(
        rows.filter(Exists(answered))
        .values("department_code")
        .annotate(checks=Count("check_ref_id", distinct=True))
        .values_list("department_code", "checks")
    )
    codes = [row["department_code"] for row in triggered]
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        FeedbackRate(
            department_code=row["department_code"],
            department_name=names.get(row["department_code"], ""),
            triggered=row["checks"],
            answered=answered_counts.get(row["department_code"], 0),
        )
        for row in triggered
    ]


def batch_get_visible_to(*, user, batch_id) -> BatchCheck:
    """A batch check of ``user``'s department, or 404."""
    check_refused_for(user)
    parsed = _parsed_uuid(batch_id)
    batch = (
        BatchCheck.objects.filter(pk=parsed, department_id=user.department_id).first()
        if parsed and user.department_id
        else None
    )
    if batch is None:
        raise NotFoundError(
            error_codes.BATCH_NOT_FOUND, _("未找到该批量核查。"), "No such batch check."
        )
    return batch


def check_receipt_verify(
    receipt: Mapping[str, Any] | Any,
    *,
    answer: Mapping[str, Any] | None = None,
    request: Mapping[str, Any] | None = None,
) -> ReceiptVerification:
    """``receipts.receipt_verify``, knowing the checks stored here: open to anyone.

    A check stored before requests left out the blind index has a receipt that signs the request
    with it, while the request is now shown without it (``answers.request_as_shown``). When the
    request given is exactly that shown form of the stored request of the check the receipt names
    (and the receipt is the stored one), the stored request is checked against the receipt
    instead. Nothing but the outcome is answered.
    """
    outcome = receipt_verify(receipt, answer=answer, request=request)
    if outcome.reason != VerificationReason.REQUEST_MISMATCH or not isinstance(request, Mapping):
        return outcome
    stored = _stored_request(receipt)
    if stored is None or request_as_shown(stored) != dict(request):
        return outcome
    return receipt_verify(receipt, answer=answer, request=stored)


def _stored_request(receipt: Mapping[str, Any]) -> dict[str, Any] | None:
    check_id = _parsed_uuid(receipt.get("check_id"))
    check = (
        Check.objects.filter(pk=check_id).only("receipt", "request").first() if check_id else None
    )
    if check is None or check.receipt != dict(receipt):
        return None
    return check.request
