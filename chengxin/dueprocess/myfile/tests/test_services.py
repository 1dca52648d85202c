"""Services and selectors of the person's own file: opt-out and reinstatement (and their
refusals, which write nothing), the file of every status, who looked (with the deferral of
law-enforcement queries), and the access challenge's workflow. Citizen A never sees anything of
citizen B."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chengxin.accounts.models import CitizenAccount, Notice
from chengxin.collection import error_codes as collection_codes
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import RecordVersion
from chengxin.collection.tests.factories import ITEM_CODE, id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.dueprocess.myfile import error_codes, services
from chengxin.dueprocess.myfile.choices import (
    CHALLENGE_OBJECT_TYPE,
    FILE_OBJECT_TYPE,
    AccessKind,
    ChallengeStatus,
)
from chengxin.dueprocess.myfile.lookup_selectors import deferral_cutoff, lookup_of, lookups_of
from chengxin.dueprocess.myfile.models import AccessChallenge
from chengxin.dueprocess.myfile.selectors import credit_file_of
from chengxin.dueprocess.myfile.tests.factories import CASE_NO, PURPOSE, cast, honour, reload
from chengxin.dueprocess.objections.tests.factories import PERSON, record
from chengxin.exchange.models import OutboxEvent
from chengxin.inquiry.services import profile_query, report_issue
from chengxin.inquiry.tests.factories import load_purposes
from chengxin.measures.checks.batch import batch_create, input_from_list
from chengxin.measures.checks.services import check_run
from chengxin.measures.tests.factories import MORAL_MODEL

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    load_purposes()
    return cast()


def account(user) -> CitizenAccount:
    return CitizenAccount.objects.get(user=user)


def counts() -> tuple[int, int, int, int]:
    return (
        AuditEvent.objects.count(),
        RecordVersion.objects.count(),
        OutboxEvent.objects.count(),
        AccessChallenge.objects.count(),
    )


# --- opt-out ----------------------------------------------------------------------------------


def test_withdraw_makes_a_version_an_audit_event_and_an_outbox_event(people):
    # given
    honour_record = honour(people.provider)
    before = AuditEvent.objects.count()
    # when
    services.opt_out(
        actor=people.citizen, account=account(people.citizen), record_id=honour_record.pk
    )
    # then
    withdrawn = reload(honour_record)
    assert withdrawn.status == RecordStatus.WITHDRAWN
    assert withdrawn.current_version == 2
    versions = list(RecordVersion.objects.filter(record=withdrawn).order_by("number"))
    assert [(v.number, v.status, v.superseded_at is None) for v in versions] == [
        (1, RecordStatus.ACTIVE, False),
        (2, RecordStatus.WITHDRAWN, True),
    ]
    assert versions[1].recorded_by == people.citizen
    assert versions[1].values == versions[0].values
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.object_type, event.object_id, event.detail) == (
        "collection.creditrecord",
        str(withdrawn.pk),
        {"from": "active", "to": "withdrawn", "version": 2},
    )
    outbox = OutboxEvent.objects.get(record_id=withdrawn.pk, event_type="record.withdrawn")
    assert outbox.payload["status"] == RecordStatus.WITHDRAWN


def test_reinstate_while_valid_brings_the_record_back(people):
    # given
    honour_record = honour(people.provider)
    mine = account(people.citizen)
    services.opt_out(actor=people.citizen, account=mine, record_id=honour_record.pk)
    # when
    services.opt_out_reinstate(actor=people.citizen, account=mine, record_id=honour_record.pk)
    # then
    back = reload(honour_record)
    assert (back.status, back.current_version) == (RecordStatus.ACTIVE, 3)
    assert (
        OutboxEvent.objects.filter(record_id=back.pk, event_type="record.reinstated").count() == 1
    )


def test_reinstate_after_validity_is_refused_and_writes_nothing(people):
    # given
    honour_record = honour(people.provider)
    mine = account(people.citizen)
    services.opt_out(actor=people.citizen, account=mine, record_id=honour_record.pk)
    later = reload(honour_record).valid_until
    before = counts()
    # when
    from chengxin.collection.services import record_reinstate

    with pytest.raises(DomainError) as refused:
        record_reinstate(
            actor=people.citizen,
            subject_index=mine.subject_index,
            record_id=honour_record.pk,
            today=later,
        )
    # then
    assert refused.value.code == collection_codes.RECORD_REINSTATE_NO_LONGER_VALID
    assert counts() == before
    assert reload(honour_record).status == RecordStatus.WITHDRAWN


@pytest.mark.parametrize(
    "case", ["other_person", "not_opt_out_able", "negative", "twice", "reinstate_active"]
)
def test_opt_out_refusals_write_nothing(people, case):
    # given
    mine = account(people.citizen)
    honour_record = honour(people.provider)
    model = record(
        people.provider, source_id="MM-1", item_code=MORAL_MODEL, decided_on="2026-01-05"
    )
    penalty = record(people.provider, source_id="P-1", item_code=ITEM_CODE)
    if case == "twice":
        services.opt_out(actor=people.citizen, account=mine, record_id=honour_record.pk)
    before = counts()
    calls = {
        "other_person": (services.opt_out, people.citizen_other, honour_record, NotFoundError),
        "not_opt_out_able": (services.opt_out, people.citizen, model, DomainError),
        "negative": (services.opt_out, people.citizen, penalty, DomainError),
        "twice": (services.opt_out, people.citizen, honour_record, DomainError),
        "reinstate_active": (
            services.opt_out_reinstate,
            people.citizen,
            honour_record,
            DomainError,
        ),
    }
    call, user, target, error = calls[case]
    # when
    with pytest.raises(error):
        call(actor=user, account=account(user), record_id=target.pk)
    # then
    assert counts() == before


def test_a_withdrawn_record_sent_again_by_its_provider_stays_withdrawn(people):
    # given
    honour_record = honour(people.provider)
    services.opt_out(
        actor=people.citizen, account=account(people.citizen), record_id=honour_record.pk
    )
    # when the provider sends it again with a change
    record(
        people.provider,
        source_id="V-1",
        item_code="volunteer-honour",
        decided_on=(timezone.localdate() - datetime.timedelta(days=20)).isoformat(),
    )
    # then
    assert reload(honour_record).status == RecordStatus.WITHDRAWN


# --- my credit file ---------------------------------------------------------------------------


def test_the_file_shows_every_status_and_only_the_persons_records(people):
    # given
    honour_record = honour(people.provider)
    penalty = record(people.provider, source_id="P-1", item_code=ITEM_CODE)
    revoked = record(people.provider, source_id="P-2", item_code=ITEM_CODE)
    record(people.provider, source_id="P-2", item_code=ITEM_CODE, operation="revoke")
    services.opt_out(
        actor=people.citizen, account=account(people.citizen), record_id=honour_record.pk
    )
    record(people.provider, source_id="B-1", sequence=2, item_code=ITEM_CODE)
    # when
    entries = credit_file_of(account=account(people.citizen))
    others = credit_file_of(account=account(people.citizen_other))
    # then
    shown = {entry.record.pk: entry.record.status for entry in entries}
    assert shown == {
        honour_record.pk: RecordStatus.WITHDRAWN,
        penalty.pk: RecordStatus.ACTIVE,
        revoked.pk: RecordStatus.REVOKED,
    }
    assert [entry.record.source_id for entry in others] == ["B-1"]
    by_id = {entry.record.pk: entry for entry in entries}
    assert by_id[penalty.pk].document_no == "齐税罚〔2026〕1号"
    assert by_id[penalty.pk].repair_action.from_day == reload(penalty).repairable_from
    assert by_id[revoked.pk].object_action.possible is False
    assert by_id[revoked.pk].versions == 2
    assert by_id[honour_record.pk].opt_out_action.name == "reinstate"
    assert by_id[honour_record.pk].is_public is False


def test_reading_the_file_is_audited_as_the_person_reading_their_own_data(people):
    # given
    mine = account(people.citizen)
    # when
    services.credit_file_read(actor=people.citizen, account=mine)
    # then
    event = AuditEvent.objects.get(object_type=FILE_OBJECT_TYPE)
    assert (event.action, event.subject_index, event.actor_id) == (
        "personal_data_read",
        mine.subject_index,
        people.citizen.pk,
    )


# --- who looked -------------------------------------------------------------------------------


def _looks(people, *, sequence: int = PERSON):
    record(people.provider, source_id=f"L-{sequence}", sequence=sequence, item_code=ITEM_CODE)
    query = profile_query(
        actor=people.officer, id_number=id_number(sequence), purpose=PURPOSE, case_no=CASE_NO
    )
    check = check_run(
        actor=people.officer,
        id_number=id_number(sequence),
        matter="public_procurement",
        case_no=CASE_NO,
        purpose="供应商资格审查",
    )
    report = report_issue(
        actor=people.officer, id_number=id_number(sequence), purpose=PURPOSE, case_no=CASE_NO
    )
    return query, check, report


def test_who_looked_finds_the_batch_checks_that_included_the_person(people):
    # given
    record(people.provider, source_id="L-1", item_code=ITEM_CODE)
    batch = batch_create(
        actor=people.officer,
        batch_input=input_from_list([id_number(PERSON), id_number(3)]),
        matter="public_procurement",
        case_no=CASE_NO,
        purpose="供应商资格审查",
    )
    # when
    mine = lookups_of(account=account(people.citizen)).rows
    others = lookups_of(account=account(people.citizen_other)).rows
    # then
    assert [(row.kind, row.access_id, row.case_no) for row in mine] == [
        (AccessKind.BATCH, str(batch.pk), CASE_NO)
    ]
    assert others == []
    found = lookup_of(account=account(people.citizen), kind="batch", access_id=str(batch.pk))
    assert found.department.code == "tax"


def test_who_looked_lists_queries_checks_and_reports_newest_first(people):
    # given
    query, check, report = _looks(people)
    _looks(people, sequence=2)
    # when
    page = lookups_of(account=account(people.citizen))
    # then
    assert [(row.kind, row.access_id) for row in page.rows] == [
        (AccessKind.REPORT, str(report.pk)),
        (AccessKind.CHECK, str(check.pk)),
        (AccessKind.QUERY, str(query.query_id)),
    ]
    assert {row.department.code for row in page.rows} == {"tax"}
    assert page.rows[0].purpose == "行政许可审查"
    assert page.rows[1].purpose == "政府采购：供应商资格审查"
    assert {row.case_no for row in page.rows} == {CASE_NO}
    assert page.page.paginator.count == 3


def test_who_looked_costs_the_same_queries_for_few_or_many(people):
    # given
    _looks(people)
    mine = account(people.citizen)
    with CaptureQueriesContext(connection) as few:
        lookups_of(account=mine)
    for _ in range(3):
        _looks(people)
    # when
    with CaptureQueriesContext(connection) as many:
        page = lookups_of(account=mine)
    # then
    assert len(page.rows) == 12
    assert len(many) == len(few)


def test_law_enforcement_queries_show_only_after_the_deferral_period(people):
    # given
    record(people.provider, source_id="L-1", item_code=ITEM_CODE)
    query = profile_query(
        actor=people.officer,
        id_number=id_number(PERSON),
        purpose="law_enforcement",
        case_no="执法-1",
    )
    mine = account(people.citizen)
    days = 90
    # when / then: hidden now and the day before the period ends, shown after it
    assert lookups_of(account=mine).rows == []
    just_before = query.created_at + datetime.timedelta(days=days) - datetime.timedelta(hours=1)
    assert lookups_of(account=mine, now=just_before).rows == []
    after = query.created_at + datetime.timedelta(days=days, seconds=1)
    assert [row.access_id for row in lookups_of(account=mine, now=after).rows] == [
        str(query.query_id)
    ]
    assert deferral_cutoff(after) > query.created_at
    with pytest.raises(NotFoundError):
        lookup_of(account=mine, kind=AccessKind.QUERY, access_id=str(query.query_id))


# --- access challenges ------------------------------------------------------------------------


def _challenge(people):
    _query, check, _report = _looks(people)
    return services.challenge_open(
        actor=people.citizen,
        account=account(people.citizen),
        kind=AccessKind.CHECK,
        access_id=str(check.pk),
        reason="我没有参加过政府采购。",
    )


def test_a_challenge_is_opened_answered_by_the_department_and_closed_by_the_credit_office(
    people,
):
    # given
    challenge = _challenge(people)
    assert challenge.status == ChallengeStatus.OPEN
    assert challenge.department.code == "tax"
    # when
    services.challenge_answer(
        actor=people.provider, challenge_id=challenge.pk, explanation="依采购项目资格审查核查。"
    )
    services.challenge_close(actor=people.reviewer, challenge_id=challenge.pk, note="查询合规。")
    # then
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED
    assert (challenge.answered_by, challenge.closed_by) == (people.provider, people.reviewer)
    events = AuditEvent.objects.filter(object_type=CHALLENGE_OBJECT_TYPE).order_by("pk")
    assert [(e.action, e.detail["status"], e.actor_id) for e in events] == [
        ("create", "open", people.citizen.pk),
        ("decision", "answered", people.provider.pk),
        ("decision", "closed", people.reviewer.pk),
    ]
    titles = list(
        Notice.objects.filter(user=people.citizen, kind="access_challenge").values_list(
            "title", flat=True
        )
    )
    assert sorted(titles) == ["查询记录核实已办结", "查询记录核实已答复"]


@pytest.mark.parametrize("case", ["other_department", "officer_closes", "close_twice", "again"])
def test_challenge_refusals_write_nothing(people, case):
    # given
    challenge = _challenge(people)
    if case == "close_twice":
        services.challenge_close(
            actor=people.reviewer, challenge_id=challenge.pk, note="查询合规。"
        )
    before = counts()
    # when
    calls = {
        "other_department": (
            lambda: services.challenge_answer(
                actor=people.provider_other, challenge_id=challenge.pk, explanation="说明。"
            ),
            NotFoundError,
        ),
        "officer_closes": (
            lambda: services.challenge_close(
                actor=people.officer, challenge_id=challenge.pk, note="办结。"
            ),
            PermissionDeniedError,
        ),
        "close_twice": (
            lambda: services.challenge_close(
                actor=people.reviewer, challenge_id=challenge.pk, note="再次办结。"
            ),
            DomainError,
        ),
        "again": (
            lambda: services.challenge_open(
                actor=people.citizen,
                account=account(people.citizen),
                kind=challenge.access_kind,
                access_id=challenge.access_id,
                reason="再次提出。",
            ),
            DomainError,
        ),
    }
    call, error = calls[case]
    with pytest.raises(error) as refused:
        call()
    # then
    assert counts() == before
    if case == "again":
        assert refused.value.code == error_codes.CHALLENGE_ALREADY_OPEN


def test_citizen_b_cannot_challenge_or_see_a_look_at_citizen_a(people):
    # given
    _query, check, _report = _looks(people)
    other = account(people.citizen_other)
    before = counts()
    # when / then
    assert lookups_of(account=other).rows == []
    with pytest.raises(NotFoundError):
        services.challenge_open(
            actor=people.citizen_other,
            account=other,
            kind=AccessKind.CHECK,
            access_id=str(check.pk),
            reason="不认可。",
        )
    assert counts() == before
    assert timezone.now()


def test_the_file_costs_the_same_queries_for_few_or_many_records(people):
    # given
    record(people.provider, source_id="F-1", item_code=ITEM_CODE)
    mine = account(people.citizen)
    with CaptureQueriesContext(connection) as few:
        credit_file_of(account=mine)
    for number in range(2, 6):
        record(people.provider, source_id=f"F-{number}", item_code=ITEM_CODE)
    honour(people.provider)
    # when
    with CaptureQueriesContext(connection) as many:
        entries = credit_file_of(account=mine)
    # then
    assert len(entries) == 6
    assert len(many) == len(few)
