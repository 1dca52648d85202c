"""The repair services: applying (online and at the counter), every eligibility refusal, the
decision (approved → the record repaired with a new version, its audit and outbox events;
rejected → reasons), the wrong department, a second decision; every refusal writes nothing."""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import NoticeKind
from chengxin.accounts.models import Notice
from chengxin.catalog.choices import Category, Severity
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.collection.services import RECORD_OBJECT_TYPE
from chengxin.collection.tests.factories import id_number, penalty_item
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections.services import objection_file_by_person
from chengxin.dueprocess.repairs import error_codes
from chengxin.dueprocess.repairs.choices import (
    REPAIR_OBJECT_TYPE,
    RepairChannel,
    RepairOutcome,
    RepairStatus,
)
from chengxin.dueprocess.repairs.commitment import current_template, text_sha256
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.services import repair_apply_on_behalf, repair_decide
from chengxin.dueprocess.repairs.tests.factories import (
    PERSON,
    TEXT,
    applied,
    moment,
    pdf,
    people,
    png,
    record,
)
from chengxin.exchange.models import OutboxEvent

pytestmark = pytest.mark.django_db
REASONS = "经核查，罚款已缴清，准予修复。"


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def penalty(cast):
    return record(cast.provider)


def audit_trail(repair: Repair) -> list[tuple[str, str, str]]:
    return [
        (event.action, event.detail["transition"], event.actor_username)
        for event in AuditEvent.objects.filter(
            object_type=REPAIR_OBJECT_TYPE, object_id=str(repair.pk)
        ).order_by("pk")
    ]


def nothing_written() -> tuple[int, ...]:
    return (
        Repair.objects.count(),
        Attachment.objects.count(),
        OutboxEvent.objects.count(),
        AuditEvent.objects.filter(object_type=REPAIR_OBJECT_TYPE).count(),
        AuditEvent.objects.filter(object_type=RECORD_OBJECT_TYPE).count(),
        RecordVersion.objects.count(),
        Notice.objects.count(),
    )


def refused(call) -> DomainError:
    before = nothing_written()
    with pytest.raises(DomainError) as refusal:
        call()
    assert nothing_written() == before
    return refusal.value


# --- Applying -----------------------------------------------------------------------------------


def test_the_person_applies_with_proof_and_the_accepted_commitment(cast, penalty):
    # given: Tuesday 2 June 2026, the day after the earliest repair date
    now = moment("2026-06-02")

    # when
    repair = applied(cast.citizen, penalty, now=now, files=[png(), pdf("缴款凭证.pdf")])

    # then
    template = current_template()
    assert (repair.status, repair.channel, repair.record_version) == (
        RepairStatus.APPLIED,
        RepairChannel.ONLINE,
        1,
    )
    assert (repair.applied_on.isoformat(), repair.deadline.isoformat()) == (
        "2026-06-02",
        "2026-06-05",
    )
    assert (repair.commitment_version, repair.commitment_text) == (
        template.version,
        template.text,
    )
    assert (
        repair.commitment_sha256 == text_sha256(template.text)
        and len(repair.commitment_sha256) == 64
    )
    assert repair.commitment_accepted_at == now
    assert repair.department_id == penalty.department_id
    assert audit_trail(repair) == [(AuditAction.CREATE, "apply", "citizen-a")]
    assert Attachment.objects.filter(case_id=str(repair.pk)).count() == 2
    assert sorted(
        Notice.objects.filter(kind=NoticeKind.REPAIR).values_list("user__username", "title")
    ) == [("citizen-a", "信用修复申请已提交"), ("provider-tax", "新的信用修复申请待决定")]
    assert CreditRecord.objects.get(pk=penalty.pk).status == RecordStatus.ACTIVE


def test_a_record_that_is_not_the_persons_is_not_found(cast, penalty):
    error = refused(lambda: applied(cast.citizen_other, penalty))

    assert (error.status, error.code) == (404, error_codes.REPAIR_RECORD_NOT_FOUND)


