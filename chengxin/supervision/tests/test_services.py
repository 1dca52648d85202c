"""The supervision services: registers, inspections, violations and the blacklist, with their
audit events and their refusals (nothing written)."""

from __future__ import annotations

import datetime

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.models import ApiToken
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection import error_codes as collection_codes
from chengxin.collection.models import CreditRecord, RecordVersion, Submission
from chengxin.core import error_codes as core_codes
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.identity import error_codes as identity_codes
from chengxin.supervision import error_codes, services
from chengxin.supervision.choices import (
    DelistingReason,
    HandlerKind,
    InspectionStatus,
    ListingStatus,
    PractitionerRole,
    Severity,
)
from chengxin.supervision.models import (
    BlacklistListing,
    CreditAgency,
    DataHandler,
    Inspection,
    Practitioner,
    Violation,
)
from chengxin.supervision.tests import factories as f

pytestmark = pytest.mark.django_db


def _events(object_type: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=object_type)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


# --- agencies -------------------------------------------------------------------------------


def test_an_agency_is_registered_with_its_normalised_uscc_and_audited():
    # given
    actor = f.reviewer()
    # when
    agency = services.agency_register(
        actor=actor,
        name="鹤城征信服务有限公司",
        uscc=" " + f.uscc(3).lower() + " ",
        licence_no="银征字〔2025〕3号",
        licence_status="licensed",
        regulator=f.pboc(),
    )
    # then
    assert agency.uscc == f.uscc(3)
    assert _events("credit_agency") == ["create"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91230200MA0000001", identity_codes.USCC_LENGTH),
        ("91230200MA00000I1X", identity_codes.USCC_CHARSET),
        ("CHECKSUM", identity_codes.USCC_CHECKSUM),
    ],
)
def test_a_bad_uscc_is_refused_naming_the_field_and_nothing_is_written(value, code):
    # given
    actor = f.reviewer()
    if value == "CHECKSUM":
        good = f.uscc(4)
        value = good[:-1] + ("0" if good[-1] != "0" else "1")
    # when
    error = _refused(
        services.agency_register,
        actor=actor,
        name="某征信公司",
        uscc=value,
        licence_no="1",
        licence_status="licensed",
        regulator=f.pboc(),
    )
    # then
    assert error.code == code
    assert error.status == 422
    assert error.details["errors"][0]["field"] == "uscc"
    assert "统一社会信用代码" in error.message
    assert CreditAgency.objects.count() == 0
    assert _events("credit_agency") == []


def test_a_uscc_registered_twice_is_refused():
    # given
    actor = f.reviewer()
    f.agency(actor, sequence=5)
    # when
    error = _refused(f.agency, actor=actor, sequence=5, name="另一家")
    # then
    assert error.code == error_codes.SUPERVISION_USCC_TAKEN
    assert CreditAgency.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.OFFICER, Role.SECURITY, Role.AUDITOR])
def test_other_roles_cannot_register_an_agency(role):
    # given
    actor = staff_user(role, username=f"user-{role}")
    # when
    error = _refused(f.agency, actor=actor)
    # then
    assert error.code == error_codes.SUPERVISION_ROLE_REQUIRED
    assert error.status == 403
    assert CreditAgency.objects.count() == 0


def test_the_admin_keeps_the_register_and_an_update_is_audited_with_its_fields():
    # given
    admin = staff_user(Role.ADMIN, username="admin")
    agency = f.agency(admin)
    # when
    services.agency_update(
        actor=admin,
        agency=agency,
        name=agency.name,
        uscc=agency.uscc,
        licence_no=agency.licence_no,
        licence_status="suspended",
        regulator=agency.regulator,
        address=agency.address,
        contact=agency.contact,
    )
    # then
    agency.refresh_from_db()
    assert agency.licence_status == "suspended"
    event = AuditEvent.objects.filter(object_type="credit_agency").order_by("pk").last()
    assert event.detail == {"changed": ["licence_status"]}


