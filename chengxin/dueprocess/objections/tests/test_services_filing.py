"""The objection services, filing: by the person online and by a reviewer at the counter, the
flag on the record, and the refusals of "What bad input gets" (issue 11), each writing nothing."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from chengxin.accounts.choices import NoticeKind
from chengxin.accounts.models import Notice
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.dueprocess import error_codes as attachment_codes
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections import error_codes
from chengxin.dueprocess.objections.choices import FilingChannel, ObjectionStatus
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.selectors import objection_open_for_record
from chengxin.dueprocess.objections.services import (
    objection_file_by_person,
    objection_file_on_behalf,
)
from chengxin.dueprocess.objections.tests.cases import audit_trail, nothing_written, outbox
from chengxin.dueprocess.objections.tests.factories import (
    PERSON,
    TEXT,
    filed,
    moment,
    pdf,
    png,
    record,
)

pytestmark = pytest.mark.django_db


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