def test_a_record_that_is_not_active_is_not_found(cast, penalty):
    record(cast.provider, operation="revoke")

    error = refused(lambda: applied(cast.citizen, penalty))

    assert (error.status, error.code) == (404, error_codes.REPAIR_RECORD_NOT_ACTIVE)
    assert "已撤销" in error.message


def test_a_record_before_its_earliest_repair_date_is_refused_saying_from_when(cast, penalty):
    # when: the earliest repair date is 1 June 2026 (three months after 1 March)
    error = refused(lambda: applied(cast.citizen, penalty, now=moment("2026-05-29")))

    # then
    assert (error.status, error.code) == (409, error_codes.REPAIR_NOT_YET)
    assert "2026-06-01" in error.message
    assert error.details["repairable_from"] == "2026-06-01"


def test_a_record_that_is_not_negative_is_refused(cast):
    penalty_item(code="model-worker", name="劳动模范", category=Category.POSITIVE, severity="")
    honour = record(cast.provider, item_code="model-worker")

    error = refused(lambda: applied(cast.citizen, honour))

    assert (error.status, error.code) == (409, error_codes.REPAIR_NOT_NEGATIVE)


def test_a_minor_record_needs_no_repair(cast):
    penalty_item(code="minor-penalty", name="轻微违法", severity=Severity.MINOR)
    minor = record(cast.provider, item_code="minor-penalty", decided_on="2026-04-01")

    error = refused(lambda: applied(cast.citizen, minor))

    assert (error.status, error.code) == (409, error_codes.REPAIR_NOT_NEEDED)


def test_a_record_not_repairable_by_law_is_refused_with_its_basis(cast):
    basis = "失信被执行人信息由人民法院依法决定删除，不适用信用修复。"
    penalty_item(
        code="dishonest-debtor",
        name="失信被执行人",
        severity=Severity.SERIOUS,
        repairable=False,
        repair_exclusion_basis=basis,
    )
    debtor = record(cast.provider, item_code="dishonest-debtor", decided_on="2025-01-05")

    error = refused(lambda: applied(cast.citizen, debtor))

    assert (error.status, error.code) == (409, error_codes.REPAIR_EXCLUDED_BY_LAW)
    assert basis in error.message


def test_a_disputed_record_is_refused(cast, penalty):
    objection_file_by_person(
        actor=cast.citizen, record_id=penalty.pk, grounds="wrong", text="该记录内容有误。"
    )

    error = refused(lambda: applied(cast.citizen, penalty))

    assert (error.status, error.code) == (409, error_codes.REPAIR_RECORD_DISPUTED)


def test_a_record_has_at_most_one_open_application(cast, penalty):
    applied(cast.citizen, penalty)

    error = refused(lambda: applied(cast.citizen, penalty))

    assert (error.status, error.code) == (409, error_codes.REPAIR_ALREADY_OPEN)


@pytest.mark.parametrize(
    ("arguments", "status", "code", "field"),
    [
        ({"files": []}, 422, error_codes.REPAIR_PROOF_REQUIRED, "attachments"),
        ({"accepted": False}, 422, error_codes.REPAIR_COMMITMENT_REQUIRED, "commitment_accepted"),
        ({"version": "2020-1"}, 409, error_codes.REPAIR_COMMITMENT_OUTDATED, "commitment_version"),
        ({"text": "  "}, 422, error_codes.REPAIR_TEXT_REQUIRED, "text"),
    ],
)
def test_an_incomplete_application_is_refused_naming_the_field(
    cast, penalty, arguments, status, code, field
):
    error = refused(lambda: applied(cast.citizen, penalty, **arguments))

    assert (error.status, error.code) == (status, code)
    assert error.details["errors"][0]["field"] == field


def test_staff_cannot_apply_as_the_person(cast, penalty):
    error = refused(lambda: applied(cast.provider, penalty))

    assert (error.status, error.code) == (403, error_codes.REPAIR_CITIZEN_ACCOUNT_REQUIRED)


