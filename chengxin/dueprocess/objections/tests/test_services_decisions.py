"""The objection services, the department's decisions: acceptance, refusal, the decision and
the correction or revocation it brings, the extension of the deadline; each transition's
audit event, outbox events and notices, and the refusals, each writing nothing."""

from __future__ import annotations

import pytest

from chengxin.accounts.models import Notice
from chengxin.collection.choices import RecordStatus, SubmissionChannel
from chengxin.collection.models import CreditRecord, RecordVersion, Submission
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.dueprocess.objections import error_codes
from chengxin.dueprocess.objections.choices import (
    DecisionOutcome,
    ObjectionStatus,
    RefusalReason,
    Resolution,
)
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.services import (
    objection_accept,
    objection_decide,
    objection_extend,
    objection_refuse,
)
from chengxin.dueprocess.objections.tests.cases import (
    REASONS,
    accepted,
    audit_trail,
    nothing_written,
    outbox,
    rejected,
)
from chengxin.dueprocess.objections.tests.factories import filed, moment, record

pytestmark = pytest.mark.django_db


# --- The department's decisions -----------------------------------------------------------------


def test_the_department_accepts(cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    objection = objection_accept(actor=cast.provider, objection_id=objection.pk)

    # then
    assert (objection.status, objection.accepted_by) == (ObjectionStatus.ACCEPTED, cast.provider)
    assert audit_trail(objection) == [
        (AuditAction.CREATE, "file", "citizen-a"),
        (AuditAction.UPDATE, "accept", "provider-tax"),
    ]


def test_a_decision_by_another_department_is_refused(cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    before = nothing_written()

    # when
    with pytest.raises(DomainError) as refusal:
        objection_accept(actor=cast.provider_other, objection_id=objection.pk)

    # then
    assert (refusal.value.status, refusal.value.code) == (
        403,
        error_codes.OBJECTION_WRONG_DEPARTMENT,
    )
    assert nothing_written() == before
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.FILED


@pytest.mark.parametrize("role", ["reviewer", "officer", "citizen"])
def test_only_providers_decide(cast, penalty, role):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    with pytest.raises(DomainError) as refusal:
        objection_accept(actor=getattr(cast, role), objection_id=objection.pk)

    # then
    assert (refusal.value.status, refusal.value.code) == (
        403,
        error_codes.OBJECTION_DECISION_ROLE_REQUIRED,
    )


def test_not_admissible_gives_a_reason_and_clears_the_flag(cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    objection = objection_refuse(
        actor=cast.provider,
        objection_id=objection.pk,
        reason=RefusalReason.SAME_GROUNDS_DECIDED,
        reasons="同一理由的异议已于2026年2月作出不成立决定。",
    )

    # then
    penalty.refresh_from_db()
    assert (objection.status, objection.refusal_reason, objection.deadline) == (
        ObjectionStatus.NOT_ADMISSIBLE,
        RefusalReason.SAME_GROUNDS_DECIDED,
        None,
    )
    assert penalty.disputed is False
    assert outbox(penalty) == [("record.disputed", True), ("record.dispute_closed", False)]
    assert audit_trail(objection)[-1] == (AuditAction.DECISION, "refuse", "provider-tax")


def test_an_upheld_objection_corrects_the_record_with_a_new_version(cast, penalty):
    # given
    objection = accepted(cast, penalty)

    # when
    objection = objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.UPHELD,
        resolution=Resolution.CORRECTED,
        corrections={"document_no": "齐税罚〔2026〕1号（更正）", "decided_on": "2026-03-05"},
        reasons=REASONS,
    )

    # then
    penalty.refresh_from_db()
    versions = list(RecordVersion.objects.filter(record=penalty).order_by("number"))
    assert (objection.status, objection.resolution, objection.corrected_version) == (
        ObjectionStatus.UPHELD,
        Resolution.CORRECTED,
        2,
    )
    assert (penalty.current_version, penalty.disputed, penalty.decided_on.isoformat()) == (
        2,
        False,
        "2026-03-05",
    )
    assert [version.values["document_no"] for version in versions] == [
        "齐税罚〔2026〕1号",
        "齐税罚〔2026〕1号（更正）",
    ]
    assert versions[0].superseded_at is not None
    assert Submission.objects.get(pk=objection.correction_submission_id).channel == (
        SubmissionChannel.OBJECTION
    )
    assert outbox(penalty) == [
        ("record.disputed", True),
        ("record.corrected", True),
        ("record.dispute_closed", False),
    ]
    assert audit_trail(objection)[-1] == (AuditAction.DECISION, "decide", "provider-tax")
    assert len(audit_trail(objection)) == 3


def test_an_upheld_objection_may_revoke_the_record(cast, penalty):
    # given
    objection = accepted(cast, penalty)

    # when
    objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.UPHELD,
        resolution=Resolution.REVOKED,
        reasons="经核查，该记录不属于当事人。",
    )

    # then
    penalty.refresh_from_db()
    assert (penalty.status, penalty.current_version, penalty.disputed) == (
        RecordStatus.REVOKED,
        2,
        False,
    )
    assert [event for event, _flag in outbox(penalty)] == [
        "record.disputed",
        "record.revoked",
        "record.dispute_closed",
    ]


def test_a_record_revoked_meanwhile_is_not_brought_back_by_a_correction(cast, penalty):
    # given: the department revoked the record through a submission while the objection ran
    objection = accepted(cast, penalty)
    record(cast.provider, operation="revoke")

    # when
    with pytest.raises(DomainError) as refusal:
        objection_decide(
            actor=cast.provider,
            objection_id=objection.pk,
            outcome=DecisionOutcome.UPHELD,
            resolution=Resolution.CORRECTED,
            corrections={"document_no": "齐税罚〔2026〕2号"},
            reasons=REASONS,
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (409, error_codes.OBJECTION_STATE_CONFLICT)
    assert CreditRecord.objects.get(pk=penalty.pk).status == RecordStatus.REVOKED


@pytest.mark.parametrize(
    ("corrections", "code", "field"),
    [
        ({}, error_codes.OBJECTION_CORRECTION_REQUIRED, "corrections"),
        ({"name": "王大明"}, error_codes.OBJECTION_CORRECTION_FIELD_UNKNOWN, "corrections.name"),
        ({"colour": "red"}, error_codes.OBJECTION_CORRECTION_FIELD_UNKNOWN, "corrections.colour"),
        (
            {"decided_on": "不是日期"},
            error_codes.OBJECTION_CORRECTION_INVALID,
            "corrections.decided_on",
        ),
        (
            {"document_no": "齐税罚〔2026〕1号"},
            error_codes.OBJECTION_CORRECTION_UNCHANGED,
            "corrections",
        ),
    ],
)
def test_a_correction_the_item_refuses_is_refused_and_nothing_is_written(
    cast, penalty, corrections, code, field
):
    # given
    objection = accepted(cast, penalty)
    before = (nothing_written(), Submission.objects.count(), RecordVersion.objects.count())

    # when
    with pytest.raises(DomainError) as refusal:
        objection_decide(
            actor=cast.provider,
            objection_id=objection.pk,
            outcome=DecisionOutcome.UPHELD,
            resolution=Resolution.CORRECTED,
            corrections=corrections,
            reasons=REASONS,
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (422, code)
    assert refusal.value.details["errors"][0]["field"] == field
    assert (nothing_written(), Submission.objects.count(), RecordVersion.objects.count()) == before
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.ACCEPTED


def test_a_second_decision_is_refused(cast, penalty):
    # given
    objection = rejected(cast, penalty)

    # when
    with pytest.raises(DomainError) as refusal:
        objection_decide(
            actor=cast.provider,
            objection_id=objection.pk,
            outcome=DecisionOutcome.UPHELD,
            resolution=Resolution.REVOKED,
            reasons=REASONS,
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (
        409,
        error_codes.OBJECTION_ALREADY_DECIDED,
    )
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.REJECTED


def test_a_decision_before_acceptance_is_a_state_conflict(cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    with pytest.raises(DomainError) as refusal:
        objection_decide(
            actor=cast.provider,
            objection_id=objection.pk,
            outcome=DecisionOutcome.REJECTED,
            reasons=REASONS,
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (409, error_codes.OBJECTION_STATE_CONFLICT)
    assert refusal.value.message == "该异议当前状态为“待受理”，不能作出处理决定。"


def test_the_deadline_is_extended_once_to_at_most_twenty_working_days(cast, penalty):
    # given: filed on Monday 2 March 2026
    objection = filed(cast.citizen, penalty, now=moment("2026-03-02"))

    # when
    objection = objection_extend(
        actor=cast.provider,
        objection_id=objection.pk,
        working_days=20,
        reason="需向复议机关调取材料。",
    )
    with pytest.raises(DomainError) as again:
        objection_extend(
            actor=cast.provider, objection_id=objection.pk, working_days=20, reason="再次延长。"
        )

    # then
    assert (objection.allowed_working_days, objection.deadline.isoformat()) == (20, "2026-03-30")
    assert (again.value.status, again.value.code) == (409, error_codes.OBJECTION_EXTENSION_USED)
    assert [row[1] for row in audit_trail(objection)] == ["file", "extend"]
    assert Notice.objects.filter(user=cast.citizen, title="异议处理期限延长").count() == 1


@pytest.mark.parametrize("working_days", [5, 21])
def test_an_extension_outside_the_limits_is_refused(cast, penalty, working_days):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    with pytest.raises(DomainError) as refusal:
        objection_extend(
            actor=cast.provider, objection_id=objection.pk, working_days=working_days, reason="复杂"
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (
        422,
        error_codes.OBJECTION_EXTENSION_INVALID,
    )
    assert refusal.value.message == (
        "延长后的处理时限应多于现有的5个工作日，且不超过20个工作日（自提交之日起计算）。"
    )
