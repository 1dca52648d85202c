"""The services of tip-offs: filing (anonymous and from a citizen account) and every refusal
(nothing written), the state machine with one audit event per transition, who may do what,
deadlines on the official calendar, notices to a signed-in reporter."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.hashers import check_password

from chengxin.accounts.choices import NoticeKind
from chengxin.accounts.models import Notice
from chengxin.core import crypto
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections.tests.factories import pdf, png
from chengxin.dueprocess.tipoffs.choices import TipOffStatus
from chengxin.dueprocess.tipoffs.models import TipOff
from chengxin.dueprocess.tipoffs.selectors import tipoff_attachments, tipoff_status_lookup
from chengxin.dueprocess.tipoffs.services import (
    tipoff_answer,
    tipoff_close,
    tipoff_concerned,
    tipoff_refuse,
    tipoff_route,
)
from chengxin.dueprocess.tipoffs.tests.factories import cast, concerned_id, filed, moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return cast()


def _writes() -> tuple[int, int, int, int]:
    return (
        TipOff.objects.count(),
        Attachment.objects.count(),
        AuditEvent.objects.count(),
        Notice.objects.count(),
    )


def _events(tipoff: TipOff) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="tipoffs.tipoff", object_id=str(tipoff.pk))
        .order_by("pk")
        .values_list("detail__transition", flat=True)
    )


def _refused(call, *, code: str, field: str | None = None, status: int = 422) -> DomainError:
    before = _writes()
    with pytest.raises(DomainError) as caught:
        call()
    error = caught.value
    assert (error.code, error.status) == (code, status)
    if field is not None:
        assert [item["field"] for item in error.details["errors"]] == [field]
    assert _writes() == before
    return error


# --- Filing -----------------------------------------------------------------------------------


def test_an_anonymous_tip_off_gets_a_number_and_a_code_only_its_hash_kept(people):
    # when
    answer = filed(None, now=moment("2026-12-03"), files=[png("现场照片.png"), pdf("合同.pdf")])

    # then
    tipoff = TipOff.objects.get()
    assert tipoff.number.startswith("JB20261203") and len(tipoff.number) == 16
    assert len(answer.query_code) == 12
    assert answer.query_code not in tipoff.query_code_hash
    assert check_password(answer.query_code, tipoff.query_code_hash)
    assert (tipoff.status, tipoff.anonymous, tipoff.reporter) == (TipOffStatus.FILED, True, None)
    assert [file.file_name for file in tipoff_attachments(tipoff)] == ["现场照片.png", "合同.pdf"]
    assert _events(tipoff) == ["file"]
    event = AuditEvent.objects.get(object_type="tipoffs.tipoff")
    assert event.actor_id is None and event.detail["attachments"] == 2
    # the credit office is told
    assert Notice.objects.filter(user=people.reviewer, kind=NoticeKind.TIP_OFF).count() == 1


def test_the_person_concerned_is_kept_encrypted_and_blind_indexed(people):
    # when
    answer = filed(None, concerned_name="张三丰", id_number=concerned_id())

    # then
    tipoff = answer.tipoff
    assert tipoff.concerned_index == crypto.blind_index(concerned_id())
    assert tipoff.concerned_id_masked == "230202********" + concerned_id()[-4:]
    assert concerned_id().encode() not in bytes(tipoff.concerned_id_ciphertext)
    assert tipoff.concerned_name_masked == "张**"
    assert tipoff_concerned(tipoff) == {"name": "张三丰", "id_masked": tipoff.concerned_id_masked}
    assert AuditEvent.objects.get().subject_index == tipoff.concerned_index


def test_a_citizen_files_under_their_account(people):
    # when
    tipoff = filed(people.citizen, department_id=people.tax.pk).tipoff

    # then
    assert (tipoff.reporter, tipoff.anonymous) == (people.citizen, False)
    assert tipoff.reported_department == people.tax


def test_staff_may_not_file_on_the_public_site(people):
    _refused(
        lambda: filed(people.provider), code="tipoff_filing_role_refused", status=403, field=None
    )


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"category": "gossip"}, "tipoff_category_invalid", "category"),
        ({"text": "   "}, "tipoff_text_required", "text"),
        ({"text": "x" * 2001}, "text_too_long", "text"),
        ({"concerned_name": "张" * 101}, "text_too_long", "concerned_name"),
        ({"record_reference": "r" * 101}, "text_too_long", "record_reference"),
        ({"id_number": "230202198005170011"}, "id_number_invalid", "id_number"),
        ({"department_id": 999_999}, "tipoff_department_unknown", "department"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(people, extra, code, field):
    _refused(lambda: filed(None, **extra), code=code, field=field)


def test_an_id_number_in_free_text_is_refused(people):
    # when / then: in the text, the name or the record reference
    for name in ("text", "concerned_name", "record_reference"):
        error = _refused(
            lambda name=name: filed(None, **{name: f"此人号码 {concerned_id()} 请核查"}),
            code="text_holds_id_number",
            field=name,
        )
        assert concerned_id() not in error.message


def test_an_attachment_that_is_not_what_its_name_says_is_refused(people):
    fake = IncomingFile(name="照片.png", data=b"MZ\x90\x00 an executable")
    _refused(
        lambda: filed(None, files=[png(), fake]),
        code="dueprocess.attachment_type_refused",
        field="attachments[1]",
    )


def test_too_many_attachments_are_refused(people):
    _refused(
        lambda: filed(None, files=[png(f"{n}.png") for n in range(6)]),
        code="dueprocess.attachment_too_many",
        field="attachments",
    )


def test_an_image_is_stored_re_encoded(people):
    # given: a PNG with bytes hidden after its end
    original = png()
    smuggled = IncomingFile(name="a.png", data=original.data + b"hidden payload")

    # when
    tipoff = filed(None, files=[smuggled]).tipoff

    # then
    (attachment,) = tipoff_attachments(tipoff)
    from chengxin.dueprocess.attachments import attachment_open

    assert b"hidden payload" not in attachment_open(Attachment.objects.get(pk=attachment.pk))


# --- The state machine ------------------------------------------------------------------------


def test_the_whole_path_has_one_audit_event_per_step(people):
    # given
    tipoff = filed(people.citizen).tipoff

    # when
    tipoff_route(actor=people.reviewer, tipoff_id=tipoff.pk, department_id=people.tax.pk)
    tipoff_answer(
        actor=people.officer, tipoff_id=tipoff.pk, outcome="substantiated", answer="已立案查处。"
    )
    tipoff_close(actor=people.reviewer, tipoff_id=tipoff.pk)

    # then
    tipoff.refresh_from_db()
    assert tipoff.status == TipOffStatus.CLOSED and tipoff.deadline is None
    assert _events(tipoff) == ["file", "route", "answer", "close"]
    roles = list(
        AuditEvent.objects.filter(object_id=str(tipoff.pk), object_type="tipoffs.tipoff")
        .order_by("pk")
        .values_list("actor_role", flat=True)
    )
    assert roles == ["citizen", "reviewer", "officer", "reviewer"]
    # the reporter is told of routing, the answer and the closing
    titles = list(
        Notice.objects.filter(user=people.citizen, kind=NoticeKind.TIP_OFF)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert titles == ["举报已转交主管部门", "举报办理结果", "举报已办结"]


def test_a_reviewer_finds_a_tip_off_not_admissible_and_the_reporter_reads_why(people):
    # given
    answer = filed(None)

    # when
    tipoff_refuse(
        actor=people.reviewer, tipoff_id=answer.tipoff.pk, reason="no_facts", reasons="请补充线索。"
    )

    # then
    seen = tipoff_status_lookup(number=answer.tipoff.number, code=answer.query_code)
    assert seen.status == TipOffStatus.NOT_ADMISSIBLE and seen.refusal_reasons == "请补充线索。"
    assert _events(seen) == ["file", "refuse"]


def test_only_the_credit_office_routes_refuses_and_closes(people):
    tipoff = filed(None).tipoff
    for actor in (people.provider, people.officer, people.citizen):
        _refused(
            lambda actor=actor: tipoff_route(
                actor=actor, tipoff_id=tipoff.pk, department_id=people.tax.pk
            ),
            code="tipoff_screen_role_required",
            status=403,
        )
        _refused(
            lambda actor=actor: tipoff_refuse(
                actor=actor, tipoff_id=tipoff.pk, reason="other", reasons="无"
            ),
            code="tipoff_screen_role_required",
            status=403,
        )


def test_only_the_department_it_was_routed_to_answers(people):
    # given
    tipoff = filed(None).tipoff
    tipoff_route(actor=people.reviewer, tipoff_id=tipoff.pk, department_id=people.tax.pk)

    def answer(actor):
        return lambda: tipoff_answer(
            actor=actor, tipoff_id=tipoff.pk, outcome="partly", answer="已处理。"
        )

    # then
    _refused(answer(people.provider_other), code="tipoff_wrong_department", status=403)
    _refused(answer(people.reviewer), code="tipoff_answer_role_required", status=403)
    _refused(answer(people.citizen), code="tipoff_answer_role_required", status=403)


def test_no_step_is_skipped_or_repeated(people):
    # given
    tipoff = filed(None).tipoff

    # then: not answered before routing, not closed before the answer
    _refused(
        lambda: tipoff_answer(
            actor=people.provider, tipoff_id=tipoff.pk, outcome="partly", answer="x"
        ),
        code="tipoff_wrong_department",
        status=403,
    )
    _refused(
        lambda: tipoff_close(actor=people.reviewer, tipoff_id=tipoff.pk),
        code="tipoff_state_conflict",
        status=409,
    )
    # when routed, not routed again nor refused; answered once
    tipoff_route(actor=people.reviewer, tipoff_id=tipoff.pk, department_id=people.tax.pk)
    _refused(
        lambda: tipoff_route(
            actor=people.reviewer, tipoff_id=tipoff.pk, department_id=people.court.pk
        ),
        code="tipoff_state_conflict",
        status=409,
    )
    _refused(
        lambda: tipoff_refuse(
            actor=people.reviewer, tipoff_id=tipoff.pk, reason="other", reasons="x"
        ),
        code="tipoff_state_conflict",
        status=409,
    )
    tipoff_answer(actor=people.provider, tipoff_id=tipoff.pk, outcome="partly", answer="已处理。")
    _refused(
        lambda: tipoff_answer(
            actor=people.provider, tipoff_id=tipoff.pk, outcome="partly", answer="再次答复"
        ),
        code="tipoff_state_conflict",
        status=409,
    )


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        ("route_no_department", "tipoff_department_unknown", "department"),
        ("refuse_bad_reason", "tipoff_choice_invalid", "reason"),
        ("refuse_no_reasons", "tipoff_reasons_required", "reasons"),
        ("route_note_with_id", "text_holds_id_number", "note"),
    ],
)
def test_decision_forms_refuse_bad_input(people, call, code, field):
    tipoff = filed(None).tipoff
    reviewer = people.reviewer
    calls = {
        "route_no_department": lambda: tipoff_route(
            actor=reviewer, tipoff_id=tipoff.pk, department_id=None
        ),
        "refuse_bad_reason": lambda: tipoff_refuse(
            actor=reviewer, tipoff_id=tipoff.pk, reason="bored", reasons="x"
        ),
        "refuse_no_reasons": lambda: tipoff_refuse(
            actor=reviewer, tipoff_id=tipoff.pk, reason="other", reasons=""
        ),
        "route_note_with_id": lambda: tipoff_route(
            actor=reviewer,
            tipoff_id=tipoff.pk,
            department_id=people.tax.pk,
            note=f"核查 {concerned_id()}",
        ),
    }
    _refused(calls[call], code=code, field=field)


def test_an_answer_needs_an_outcome_and_text(people):
    tipoff = filed(None).tipoff
    tipoff_route(actor=people.reviewer, tipoff_id=tipoff.pk, department_id=people.tax.pk)
    _refused(
        lambda: tipoff_answer(actor=people.provider, tipoff_id=tipoff.pk, outcome="?", answer="x"),
        code="tipoff_choice_invalid",
        field="outcome",
    )
    _refused(
        lambda: tipoff_answer(
            actor=people.provider, tipoff_id=tipoff.pk, outcome="partly", answer=""
        ),
        code="tipoff_reasons_required",
        field="answer",
    )


# --- Deadlines --------------------------------------------------------------------------------


def test_the_routing_deadline_crosses_the_spring_festival(people):
    # when: filed on Friday 13 February 2026, the last working day before the holiday
    tipoff = filed(None, now=moment("2026-02-13")).tipoff

    # then: Saturday 14 (a make-up working day), then Tuesday 24 and Wednesday 25 February
    assert tipoff.deadline == datetime.date(2026, 2, 25)


def test_the_answer_deadline_counts_fifteen_working_days_from_routing(people):
    # given
    tipoff = filed(None, now=moment("2026-09-21")).tipoff

    # when: routed on Monday 21 September 2026; National Day week 1-7 October
    routed = tipoff_route(
        actor=people.reviewer,
        tipoff_id=tipoff.pk,
        department_id=people.tax.pk,
        now=moment("2026-09-21"),
    )

    # then
    from chengxin.core.calendar import add_working_days

    assert routed.deadline == add_working_days(datetime.date(2026, 9, 21), 15)
    assert routed.deadline > datetime.date(2026, 10, 12)