def test_a_practitioner_is_kept_as_an_encrypted_subject():
    # given
    actor = f.reviewer()
    agency = f.agency(actor)
    # when
    person = f.practitioner(actor, agency)
    # then
    assert person.subject.id_masked.startswith("2302")
    assert "*" in person.subject.id_masked
    event = AuditEvent.objects.get(object_type="credit_practitioner")
    assert event.subject_index == person.subject.blind_index
    assert event.detail == {"agency_id": agency.pk, "role": PractitionerRole.LEGAL_REPRESENTATIVE}


def test_a_practitioner_with_a_bad_id_number_is_refused_naming_the_field():
    # given
    actor = f.reviewer()
    agency = f.agency(actor)
    # when
    error = _refused(
        services.practitioner_add,
        actor=actor,
        agency=agency,
        name="李建国",
        id_number="230202198005170000",
        role="staff",
    )
    # then
    assert error.details["errors"][0]["field"] == "id_number"
    assert Practitioner.objects.count() == 0


def test_a_name_holding_an_id_number_is_refused():
    # given
    actor = f.reviewer()
    # when
    error = _refused(f.agency, actor=actor, name="机构 " + f.id_number(3))
    # then
    assert error.code == core_codes.TEXT_HOLDS_ID_NUMBER
    assert CreditAgency.objects.count() == 0


def test_an_agency_token_is_linked_once_and_only_for_agency_accounts():
    # given
    actor = f.reviewer()
    agency = f.agency(actor)
    agency_user = staff_user(Role.AGENCY, username="agency-api")
    token, _plain = api_token_create(user=agency_user, name="征信查询", actor=None)
    officer_token, _ = api_token_create(
        user=staff_user(Role.OFFICER, username="officer"), name="核查", actor=None
    )
    # when
    services.agency_token_link(actor=actor, agency=agency, token_prefix=token.prefix)
    twice = _refused(
        services.agency_token_link, actor=actor, agency=agency, token_prefix=token.prefix
    )
    officer = _refused(
        services.agency_token_link, actor=actor, agency=agency, token_prefix=officer_token.prefix
    )
    # then
    assert twice.code == error_codes.SUPERVISION_TOKEN_LINKED
    assert officer.code == error_codes.SUPERVISION_TOKEN_NOT_AGENCY
    assert list(agency.tokens.values_list("token_id", flat=True)) == [token.pk]


# --- data handlers --------------------------------------------------------------------------


def test_a_data_handler_is_registered_with_what_it_collects_and_why():
    # given
    actor = f.reviewer()
    # when
    handler = services.handler_register(
        actor=actor,
        name="鹤城数据科技有限公司",
        uscc=f.uscc(20),
        kind=HandlerKind.BIG_DATA,
        collects=[{"information": "手机号码", "basis": "个人同意（《个人信息保护法》第十三条）"}],
        contact="0452-1",
    )
    # then
    assert handler.collects == [
        {"information": "手机号码", "basis": "个人同意（《个人信息保护法》第十三条）"}
    ]
    assert _events("data_handler") == ["create"]


def test_a_collection_entry_without_a_basis_is_refused():
    # when
    error = _refused(
        services.handler_register,
        actor=f.reviewer(),
        name="某公司",
        uscc=f.uscc(21),
        kind=HandlerKind.APP_DEVELOPER,
        collects=[{"information": "位置信息", "basis": ""}],
    )
    # then
    assert error.code == error_codes.SUPERVISION_FIELD_REQUIRED
    assert DataHandler.objects.count() == 0


# --- inspections ----------------------------------------------------------------------------


def test_an_inspection_moves_from_open_to_follow_up_to_closed():
    # given
    actor = f.reviewer()
    inspection = f.inspection(actor, agency=f.agency(actor))
    # when
    services.inspection_follow_up_require(
        actor=actor,
        inspection=inspection,
        follow_up="三十日内整改。",
        due=datetime.date(2027, 1, 1),
    )
    closed = services.inspection_close(actor=actor, inspection=inspection, note="已整改。")
    # then
    assert closed.status == InspectionStatus.CLOSED
    assert _events("inspection") == ["create", "update", "decision"]


