"""Consent pages: the person's /my/consents/ (give one online, revoke one; another person's is
not found) and the staff page recording a signed paper form with its scan."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import confirmed_citizen, sign_in_verified, staff_user
from chengxin.collection.tests.factories import id_number, tax_department
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.crypto import blind_index
from chengxin.dueprocess.models import Attachment
from chengxin.inquiry.choices import CONSENT_OBJECT, ConsentMethod
from chengxin.inquiry.consents import ConsentTerms, consent_grant_online
from chengxin.inquiry.models import Consent
from chengxin.inquiry.tests.factories import TAX_PAYMENT, items, load_purposes, tax_officer
from chengxin.supervision.tests import factories as supervision

pytestmark = pytest.mark.django_db

MY = "/my/consents/"
STAFF = "/staff/inquiry/consents/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def agency():
    load_purposes()
    items()
    return supervision.agency(supervision.reviewer())


def _days(count: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=count)).isoformat()


def _grant_form(agency, **overrides):
    form = {
        "grantee": f"agency:{agency.pk}",
        "purpose": "credit_lending",
        "items": [TAX_PAYMENT],
        "valid_from": _days(0),
        "valid_until": _days(60),
    }
    return {**form, **overrides}


def _consent_of(citizen, agency) -> Consent:
    today = timezone.localdate()
    terms = ConsentTerms(
        purpose="credit_lending",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=30),
        agency=agency,
    )
    return consent_grant_online(actor=citizen, account=citizen.citizen_account, terms=terms)


def test_a_citizen_gives_an_online_consent_to_an_agency(client, agency):
    # given
    citizen = confirmed_citizen(id_number(1))
    client.force_login(citizen)
    # when
    answer = client.post(MY, _grant_form(agency))
    # then
    assert answer.status_code == 302
    consent = Consent.objects.get()
    assert (consent.agency_id, consent.department_id) == (agency.pk, None)
    assert (consent.method, consent.scope_all) == (ConsentMethod.ONLINE, False)
    assert [item.code for item in consent.items.all()] == [TAX_PAYMENT]
    assert consent.subject_index == blind_index(id_number(1))
    event = AuditEvent.objects.get(object_type=CONSENT_OBJECT, action=AuditAction.CREATE)
    assert event.detail["agency_id"] == agency.pk
    page = client.get(MY).content.decode()
    assert agency.name in page
    assert "有效" in page


@pytest.mark.parametrize(
    ("overrides", "field_text"),
    [
        ({"valid_from": _days(-1)}, "在线授权的生效日期不能早于今天。"),
        ({"valid_until": _days(400)}, "授权期间最长为 365 天。"),
        ({"purpose": "administrative_licensing"}, "请选择被授权方可以使用的查询用途。"),
    ],
)
def test_a_refused_online_consent_names_its_problem_and_writes_nothing(
    client, agency, overrides, field_text
):
    # given
    client.force_login(confirmed_citizen(id_number(1)))
    # when
    answer = client.post(MY, _grant_form(agency, **overrides))
    # then
    assert answer.status_code == 422
    assert field_text in answer.content.decode()
    assert Consent.objects.count() == 0


def test_citizen_a_neither_sees_nor_revokes_citizen_b_s_consent(client, agency):
    # given
    citizen_a = confirmed_citizen(id_number(1), username="citizen-a")
    citizen_b = confirmed_citizen(id_number(2), username="citizen-b")
    theirs = _consent_of(citizen_b, agency)
    client.force_login(citizen_a)
    # when
    page = client.get(MY)
    revoke = client.post(f"{MY}{theirs.pk}/revoke/")
    # then
    assert page.status_code == 200
    assert "您还没有作出任何查询授权。" in page.content.decode()
    assert f"{MY}{theirs.pk}/revoke/" not in page.content.decode()
    assert revoke.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_citizen_revokes_their_consent(client, agency):
    # given
    citizen = confirmed_citizen(id_number(1))
    mine = _consent_of(citizen, agency)
    client.force_login(citizen)
    # when
    answer = client.post(f"{MY}{mine.pk}/revoke/")
    # then
    assert answer.status_code == 302
    mine.refresh_from_db()
    assert (mine.revoked_by_id, mine.revoked_at is not None) == (citizen.pk, True)
    event = AuditEvent.objects.get(object_type=CONSENT_OBJECT, action=AuditAction.UPDATE)
    assert event.detail == {"revoked": True, "agency_id": agency.pk}
    assert "已撤回" in client.get(MY).content.decode()
    again = client.post(f"{MY}{mine.pk}/revoke/", follow=True)
    assert "该授权已撤回或已过期，无需撤回。" in again.content.decode()


def _paper_form(grantee: str, *, evidence: bytes = PDF, name: str = "授权书.pdf"):
    return {
        "action": "record",
        "id_number": id_number(3),
        "grantee": grantee,
        "purpose": "credit_lending" if grantee.startswith("agency") else "honour_review",
        "valid_from": _days(-2),
        "valid_until": _days(90),
        "evidence": SimpleUploadedFile(name, evidence),
    }


def test_the_reviewer_records_a_paper_consent_with_its_scan(client, agency):
    # given
    reviewer = supervision.reviewer("reviewer-paper")
    sign_in_verified(client, reviewer)
    # when
    answer = client.post(STAFF, _paper_form(f"agency:{agency.pk}"))
    # then
    assert answer.status_code == 200
    consent = Consent.objects.get()
    assert consent.method == ConsentMethod.PAPER
    assert consent.evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    assert consent.valid_from == timezone.localdate() - datetime.timedelta(days=2)
    attachment = Attachment.objects.get(case_type=CONSENT_OBJECT, case_id=str(consent.pk))
    assert attachment.subject_index == blind_index(id_number(3))
    assert agency.name in answer.content.decode()
    assert id_number(3) not in answer.content.decode()


def test_an_officer_records_a_paper_consent_for_their_own_department_only(client, agency):
    # given
    officer = tax_officer()
    sign_in_verified(client, officer)
    # when
    own = client.post(STAFF, _paper_form(f"department:{tax_department().pk}"))
    other = client.post(STAFF, _paper_form(f"agency:{agency.pk}"))
    # then
    assert own.status_code == 200
    assert other.status_code == 422
    assert list(Consent.objects.values_list("department_id", "agency_id")) == [
        (tax_department().pk, None)
    ]


def test_a_paper_consent_with_a_file_that_is_not_a_scan_writes_nothing(client, agency):
    # given
    sign_in_verified(client, supervision.reviewer("reviewer-paper"))
    # when
    answer = client.post(
        STAFF, _paper_form(f"agency:{agency.pk}", evidence=b"MZ not a scan", name="a.pdf")
    )
    # then
    assert answer.status_code == 422
    assert Consent.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_staff_look_up_a_person_s_consents_and_the_read_is_audited(client, agency):
    # given
    citizen = confirmed_citizen(id_number(1))
    mine = _consent_of(citizen, agency)
    reviewer = supervision.reviewer("reviewer-paper")
    sign_in_verified(client, reviewer)
    # when
    answer = client.post(STAFF, {"action": "lookup", "id_number": id_number(1)})
    # then
    assert answer.status_code == 200
    assert agency.name in answer.content.decode()
    event = AuditEvent.objects.get(
        object_type=CONSENT_OBJECT, action=AuditAction.PERSONAL_DATA_READ
    )
    assert event.detail == {"consents": [mine.pk]}


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.AUDITOR, Role.ADMIN])
def test_other_staff_roles_cannot_open_the_paper_consent_page(client, role):
    # given
    sign_in_verified(client, staff_user(role, username=f"paper-{role}"))
    # when
    answer = client.get(STAFF)
    # then
    assert answer.status_code == 403
