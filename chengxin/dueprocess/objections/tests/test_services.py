"""The objection services: each transition, its audit event, its outbox events and notices, and
the refusals of "What bad input gets" (issue 11), each writing nothing."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from chengxin.accounts.choices import NoticeKind
from chengxin.accounts.models import Notice
from chengxin.collection.choices import RecordStatus, SubmissionChannel
from chengxin.collection.models import CreditRecord, RecordVersion, Submission
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.calendar import add_working_days
from chengxin.core.errors import DomainError
from chengxin.dueprocess import error_codes as attachment_codes
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections import error_codes
from chengxin.dueprocess.objections.choices import (
    OBJECTION_OBJECT_TYPE,
    DecisionOutcome,
    FilingChannel,
    ObjectionStatus,
    RefusalReason,
    Resolution,
    ReviewOutcome,
)
from chengxin.dueprocess.objections.models import Objection, ObjectionStatement
from chengxin.dueprocess.objections.selectors import objection_open_for_record
from chengxin.dueprocess.objections.services import (
    objection_accept,
    objection_decide,
    objection_extend,
    objection_file_by_person,
    objection_file_on_behalf,
    objection_refuse,
    objection_review_decide,
    objection_review_request,
    objection_statement_attach,
    objection_withdraw,
)
from chengxin.dueprocess.objections.tests.factories import (
    PERSON,
    TEXT,
    filed,
    moment,
    pdf,
    people,
    png,
    record,
)
from chengxin.exchange.models import OutboxEvent

pytestmark = pytest.mark.django_db
REASONS = "经核查，原处罚决定已于2026年4月被复议决定撤销。"


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def penalty(cast):
    return record(cast.provider)


def audit_trail(objection: Objection) -> list[tuple[str, str, str]]:
    """(action, transition, actor) of every audit event of the objection, oldest first."""
    return [
        (event.action, event.detail["transition"], event.actor_username)
        for event in AuditEvent.objects.filter(
            object_type=OBJECTION_OBJECT_TYPE, object_id=str(objection.pk)
        ).order_by("pk")
    ]


def outbox(credit_record) -> list[tuple[str, bool]]:
    return list(
        OutboxEvent.objects.filter(record_id=credit_record.pk)
        .order_by("pk")
        .values_list("event_type", "payload__disputed")
    )


def nothing_written() -> tuple[int, int, int, int]:
    return (
        Objection.objects.count(),
        Attachment.objects.count(),
        OutboxEvent.objects.count(),
        AuditEvent.objects.filter(object_type=OBJECTION_OBJECT_TYPE).count(),
    )


def accepted(cast, penalty) -> Objection:
    objection = filed(cast.citizen, penalty)
    return objection_accept(actor=cast.provider, objection_id=objection.pk)


def rejected(cast, penalty) -> Objection:
    objection = accepted(cast, penalty)
    return objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.REJECTED,
        reasons="经核查，处罚决定合法有效，记录无误。",
    )


# --- Filing -------------------------------------------------------------------------------------


def test_the_person_files_and_the_record_is_flagged_at_once(cast, penalty):
    # given: Monday 2 March 2026
    now = moment("2026-03-02")

    # when
    objection = filed(cast.citizen, penalty, now=now, files=[png()])

    # then
    penalty.refresh_from_db()
    assert (objection.status, objection.channel, objection.record_version) == (
        ObjectionStatus.FILED,
        FilingChannel.ONLINE,
        1,
    )
    assert (objection.filed_on.isoformat(), objection.deadline.isoformat()) == (
        "2026-03-02",
        "2026-03-09",
    )
    assert (penalty.disputed, objection.flagged_at) == (True, now)
    assert objection_open_for_record(penalty.pk) is True
    assert audit_trail(objection) == [(AuditAction.CREATE, "file", "citizen-a")]
    assert outbox(penalty) == [("record.disputed", True)]
    assert Attachment.objects.filter(case_id=str(objection.pk)).count() == 1
    notices = Notice.objects.exclude(kind=NoticeKind.RECORD)
    assert sorted(notices.values_list("user__username", "title")) == [
        ("citizen-a", "异议已提交"),
        ("provider-tax", "新的异议待处理"),
    ]


def test_a_record_that_is_not_the_persons_is_not_found_and_nothing_is_written(cast, penalty):
    # given
    before = nothing_written()

    # when
    with pytest.raises(DomainError) as refusal:
        filed(cast.citizen_other, penalty)

    # then
    assert (refusal.value.status, refusal.value.code) == (
        404,
        error_codes.OBJECTION_RECORD_NOT_FOUND,
    )
    assert nothing_written() == before
    assert CreditRecord.objects.get(pk=penalty.pk).disputed is False


def test_an_objection_on_a_revoked_record_is_refused(cast, penalty):
    # given
    record(cast.provider, operation="revoke")

    # when
    with pytest.raises(DomainError) as refusal:
        filed(cast.citizen, penalty)

    # then
    assert (refusal.value.status, refusal.value.code) == (
        409,
        error_codes.OBJECTION_RECORD_NOT_OBJECTIONABLE,
    )
    assert refusal.value.message == "该记录状态为“已撤销”，已不再公示和用于核查，不能提出异议。"
    assert Objection.objects.count() == 0


def test_a_record_has_at_most_one_open_objection(cast, penalty):
    # given
    filed(cast.citizen, penalty)

    # when
    with pytest.raises(DomainError) as refusal:
        filed(cast.citizen, penalty)

    # then
    assert (refusal.value.status, refusal.value.code) == (409, error_codes.OBJECTION_ALREADY_OPEN)
    assert Objection.objects.count() == 1


def test_the_database_refuses_a_second_open_objection_on_a_record(cast, penalty):
    # given
    first = filed(cast.citizen, penalty)
    second = Objection.objects.get(pk=first.pk)
    second.pk = None

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save(force_insert=True)


@pytest.mark.parametrize(
    ("incoming", "code"),
    [
        (
            IncomingFile(name="收据.pdf", data=b"MZ\x90\x00 a program"),
            attachment_codes.ATTACHMENT_TYPE_REFUSED,
        ),
        (
            IncomingFile(name="收据.png", data=b"%PDF-" + b"0" * 64),
            attachment_codes.ATTACHMENT_TOO_LARGE,
        ),
    ],
    ids=["not what its name says", "too big"],
)
def test_an_attachment_refused_refuses_the_filing_and_writes_nothing(
    cast, penalty, settings, incoming, code
):
    # given
    settings.CHENGXIN_ATTACHMENT_MAX_BYTES = 32
    before = nothing_written()

    # when
    with pytest.raises(DomainError) as refusal:
        filed(cast.citizen, penalty, files=[png("照片.png"), incoming][1:])

    # then
    assert (refusal.value.status, refusal.value.code) == (422, code)
    assert [error["field"] for error in refusal.value.details["errors"]] == ["attachments[0]"]
    assert nothing_written() == before
    assert CreditRecord.objects.get(pk=penalty.pk).disputed is False


@pytest.mark.parametrize(
    ("grounds", "text", "code", "field"),
    [
        ("bribery", TEXT, error_codes.OBJECTION_GROUNDS_INVALID, "grounds"),
        ("wrong", "   ", error_codes.OBJECTION_TEXT_REQUIRED, "text"),
        ("wrong", "字" * 2001, "text_too_long", "text"),
        ("wrong", f"我的号码是{id_number(PERSON)}", "text_holds_id_number", "text"),
    ],
)
def test_a_claim_without_grounds_or_text_is_refused_naming_the_field(
    cast, penalty, grounds, text, code, field
):
    # when
    with pytest.raises(DomainError) as refusal:
        objection_file_by_person(
            actor=cast.citizen, record_id=penalty.pk, grounds=grounds, text=text
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (422, code)
    assert refusal.value.details["errors"][0]["field"] == field
    assert Objection.objects.count() == 0


def test_staff_other_than_the_citizen_cannot_file_as_the_person(cast, penalty):
    # when
    with pytest.raises(DomainError) as refusal:
        filed(cast.provider, penalty)

    # then
    assert (refusal.value.status, refusal.value.code) == (
        403,
        error_codes.OBJECTION_CITIZEN_ACCOUNT_REQUIRED,
    )


def test_the_reviewer_files_at_the_counter_with_a_power_of_attorney(cast, penalty):
    # when
    objection = objection_file_on_behalf(
        actor=cast.reviewer,
        record_id=penalty.pk,
        id_number=id_number(PERSON),
        grounds="not_mine",
        text=TEXT,
        power_of_attorney=pdf(),
        files=[png()],
    )

    # then
    assert (objection.channel, objection.filed_by, objection.subject_index) == (
        FilingChannel.COUNTER,
        cast.reviewer,
        penalty.subject_index,
    )
    assert objection.power_of_attorney.file_name == "授权委托书.pdf"
    assert Attachment.objects.filter(case_id=str(objection.pk)).count() == 2
    assert audit_trail(objection) == [(AuditAction.CREATE, "file", "reviewer")]


@pytest.mark.parametrize(
    ("actor", "number", "proof", "status", "code", "field"),
    [
        ("provider", PERSON, True, 403, error_codes.OBJECTION_FILING_ROLE_REQUIRED, None),
        (
            "reviewer",
            PERSON,
            False,
            422,
            error_codes.OBJECTION_POWER_OF_ATTORNEY_REQUIRED,
            "power_of_attorney",
        ),
        ("reviewer", 2, True, 422, error_codes.OBJECTION_PERSON_MISMATCH, "record_id"),
    ],
    ids=["not a reviewer", "no power of attorney", "another person"],
)
def test_filing_at_the_counter_is_refused(cast, penalty, actor, number, proof, status, code, field):
    # given
    before = nothing_written()

    # when
    with pytest.raises(DomainError) as refusal:
        objection_file_on_behalf(
            actor=getattr(cast, actor),
            record_id=penalty.pk,
            id_number=id_number(number),
            grounds="wrong",
            text=TEXT,
            power_of_attorney=pdf() if proof else None,
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (status, code)
    if field:
        assert refusal.value.details["errors"][0]["field"] == field
    assert nothing_written() == before


def wrong_check_character(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def test_an_invalid_id_number_at_the_counter_is_refused_naming_the_field(cast, penalty):
    # when
    with pytest.raises(DomainError) as refusal:
        objection_file_on_behalf(
            actor=cast.reviewer,
            record_id=penalty.pk,
            id_number=wrong_check_character(id_number(PERSON)),
            grounds="wrong",
            text=TEXT,
            power_of_attorney=pdf(),
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (422, "id_number_invalid")
    assert refusal.value.details["errors"][0]["field"] == "id_number"


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
