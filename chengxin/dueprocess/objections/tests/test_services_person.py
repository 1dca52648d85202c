"""The objection services, the person's steps after filing: withdrawal, a statement after a
rejection, and the credit office's review."""

from __future__ import annotations

import pytest

from chengxin.accounts.models import Notice
from chengxin.collection.choices import RecordStatus
from chengxin.core.audit.choices import AuditAction
from chengxin.core.calendar import add_working_days
from chengxin.core.errors import DomainError
from chengxin.dueprocess.objections import error_codes
from chengxin.dueprocess.objections.choices import (
    DecisionOutcome,
    ObjectionStatus,
    Resolution,
    ReviewOutcome,
)
from chengxin.dueprocess.objections.models import Objection, ObjectionStatement
from chengxin.dueprocess.objections.services import (
    objection_accept,
    objection_decide,
    objection_review_decide,
    objection_review_request,
    objection_statement_attach,
    objection_withdraw,
)
from chengxin.dueprocess.objections.tests.cases import (
    REASONS,
    accepted,
    audit_trail,
    outbox,
    rejected,
)
from chengxin.dueprocess.objections.tests.factories import filed, moment

pytestmark = pytest.mark.django_db


# --- The person's steps -------------------------------------------------------------------------


def test_the_person_withdraws_an_open_objection(cast, penalty):
    # given
    objection = accepted(cast, penalty)

    # when
    objection = objection_withdraw(actor=cast.citizen, objection_id=objection.pk)

    # then
    penalty.refresh_from_db()
    assert (objection.status, penalty.disputed, objection.deadline) == (
        ObjectionStatus.WITHDRAWN,
        False,
        None,
    )
    assert audit_trail(objection)[-1] == (AuditAction.UPDATE, "withdraw", "citizen-a")
    assert Notice.objects.filter(user=cast.provider, title="异议已撤回").count() == 1


def test_another_person_cannot_withdraw_and_learns_nothing(cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    with pytest.raises(DomainError) as refusal:
        objection_withdraw(actor=cast.citizen_other, objection_id=objection.pk)

    # then
    assert (refusal.value.status, refusal.value.code) == (404, error_codes.OBJECTION_NOT_FOUND)
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.FILED


def test_a_rejection_lets_the_person_attach_a_statement_that_travels_with_the_record(cast, penalty):
    # given
    objection = rejected(cast, penalty)

    # when
    statement = objection_statement_attach(
        actor=cast.citizen, objection_id=objection.pk, text="本人已于2026年3月补缴税款及滞纳金。"
    )
    with pytest.raises(DomainError) as again:
        objection_statement_attach(actor=cast.citizen, objection_id=objection.pk, text="再次声明")

    # then
    assert (statement.record_id, statement.text) == (
        penalty.pk,
        "本人已于2026年3月补缴税款及滞纳金。",
    )
    assert (again.value.status, again.value.code) == (
        409,
        error_codes.OBJECTION_STATEMENT_ALREADY_ATTACHED,
    )
    assert [event for event, _flag in outbox(penalty)][-1] == "record.statement"
    assert audit_trail(objection)[-1] == (AuditAction.UPDATE, "attach_statement", "citizen-a")


def test_a_statement_needs_a_rejection(cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    with pytest.raises(DomainError) as refusal:
        objection_statement_attach(actor=cast.citizen, objection_id=objection.pk, text="声明")

    # then
    assert (refusal.value.status, refusal.value.code) == (409, error_codes.OBJECTION_STATE_CONFLICT)
    assert ObjectionStatement.objects.count() == 0


def test_the_credit_office_confirms_a_rejection_on_review(cast, penalty):
    # given
    objection = rejected(cast, penalty)
    objection = objection_review_request(
        actor=cast.citizen, objection_id=objection.pk, reason="复议决定书已撤销该处罚。"
    )
    penalty.refresh_from_db()
    flagged_during_review = penalty.disputed

    # when
    objection = objection_review_decide(
        actor=cast.reviewer,
        objection_id=objection.pk,
        outcome=ReviewOutcome.CONFIRMED,
        reasons="复议决定书所涉为另一处罚，原决定正确。",
    )

    # then
    penalty.refresh_from_db()
    assert (flagged_during_review, penalty.disputed) == (True, False)
    assert (objection.status, objection.review_outcome) == (
        ObjectionStatus.CLOSED,
        ReviewOutcome.CONFIRMED,
    )
    assert [row[1] for row in audit_trail(objection)] == [
        "file",
        "accept",
        "decide",
        "request_review",
        "decide_review",
    ]


def test_a_review_that_overturns_sends_the_case_back_for_correction(cast, penalty):
    # given
    objection = rejected(cast, penalty)
    objection_review_request(actor=cast.citizen, objection_id=objection.pk, reason="请复核。")

    # when
    overturned = objection_review_decide(
        actor=cast.reviewer,
        objection_id=objection.pk,
        outcome=ReviewOutcome.OVERTURNED,
        reasons="复议决定书已撤销原处罚。",
    )
    with pytest.raises(DomainError) as rejection_again:
        objection_decide(
            actor=cast.provider,
            objection_id=objection.pk,
            outcome=DecisionOutcome.REJECTED,
            reasons=REASONS,
        )
    upheld = objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.UPHELD,
        resolution=Resolution.REVOKED,
        reasons=REASONS,
    )

    # then
    penalty.refresh_from_db()
    assert overturned.status == ObjectionStatus.OVERTURNED
    assert rejection_again.value.code == error_codes.OBJECTION_STATE_CONFLICT
    assert (upheld.status, penalty.status, penalty.disputed) == (
        ObjectionStatus.UPHELD,
        RecordStatus.REVOKED,
        False,
    )
    assert Notice.objects.filter(user=cast.provider, title="复核撤销了异议不成立决定").count() == 1


def test_only_the_credit_office_decides_reviews(cast, penalty):
    # given
    objection = rejected(cast, penalty)
    objection_review_request(actor=cast.citizen, objection_id=objection.pk, reason="请复核。")

    # when
    with pytest.raises(DomainError) as refusal:
        objection_review_decide(
            actor=cast.provider,
            objection_id=objection.pk,
            outcome=ReviewOutcome.OVERTURNED,
            reasons=REASONS,
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (
        403,
        error_codes.OBJECTION_REVIEW_ROLE_REQUIRED,
    )


def test_a_review_asked_for_after_its_period_is_refused(cast, penalty):
    # given: rejected on Monday 2 March 2026; 15 working days end on Monday 23 March
    objection = filed(cast.citizen, penalty, now=moment("2026-03-02", 9))
    objection_accept(actor=cast.provider, objection_id=objection.pk, now=moment("2026-03-02", 10))
    objection = objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.REJECTED,
        reasons=REASONS,
        now=moment("2026-03-02", 11),
    )

    # when
    with pytest.raises(DomainError) as refusal:
        objection_review_request(
            actor=cast.citizen,
            objection_id=objection.pk,
            reason="请复核。",
            now=moment("2026-03-24"),
        )

    # then
    assert objection.review_request_until == add_working_days(objection.decided_on, 15)
    assert objection.review_request_until.isoformat() == "2026-03-23"
    assert (refusal.value.status, refusal.value.code) == (
        409,
        error_codes.OBJECTION_REVIEW_PERIOD_OVER,
    )