def counter(cast, credit_record, *, actor=None, number=None, proof=True):
    return repair_apply_on_behalf(
        actor=actor or cast.reviewer,
        record_id=credit_record.pk,
        id_number=number or id_number(PERSON),
        text=TEXT,
        commitment_version=current_template().version,
        commitment_accepted=True,
        power_of_attorney=pdf() if proof else None,
        files=[png()],
        now=moment("2026-06-02"),
    )


def test_the_reviewer_applies_at_the_counter_with_a_power_of_attorney(cast, penalty):
    repair = counter(cast, penalty)

    assert (repair.channel, repair.subject_index) == (RepairChannel.COUNTER, penalty.subject_index)
    assert repair.power_of_attorney is not None
    assert Attachment.objects.filter(case_id=str(repair.pk)).count() == 2
    assert audit_trail(repair) == [(AuditAction.CREATE, "apply", "reviewer")]


@pytest.mark.parametrize(
    ("who", "number", "proof", "status", "code"),
    [
        ("provider", None, True, 403, error_codes.REPAIR_FILING_ROLE_REQUIRED),
        ("reviewer", None, False, 422, error_codes.REPAIR_POWER_OF_ATTORNEY_REQUIRED),
        ("reviewer", 2, True, 422, error_codes.REPAIR_PERSON_MISMATCH),
        ("reviewer", "230202198005170000", True, 422, "id_number_invalid"),
    ],
)
def test_applying_at_the_counter_is_refused(cast, penalty, who, number, proof, status, code):
    number = id_number(number) if isinstance(number, int) else number

    error = refused(
        lambda: counter(cast, penalty, actor=getattr(cast, who), number=number, proof=proof)
    )

    assert (error.status, error.code) == (status, code)


# --- Deciding -----------------------------------------------------------------------------------


def test_approval_repairs_the_record_with_a_new_version_in_one_transaction(cast, penalty):
    # given
    repair = applied(cast.citizen, penalty)

    # when
    decided = repair_decide(
        actor=cast.provider,
        repair_id=repair.pk,
        outcome=RepairOutcome.APPROVED,
        reasons=REASONS,
        now=moment("2026-06-03"),
    )

    # then
    penalty.refresh_from_db()
    assert (decided.status, decided.repaired_version, decided.deadline) == (
        RepairStatus.APPROVED,
        2,
        None,
    )
    assert (penalty.status, penalty.current_version) == (RecordStatus.REPAIRED, 2)
    versions = list(
        RecordVersion.objects.filter(record=penalty)
        .order_by("number")
        .values_list("number", "status", "superseded_at")
    )
    assert [(number, status) for number, status, _ in versions] == [
        (1, RecordStatus.ACTIVE),
        (2, RecordStatus.REPAIRED),
    ]
    assert versions[0][2] is not None and versions[1][2] is None
    assert audit_trail(repair) == [
        (AuditAction.CREATE, "apply", "citizen-a"),
        (AuditAction.DECISION, "decide", "provider-tax"),
    ]
    record_events = AuditEvent.objects.filter(
        object_type=RECORD_OBJECT_TYPE, object_id=str(penalty.pk)
    )
    assert [event.detail["change"] for event in record_events] == ["repaired"]
    repaired_events = OutboxEvent.objects.filter(record_id=penalty.pk, event_type="record.repaired")
    assert [event.payload["repair_id"] for event in repaired_events] == [repair.pk]
    assert Notice.objects.filter(user=cast.citizen, title="信用修复申请已准予").count() == 1
    # the dates stay, for the person's own file
    assert (penalty.decided_on.isoformat(), penalty.repairable_from.isoformat()) == (
        "2026-03-01",
        "2026-06-01",
    )


