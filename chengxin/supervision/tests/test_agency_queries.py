"""The permission matrix of credit agencies' queries (SPEC §9): only with a consent in force,
only items disclosed to agencies and within the consent; every refusal returns nothing personal,
has its machine code, a logged query and an audit event; the person sees every query made."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.services import api_token_create, api_token_revoke
from chengxin.accounts.tests.factories import confirmed_citizen, staff_user
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.crypto import blind_index
from chengxin.inquiry.consents import ConsentTerms, consent_grant_online, consent_revoke
from chengxin.inquiry.models import Consent
from chengxin.inquiry.tests.factories import (
    GOOD_TAXPAYER,
    NAME,
    PENALTY,
    TAX_PAYMENT,
    load_purposes,
    person_file,
)
from chengxin.supervision import error_codes
from chengxin.supervision.agency_queries import AGENCY_QUERY_OBJECT
from chengxin.supervision.models import AgencyQuery
from chengxin.supervision.services import agency_token_link
from chengxin.supervision.tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/v1/agency-queries"
PURPOSE = "credit_lending"


@pytest.fixture
def world():
    """A person's file (public, shared and consent records), the person's confirmed account, an
    agency whose API account holds a linked token."""
    load_purposes()
    person = person_file()
    reviewer = f.reviewer()
    agency = f.agency(reviewer)
    account = staff_user(Role.AGENCY, username="agency-api")
    token, plaintext = api_token_create(user=account, name="征信查询", actor=None)
    agency_token_link(actor=reviewer, agency=agency, token_prefix=token.prefix)
    citizen = confirmed_citizen(person.id_number)
    return {
        "person": person,
        "reviewer": reviewer,
        "agency": agency,
        "token": token,
        "headers": {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"},
        "citizen": citizen,
    }


def _consent(world, *, items=(), days=30, start=None, purpose=PURPOSE):
    today = timezone.localdate()
    terms = ConsentTerms(
        purpose=purpose,
        valid_from=start or today,
        valid_until=(start or today) + datetime.timedelta(days=days),
        agency=world["agency"],
        item_codes=tuple(items),
    )
    citizen = world["citizen"]
    return consent_grant_online(actor=citizen, account=citizen.citizen_account, terms=terms)


def _ask(client, world, *, items=None, purpose=PURPOSE, number=None):
    body = {"id_number": number or world["person"].id_number, "purpose": purpose}
    if items is not None:
        body["items"] = items
    return client.post(URL, json.dumps(body), content_type="application/json", **world["headers"])


def test_a_consent_in_force_returns_public_and_consent_records_never_shared(client, world):
    # given
    consent = _consent(world)
    person = world["person"]
    # when
    answer = _ask(client, world)
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert [record["record_id"] for record in body["records"]] == [
        person.payment_id,
        person.penalty_id,
    ]
    assert body["consent_ids"] == [consent.pk]
    assert body["counts"] == {"basic": 1, "positive": 0, "negative": 1, "other": 0}
    query = AgencyQuery.objects.get()
    assert (query.answered, query.refusal, query.consent_id) == (True, "", consent.pk)
    assert query.record_ids == [person.payment_id, person.penalty_id]
    event = AuditEvent.objects.get(object_type=AGENCY_QUERY_OBJECT)
    assert event.action == AuditAction.PERSONAL_DATA_READ
    assert event.subject_index == blind_index(person.id_number)
    assert event.detail["record_ids"] == [person.payment_id, person.penalty_id]


def test_items_asked_for_narrow_the_answer(client, world):
    # given
    _consent(world)
    # when
    answer = _ask(client, world, items=[TAX_PAYMENT])
    # then
    assert answer.status_code == 200
    assert [record["item_code"] for record in answer.json()["records"]] == [TAX_PAYMENT]


def _expired(world):
    consent = _consent(world)
    past = timezone.localdate() - datetime.timedelta(days=1)
    Consent.objects.filter(pk=consent.pk).update(
        valid_from=past - datetime.timedelta(days=30), valid_until=past
    )


def _revoked(world):
    consent = _consent(world)
    citizen = world["citizen"]
    consent_revoke(actor=citizen, account=citizen.citizen_account, consent_id=consent.pk)


def _out_of_scope(world):
    _consent(world, items=[TAX_PAYMENT])
    return {"items": [PENALTY]}


def _shared_item(world):
    _consent(world)
    return {"items": [GOOD_TAXPAYER]}


def _blacklisted(world):
    _consent(world)
    reviewer = world["reviewer"]
    f.serious_violation(reviewer, f.inspection(reviewer, agency=world["agency"]))


def _token_revoked(world):
    _consent(world)
    api_token_revoke(token=world["token"], actor=world["reviewer"])


def _not_yet_valid(world):
    _consent(world, start=timezone.localdate() + datetime.timedelta(days=3))


def _other_purpose(world):
    _consent(world, purpose="post_loan_management")


def _officer_purpose(world):
    _consent(world)
    return {"purpose": "administrative_licensing"}


def _unknown_item(world):
    _consent(world)
    return {"items": ["no-such-item"]}


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        (lambda world: None, 403, error_codes.AGENCY_NO_CONSENT),
        (_other_purpose, 403, error_codes.AGENCY_NO_CONSENT),
        (_expired, 403, error_codes.AGENCY_CONSENT_EXPIRED),
        (_revoked, 403, error_codes.AGENCY_CONSENT_REVOKED),
        (_not_yet_valid, 403, error_codes.AGENCY_CONSENT_NOT_YET_VALID),
        (_out_of_scope, 403, error_codes.AGENCY_ITEM_OUT_OF_SCOPE),
        (_shared_item, 403, error_codes.AGENCY_ITEM_NOT_DISCLOSABLE),
        (_unknown_item, 422, error_codes.AGENCY_ITEM_UNKNOWN),
        (_officer_purpose, 403, error_codes.AGENCY_PURPOSE_NOT_ALLOWED),
        (_blacklisted, 403, error_codes.AGENCY_BLACKLISTED),
        (_token_revoked, 401, error_codes.AGENCY_TOKEN_REVOKED),
    ],
)
def test_a_refused_query_returns_nothing_and_is_logged_and_audited(
    client, world, setup, status, code
):
    # given
    overrides = setup(world) or {}
    # when
    answer = _ask(client, world, **overrides)
    # then: the code, nothing personal
    assert answer.status_code == status
    assert answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == code
    assert "records" not in body
    text = answer.content.decode()
    assert world["person"].id_number not in text
    assert NAME not in text
    # then: logged and audited
    query = AgencyQuery.objects.get()
    assert (query.answered, query.refusal, query.record_ids) == (False, code, [])
    assert body["query_id"] == query.pk
    assert query.subject_index == blind_index(world["person"].id_number)
    event = AuditEvent.objects.get(object_type=AGENCY_QUERY_OBJECT, object_id=str(query.pk))
    assert event.detail["refusal"] == code
    assert event.subject_index == query.subject_index


def test_an_invalid_id_number_is_refused_logged_without_a_person(client, world):
    # given
    _consent(world)
    # when
    answer = _ask(client, world, number="230202199001011235")
    # then
    assert answer.status_code == 422
    assert answer.json()["code"] == error_codes.AGENCY_ID_NUMBER_INVALID
    query = AgencyQuery.objects.get()
    assert (query.subject_index, query.refusal) == ("", error_codes.AGENCY_ID_NUMBER_INVALID)


def test_an_officer_token_is_refused_and_nothing_is_logged(client, world):
    # given
    _consent(world)
    officer = staff_user(Role.OFFICER, username="officer-x")
    _token, plaintext = api_token_create(user=officer, name="查询", actor=None)
    body = {"id_number": world["person"].id_number, "purpose": PURPOSE}
    # when
    answer = client.post(
        URL, json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plaintext}",
    )  # fmt: skip
    # then
    assert answer.status_code == 403
    assert answer.json()["code"] == error_codes.AGENCY_ROLE_REQUIRED
    assert AgencyQuery.objects.count() == 0


def test_an_unknown_token_is_the_usual_401_and_nothing_is_logged(client, world):
    # when
    answer = client.post(
        URL,
        json.dumps({"id_number": world["person"].id_number, "purpose": PURPOSE}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer cx_unknown",
    )
    # then
    assert answer.status_code == 401
    assert answer.json()["code"] != error_codes.AGENCY_TOKEN_REVOKED
    assert AgencyQuery.objects.count() == 0


def test_the_person_sees_every_agency_query_in_who_looked(client, world):
    # given: one answered query and three refused ones (before consent, out of scope, revoked)
    _ask(client, world)
    consent = _consent(world, items=[TAX_PAYMENT])
    _ask(client, world)
    _ask(client, world, items=[PENALTY])
    citizen = world["citizen"]
    consent_revoke(actor=citizen, account=citizen.citizen_account, consent_id=consent.pk)
    _ask(client, world)
    made = list(AgencyQuery.objects.order_by("pk").values_list("refusal", flat=True))
    assert made == [
        error_codes.AGENCY_NO_CONSENT,
        "",
        error_codes.AGENCY_ITEM_OUT_OF_SCOPE,
        error_codes.AGENCY_CONSENT_REVOKED,
    ]
    # when
    client.force_login(citizen)
    page = client.get("/my/lookups/")
    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count(world["agency"].name) == 4
    assert html.count("平台已拒绝，未提供任何信息") == 3
    assert html.count("信贷业务审批") == 4


def test_another_person_does_not_see_the_agency_queries(client, world):
    # given
    _consent(world)
    _ask(client, world)
    other = confirmed_citizen("11010519491231002X", username="citizen-b")
    # when
    client.force_login(other)
    page = client.get("/my/lookups/")
    # then
    assert page.status_code == 200
    assert world["agency"].name not in page.content.decode()


def test_a_repaired_record_an_agency_received_gives_it_one_correction_notice(client, world):
    # given: the agency received the penalty record; another agency queried and was refused
    from django.db import transaction

    from chengxin.collection.models import CreditRecord
    from chengxin.collection.services import record_repair
    from chengxin.exchange.choices import NoticeRecipientKind
    from chengxin.exchange.fanout import correction_fanout
    from chengxin.exchange.models import CorrectionNotice

    _consent(world)
    assert _ask(client, world).status_code == 200
    other = f.agency(world["reviewer"], sequence=2, name="另一家征信公司")
    other_account = staff_user(Role.AGENCY, username="agency-other")
    other_token, other_plain = api_token_create(user=other_account, name="征信查询", actor=None)
    agency_token_link(actor=world["reviewer"], agency=other, token_prefix=other_token.prefix)
    refused = client.post(
        URL, json.dumps({"id_number": world["person"].id_number, "purpose": PURPOSE}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other_plain}",
    )  # fmt: skip
    assert refused.status_code == 403
    correction_fanout()
    penalty = CreditRecord.objects.get(pk=world["person"].penalty_id)
    # when
    with transaction.atomic():
        record_repair(actor=None, record=penalty, now=timezone.now(), detail={"repair": 1})
    correction_fanout()
    # then
    notices = set(
        CorrectionNotice.objects.filter(recipient_kind=NoticeRecipientKind.AGENCY).values_list(
            "recipient_code", "record_id"
        )
    )
    assert notices == {(world["agency"].uscc, penalty.pk)}
    assert correction_fanout() == 0


def test_the_person_challenges_an_agency_query_and_the_credit_office_is_told(client, world):
    # given
    from chengxin.accounts.models import Notice
    from chengxin.dueprocess.myfile.models import AccessChallenge

    _ask(client, world)
    query = AgencyQuery.objects.get()
    client.force_login(world["citizen"])
    url = f"/my/lookups/agency/{query.pk}/challenge/"
    # when
    form = client.get(url)
    answer = client.post(url, {"reason": "我没有向该机构申请过贷款。"})
    # then
    assert world["agency"].name in form.content.decode()
    assert answer.status_code == 302
    challenge = AccessChallenge.objects.get()
    assert (challenge.access_kind, challenge.access_id) == ("agency", str(query.pk))
    assert challenge.department_id is None
    assert challenge.purpose == f"{world['agency'].name}：信贷业务审批"
    assert Notice.objects.filter(user=world["reviewer"]).count() == 1


def test_past_its_rate_a_token_gets_429_and_nothing_is_logged(
    client, world, settings, throttle_clock
):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {**settings.CHENGXIN_THROTTLE_RATES, "agency_query": "2/1h"}
    _consent(world)
    # when
    statuses = [_ask(client, world).status_code for _ in range(3)]
    # then
    assert statuses == [200, 200, 429]
    assert AgencyQuery.objects.count() == 2


def test_the_person_s_consent_page_reads_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    # given: three consents naming items, one to every item
    from chengxin.inquiry.consent_selectors import consents_of_citizen

    _consent(world, items=[TAX_PAYMENT])
    _consent(world, items=[TAX_PAYMENT, PENALTY])
    _consent(world)
    account = world["citizen"].citizen_account
    # when / then: the consents with grantee and purpose, and their items
    with django_assert_max_num_queries(2):
        rows = consents_of_citizen(account=account)
    assert [len(row.item_names) for row in rows] == [0, 2, 1]