def test_a_closed_inspection_takes_no_follow_up_and_no_violation():
    # given
    actor = f.reviewer()
    inspection = f.inspection(actor, agency=f.agency(actor))
    services.inspection_close(actor=actor, inspection=inspection, note="无问题。")
    # when
    follow_up = _refused(
        services.inspection_follow_up_require,
        actor=actor,
        inspection=inspection,
        follow_up="整改",
        due=datetime.date(2027, 1, 1),
    )
    violation = _refused(f.serious_violation, actor=actor, inspection=inspection)
    # then
    assert follow_up.code == violation.code == error_codes.SUPERVISION_INSPECTION_STATE
    assert Violation.objects.count() == 0


def test_an_inspection_needs_exactly_one_target_and_no_future_date():
    # given
    actor = f.reviewer()
    agency = f.agency(actor)
    # when
    none = _refused(f.inspection, actor=actor)
    future = _refused(f.inspection, actor=actor, agency=agency, on=datetime.date(2027, 1, 1))
    # then
    assert none.code == error_codes.SUPERVISION_TARGET_INVALID
    assert future.code == error_codes.SUPERVISION_DATE_INVALID
    assert Inspection.objects.count() == 0


# --- violations and the blacklist -----------------------------------------------------------


def test_a_general_violation_lists_nobody():
    # given
    actor = f.reviewer()
    inspection = f.inspection(actor, agency=f.agency(actor))
    # when
    services.violation_record(
        actor=actor,
        inspection=inspection,
        severity=Severity.GENERAL,
        description="档案管理不规范。",
        basis="《征信业务管理办法》",
        decided_on=f.TODAY,
        today=f.TODAY,
    )
    # then
    assert BlacklistListing.objects.count() == 0
    assert _events("violation") == ["create"]


def test_a_serious_violation_lists_the_agency_revokes_its_tokens_and_sends_records():
    # given
    f.credit_items()
    actor = f.reviewer()
    agency = f.agency(actor)
    boss = f.practitioner(actor, agency, sequence=11, name="李建国")
    clerk = f.practitioner(actor, agency, sequence=12, name="周丽", role=PractitionerRole.STAFF)
    token, _plain = api_token_create(
        user=staff_user(Role.AGENCY, username="agency-api"), name="查询", actor=None
    )
    services.agency_token_link(actor=actor, agency=agency, token_prefix=token.prefix)
    inspection = f.inspection(actor, agency=agency)
    # when
    violation = f.serious_violation(actor, inspection, responsible=[boss, clerk])
    # then
    listing = BlacklistListing.objects.get()
    assert (listing.agency, listing.violation, listing.status) == (
        agency,
        violation,
        ListingStatus.LISTED,
    )
    assert (listing.listed_on, listing.until) == (f.TODAY, datetime.date(2029, 12, 1))
    assert ApiToken.objects.get(pk=token.pk).is_revoked
    assert _events("blacklist_listing") == ["decision"]
    assert _events("api_token") == ["token_issued", "token_revoked"]
    submission = Submission.objects.get(pk=listing.submission_id)
    assert submission.department.code == "pboc"
    assert submission.created_by.username == "supervision-pboc"
    records = CreditRecord.objects.filter(item__code=services.RESPONSIBLE_ITEM).order_by(
        "source_id"
    )
    assert [r.subject_id for r in records] == [boss.subject_id, clerk.subject_id]
    values = [RecordVersion.objects.get(record=r, number=r.current_version).values for r in records]
    assert [v["role"] for v in values] == ["法定代表人", "直接责任人员"]
    assert values[0]["agency_uscc"] == agency.uscc
    reads = AuditEvent.objects.filter(action="personal_data_read", actor_id=actor.pk).count()
    assert reads == 4


