"""Writes of the checks app: a check with its signed receipt, feedback on a check (SPEC §6).

``check_run`` is the one path of a single check, for the API, the staff page and the CLI. Batch
checks are in ``chengxin.measures.checks.batch``.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability
from chengxin.accounts.permissions import has_capability
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.text import field_refusal, text_checked, text_errors
from chengxin.dueprocess.objections.selectors import record_statements
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.selectors import subject_by_index
from chengxin.identity.validation import id_number_checked
from chengxin.measures import selectors as measures
from chengxin.measures.checks import error_codes
from chengxin.measures.checks.answers import answer_build, catalog_fingerprint
from chengxin.measures.checks.limits import CASE_NO, FEEDBACK_REASON, PURPOSE
from chengxin.measures.checks.models import Check, CheckFeedback, CheckMeasure
from chengxin.measures.checks.receipts import receipt_issue
from chengxin.measures.choices import Matter
from chengxin.measures.snapshot import rules_snapshot

CHECK_OBJECT_TYPE = "checks.check"
FEEDBACK_OBJECT_TYPE = "checks.feedback"


def check_refused_for(actor) -> None:
    """Refuse (403 ``check_role_required``) anyone who may not run checks."""
    if not has_capability(actor, Capability.RUN_CHECKS):
        raise PermissionDeniedError(
            error_codes.CHECK_ROLE_REQUIRED,
            _("只有业务经办员可以进行联合奖惩核查。"),
            "Only case officers may run reward and punishment checks.",
        )


def check_fields_clean(*, matter: str, case_no: str, purpose: str) -> tuple[str, str, str]:
    """``matter``, ``case_no`` and ``purpose`` stripped and checked; every missing or wrong one is
    named in ``details["errors"]`` of one ``DomainError`` (422). The purpose and the case number
    are kept in the check, its receipt and the audit log: longer than their limits
    (``limits``) or holding an ID number, they are refused, never cut."""
    matter = (matter or "").strip()
    case_no = (case_no or "").strip()
    purpose = (purpose or "").strip()
    errors: list[dict[str, str]] = []
    if not matter:
        errors.append(_field_error("matter", error_codes.CHECK_MATTER_REQUIRED))
    elif matter not in Matter.values:
        errors.append(_field_error("matter", error_codes.CHECK_MATTER_UNKNOWN))
    if not purpose:
        errors.append(_field_error("purpose", error_codes.CHECK_PURPOSE_REQUIRED))
    errors.extend(text_errors(purpose, PURPOSE))
    if not case_no:
        errors.append(_field_error("case_no", error_codes.CHECK_CASE_NO_REQUIRED))
    errors.extend(text_errors(case_no, CASE_NO))
    if errors:
        raise field_refusal(errors)
    return matter, case_no, purpose


_FIELD_MESSAGES = {
    error_codes.CHECK_MATTER_REQUIRED: ("请选择核查事项。", "Choose the matter of the check."),
    error_codes.CHECK_MATTER_UNKNOWN: (
        "核查事项不在允许的范围内。",
        "The matter is not a known one.",
    ),
    error_codes.CHECK_PURPOSE_REQUIRED: ("请填写核查事由。", "Give the purpose of the check."),
    error_codes.CHECK_CASE_NO_REQUIRED: ("请填写案件编号。", "Give the case number."),
}


def _field_error(field: str, code: str) -> dict[str, str]:
    message, message_en = _FIELD_MESSAGES[code]
    return {"field": field, "code": code, "message": _(message), "message_en": message_en}


def check_run(
    *,
    actor,
    id_number: str,
    matter: str,
    case_no: str,
    purpose: str,
    on: datetime.date | None = None,
    request=None,
) -> Check:
    """Check one person for one matter: lists, applicable measures with the records that
    triggered them and their legal basis, the green-channel answer, disputed flags, and a signed
    receipt. A person the platform does not know gets a clean answer. One audit event."""
    check_refused_for(actor)
    matter, case_no, purpose = check_fields_clean(matter=matter, case_no=case_no, purpose=purpose)
    normalised = id_number_checked(id_number)
    subject_index = crypto.blind_index(normalised)
    subject = subject_by_index(subject_index)
    checked_on = on or timezone.localdate()
    # One copy of the rules for the whole check: the lists, the measures and the receipt's
    # fingerprints all come from the same state of the catalog and the measures.
    # A check's answer is the signed record of what the platform found: always built in the
    # platform's language (zh-Hans), whatever language the officer's page uses.
    with translation.override(settings.LANGUAGE_CODE):
        rules = rules_snapshot()
        facts = measures.subject_check_facts(
            subject_index=subject_index, on=checked_on, rules=rules
        )
        memberships, green = facts.memberships, facts.green_channel
        applicable = measures.applicable_measures(
            memberships=memberships, matter=matter, on=checked_on, rules=rules
        )
        check_id = uuid.uuid4()
        now = timezone.now()
        masked = (
            subject.id_masked if subject else mask_id_number(normalised, context=MaskContext.STAFF)
        )
        # What the receipt signs and the officer's system receives: the masked number and the
        # platform's own ids, never the blind index, a pseudonym that would let every receiving
        # system link the person across departments (it stays in the check's own column).
        check_request = {
            "check_id": str(check_id),
            "id_number_masked": masked,
            "matter": matter,
            "case_no": case_no,
            "purpose": purpose,
            "checked_on": checked_on.isoformat(),
            "actor": actor.get_username(),
            "department": actor.department.code if actor.department_id else "",
        }
        answer = answer_build(
            check_id=str(check_id),
            matter=matter,
            checked_on=checked_on,
            known=subject is not None or green.known,
            memberships=memberships,
            applicable=applicable,
            green=green,
            statements=record_statements(
                record.record_id for membership in memberships for record in membership.records
            ),
        )
    receipt = receipt_issue(
        check_id=str(check_id),
        issued_at=now,
        request=check_request,
        answer=answer,
        rules=measures.rules_version(rules=rules),
        catalog_version=catalog_fingerprint(rules=rules),
    )
    with transaction.atomic():
        check = Check.objects.create(
            id=check_id,
            subject_index=subject_index,
            known=answer["known"],
            matter=matter,
            case_no=case_no,
            purpose=purpose,
            checked_on=checked_on,
            actor=actor,
            department=actor.department,
            request=check_request,
            answer=answer,
            receipt=receipt,
            created_at=now,
        )
        CheckMeasure.objects.bulk_create(
            CheckMeasure(
                check_ref=check,
                measure_code=measure.code,
                kind=measure.kind,
                department_code=department_code,
            )
            for measure in applicable
            for department_code in measure.departments
        )
        audit_events.personal_data_read_event(
            actor=actor,
            subject_index=subject_index,
            object_type=CHECK_OBJECT_TYPE,
            object_id=str(check_id),
            purpose=purpose,
            case_no=case_no,
            detail=answer_summary(answer),
            request=request,
        )
    return check


def answer_summary(answer: dict[str, Any]) -> dict[str, Any]:
    """What a check returned, in brief, for its audit event (no personal data)."""
    return {
        "matter": answer["matter"],
        "known": answer["known"],
        "lists": sorted({membership["kind"] for membership in answer["lists"]}),
        "measures": [measure["code"] for measure in answer["measures"]],
        "green_channel": answer["green_channel"]["eligible"],
        "disputed": len(answer["disputed_record_ids"]),
    }


def feedback_give(
    *,
    actor,
    check: Check,
    measure_code: str,
    applied: bool,
    reason: str,
    decided_on: datetime.date | None = None,
    request=None,
) -> CheckFeedback:
    """Record whether a measure the check found was applied, and why (one per check and measure).

    Given by an officer of the department that ran the check (``check`` comes from a selector
    that already refused other departments). The reason has at most
    ``limits.FEEDBACK_REASON_MAX_LENGTH`` characters and no ID number (422 otherwise)."""
    check_refused_for(actor)
    measure_code = (measure_code or "").strip()
    codes = {measure["code"] for measure in check.answer.get("measures", [])}
    if measure_code not in codes:
        raise DomainError(
            code=error_codes.FEEDBACK_MEASURE_UNKNOWN,
            message=_("该核查未涉及此措施。"),
            message_en="The check did not find this measure applicable.",
            status=422,
        )
    reason = text_checked(reason, FEEDBACK_REASON)
    if not reason:
        raise DomainError(
            code=error_codes.FEEDBACK_REASON_REQUIRED,
            message=_("请说明实施或不实施该措施的理由。"),
            message_en="Say why the measure was or was not applied.",
            status=422,
        )
    with transaction.atomic():
        if CheckFeedback.objects.filter(check_ref=check, measure_code=measure_code).exists():
            raise DomainError(
                code=error_codes.FEEDBACK_ALREADY_GIVEN,
                message=_("该措施已经反馈过。"),
                message_en="Feedback on this measure was already given.",
                status=409,
            )
        feedback = CheckFeedback.objects.create(
            check_ref=check,
            measure_code=measure_code,
            applied=bool(applied),
            reason=reason,
            decided_on=decided_on or timezone.localdate(),
            created_by=actor,
            department=actor.department,
        )
        audit_events.change_event(
            actor=actor,
            action="create",
            object_type=FEEDBACK_OBJECT_TYPE,
            object_id=str(feedback.pk),
            subject_index=check.subject_index,
            detail={
                "check_id": str(check.pk),
                "measure": measure_code,
                "applied": bool(applied),
            },
            request=request,
        )
    return feedback


def not_found() -> NotFoundError:
    return NotFoundError(
        error_codes.CHECK_NOT_FOUND,
        _("未找到该核查记录。"),
        "No such check.",
    )