def test_a_rejection_gives_reasons_and_leaves_the_record_active(cast, penalty):
    repair = applied(cast.citizen, penalty)

    decided = repair_decide(
        actor=cast.provider,
        repair_id=repair.pk,
        outcome=RepairOutcome.REJECTED,
        reasons="罚款尚未缴清。",
    )

    assert (decided.status, decided.reasons) == (RepairStatus.REJECTED, "罚款尚未缴清。")
    assert CreditRecord.objects.get(pk=penalty.pk).status == RecordStatus.ACTIVE
    assert not OutboxEvent.objects.filter(event_type="record.repaired").exists()
    assert Notice.objects.filter(user=cast.citizen, title="信用修复申请未予准许").count() == 1
    # a new application may follow a rejection
    assert applied(cast.citizen, penalty).status == RepairStatus.APPLIED


def test_a_rejection_needs_reasons(cast, penalty):
    repair = applied(cast.citizen, penalty)

    error = refused(
        lambda: repair_decide(
            actor=cast.provider, repair_id=repair.pk, outcome=RepairOutcome.REJECTED, reasons=""
        )
    )

    assert (error.status, error.code) == (422, error_codes.REPAIR_REASONS_REQUIRED)


def test_a_decision_by_another_department_is_refused(cast, penalty):
    repair = applied(cast.citizen, penalty)

    error = refused(
        lambda: repair_decide(
            actor=cast.provider_other, repair_id=repair.pk, outcome="approved", reasons=REASONS
        )
    )

    assert (error.status, error.code) == (403, error_codes.REPAIR_WRONG_DEPARTMENT)
    assert Repair.objects.get(pk=repair.pk).status == RepairStatus.APPLIED


@pytest.mark.parametrize("role", ["officer", "reviewer", "citizen"])
def test_only_providers_decide(cast, penalty, role):
    repair = applied(cast.citizen, penalty)

    error = refused(
        lambda: repair_decide(
            actor=getattr(cast, role), repair_id=repair.pk, outcome="approved", reasons=REASONS
        )
    )

    assert (error.status, error.code) == (403, error_codes.REPAIR_DECISION_ROLE_REQUIRED)


def test_a_second_decision_is_refused(cast, penalty):
    repair = applied(cast.citizen, penalty)
    repair_decide(actor=cast.provider, repair_id=repair.pk, outcome="approved", reasons=REASONS)

    error = refused(
        lambda: repair_decide(
            actor=cast.provider, repair_id=repair.pk, outcome="rejected", reasons="重复决定。"
        )
    )

    assert (error.status, error.code) == (409, error_codes.REPAIR_ALREADY_DECIDED)


def test_an_outcome_not_among_the_choices_is_refused(cast, penalty):
    repair = applied(cast.citizen, penalty)

    error = refused(
        lambda: repair_decide(
            actor=cast.provider, repair_id=repair.pk, outcome="maybe", reasons=REASONS
        )
    )

    assert (error.status, error.code) == (422, error_codes.REPAIR_OUTCOME_INVALID)


def test_approval_waits_for_an_objection_filed_meanwhile(cast, penalty):
    repair = applied(cast.citizen, penalty)
    objection_file_by_person(
        actor=cast.citizen, record_id=penalty.pk, grounds="wrong", text="该记录内容有误。"
    )

    error = refused(
        lambda: repair_decide(
            actor=cast.provider, repair_id=repair.pk, outcome="approved", reasons=REASONS
        )
    )

    assert (error.status, error.code) == (409, error_codes.REPAIR_RECORD_DISPUTED)
    assert CreditRecord.objects.get(pk=penalty.pk).status == RecordStatus.ACTIVE


def test_the_collection_service_repairs_only_an_active_record(cast, penalty):
    from django.db import transaction
    from django.utils import timezone

    from chengxin.collection.services import record_repair

    record(cast.provider, operation="revoke")
    revoked = CreditRecord.objects.get(pk=penalty.pk)

    def repair_revoked():
        with transaction.atomic():
            record_repair(actor=cast.provider, record=revoked, now=timezone.now(), detail={})

    error = refused(repair_revoked)

    assert (error.status, error.code) == (409, "record_not_active")