def test_a_serious_violation_whose_records_are_refused_writes_nothing():
    # given: the regulator is a department that does not provide the item
    f.credit_items()
    actor = f.reviewer()
    other = f.DepartmentFactory(code="tax", name="税务局")
    agency = f.agency(actor, regulator=other)
    boss = f.practitioner(actor, agency)
    token, _plain = api_token_create(
        user=staff_user(Role.AGENCY, username="agency-api"), name="查询", actor=None
    )
    services.agency_token_link(actor=actor, agency=agency, token_prefix=token.prefix)
    inspection = f.inspection(actor, agency=agency)
    before = AuditEvent.objects.count()
    # when
    error = _refused(f.serious_violation, actor=actor, inspection=inspection, responsible=[boss])
    # then
    assert error.code == collection_codes.ITEM_NOT_PROVIDED_BY_DEPARTMENT
    assert Violation.objects.count() == 0
    assert BlacklistListing.objects.count() == 0
    assert not ApiToken.objects.get(pk=token.pk).is_revoked
    assert CreditRecord.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_a_serious_violation_needs_a_decision_document_and_a_future_end():
    # given
    actor = f.reviewer()
    inspection = f.inspection(actor, agency=f.agency(actor))
    # when
    past = _refused(
        f.serious_violation, actor=actor, inspection=inspection, until=datetime.date(2026, 1, 1)
    )
    # then
    assert past.code == error_codes.SUPERVISION_DATE_INVALID
    assert past.details["errors"][0]["field"] == "listing_until"
    assert Violation.objects.count() == 0


def test_responsible_persons_must_belong_to_the_inspected_agency():
    # given
    actor = f.reviewer()
    agency = f.agency(actor, sequence=1)
    other = f.agency(actor, sequence=2, name="另一家征信公司")
    stranger = f.practitioner(actor, other)
    inspection = f.inspection(actor, agency=agency)
    # when
    error = _refused(
        f.serious_violation, actor=actor, inspection=inspection, responsible=[stranger]
    )
    # then
    assert error.code == error_codes.SUPERVISION_RESPONSIBLE_INVALID
    assert Violation.objects.count() == 0


def test_only_a_reviewer_records_violations():
    # given
    admin = staff_user(Role.ADMIN, username="admin")
    inspection = f.inspection(admin, agency=f.agency(admin))
    # when
    error = _refused(f.serious_violation, actor=admin, inspection=inspection)
    # then
    assert error.code == error_codes.SUPERVISION_LISTING_ROLE_REQUIRED
    assert Violation.objects.count() == 0


def test_a_listed_agency_is_not_listed_twice_and_gets_no_new_token():
    # given
    actor = f.reviewer()
    agency = f.agency(actor)
    f.serious_violation(actor, f.inspection(actor, agency=agency))
    token, _plain = api_token_create(
        user=staff_user(Role.AGENCY, username="agency-api"), name="查询", actor=None
    )
    # when
    again = _refused(
        f.serious_violation, actor=actor, inspection=f.inspection(actor, agency=agency)
    )
    link = _refused(
        services.agency_token_link, actor=actor, agency=agency, token_prefix=token.prefix
    )
    # then
    assert again.code == link.code == error_codes.SUPERVISION_AGENCY_LISTED
    assert BlacklistListing.objects.count() == 1
    assert Violation.objects.count() == 1


def test_delisting_by_decision_needs_a_note_and_at_the_end_of_the_period_only_after_it():
    # given
    actor = f.reviewer()
    f.serious_violation(actor, f.inspection(actor, agency=f.agency(actor)))
    listing = BlacklistListing.objects.get()
    # when
    early = _refused(
        services.listing_delist, actor=actor, listing=listing, reason="expired", today=f.TODAY
    )
    no_note = _refused(services.listing_delist, actor=actor, listing=listing, reason="decision")
    done = services.listing_delist(
        actor=actor, listing=listing, reason=DelistingReason.DECISION, note="复议撤销原决定。"
    )
    # then
    assert early.code == error_codes.SUPERVISION_LISTING_NOT_EXPIRED
    assert no_note.code == error_codes.SUPERVISION_FIELD_REQUIRED
    assert done.status == ListingStatus.DELISTED
    assert _events("blacklist_listing") == ["decision", "decision"]


def test_expired_listings_are_delisted_by_the_daily_run():
    # given
    actor = f.reviewer()
    f.serious_violation(actor, f.inspection(actor, agency=f.agency(actor)))
    # when
    count = services.listings_delist_expired(today=datetime.date(2029, 12, 2))
    again = services.listings_delist_expired(today=datetime.date(2029, 12, 2))
    # then
    listing = BlacklistListing.objects.get()
    assert (count, again) == (1, 0)
    assert listing.delisting_reason == DelistingReason.EXPIRED
