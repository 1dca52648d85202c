"""Recording audit events: every field, the actor copied, no personal data."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse

from chengxin.accounts.tests.factories import totp_code, totp_device
from chengxin.core.audit import events, hashing
from chengxin.core.audit.choices import AuditAction, HashAlgorithm
from chengxin.core.audit.events import PersonalDataInAuditError
from chengxin.core.audit.models import AuditEvent
from chengxin.core.audit.tests.factories import UserFactory
from chengxin.core.crypto import blind_index

pytestmark = pytest.mark.django_db

IDENTITY_NUMBER = "11010519491231002X"
SUBJECT = blind_index(IDENTITY_NUMBER)
# Valid for the platform, though its county code (230208) is younger than its holder, so that
# python-stdnum's ``ric.is_valid`` rejects it.
COUNTY_RENAMED = "230208197001010013"


def _request(address="203.0.113.7"):
    return RequestFactory().get("/", REMOTE_ADDR=address)


def test_record_writes_every_field_and_copies_the_actor():
    # given
    officer = UserFactory(username="zhang.wei", role="officer")

    # when
    event = events.record(
        actor=officer,
        action=AuditAction.PERSONAL_DATA_READ,
        object_type="credit_file",
        object_id="42",
        subject_index=SUBJECT,
        purpose="行政许可",
        case_no="齐市监许〔2025〕17号",
        detail={"items": ["tax-arrears"], "count": 2},
        request=_request(),
    )

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == officer.pk
    assert stored.actor_username == "zhang.wei"
    assert stored.actor_role == "officer"
    assert stored.actor_department == "tax"
    assert stored.action == "personal_data_read"
    assert stored.object_type == "credit_file"
    assert stored.object_id == "42"
    assert stored.subject_index == SUBJECT
    assert stored.purpose == "行政许可"
    assert stored.case_no == "齐市监许〔2025〕17号"
    assert stored.detail == {"count": 2, "items": ["tax-arrears"]}
    assert stored.ip_address == "203.0.113.7"
    assert stored.created_at == event.created_at
    assert stored.created_at.utcoffset() == timedelta(0)
    assert stored.hash_algorithm == HashAlgorithm.HMAC_SHA256
    assert stored.hash_key_id == "s9"
    assert stored.content_hash == hashing.event_content_hash(
        stored, algorithm="hmac-sha256", key_id="s9"
    )


def test_record_keeps_the_actor_values_after_the_account_changes():
    # given
    officer = UserFactory(username="li.na", role="officer")
    event = events.change_event(
        actor=officer, action=AuditAction.UPDATE, object_type="record", object_id="7"
    )

    # when
    officer.username = "li.na.renamed"
    officer.role = "reviewer"
    officer.save()

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_username, stored.actor_role) == ("li.na", "officer")


def test_record_of_a_system_job_has_no_actor():
    # when
    event = events.record(actor=None, action=AuditAction.DELETE, object_type="outbox")

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.actor_username, stored.actor_role) == (None, "", "")
    assert (stored.actor_department, stored.ip_address, stored.detail) == ("", "", {})


def test_record_stores_floats_as_text_so_the_hash_survives_both_databases():
    # when
    event = events.record(
        actor=None, action=AuditAction.EXPORT, object_type="report", detail={"ratio": 0.1}
    )

    # then
    assert AuditEvent.objects.get(pk=event.pk).detail == {"ratio": "0.1"}


@pytest.mark.parametrize(
    "field",
    [
        {"object_id": IDENTITY_NUMBER},
        {"purpose": f"查询 {IDENTITY_NUMBER}"},
        {"case_no": IDENTITY_NUMBER.lower()},
        {"detail": {"rows": [{"id_number": IDENTITY_NUMBER}]}},
    ],
)
def test_record_refuses_an_identity_number_in_any_field(field):
    # when
    with pytest.raises(PersonalDataInAuditError) as error:
        events.record(actor=None, action=AuditAction.CREATE, object_type="record", **field)

    # then
    assert IDENTITY_NUMBER not in str(error.value)
    assert IDENTITY_NUMBER.lower() not in str(error.value)
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "field",
    [
        {"purpose": f"查询{COUNTY_RENAMED}"},
        {"case_no": f"案号ID{COUNTY_RENAMED}"},
        {"object_id": "２３０２０８１９７００１０１００１３"},
        {"detail": {"file": f"{COUNTY_RENAMED[:6]} {COUNTY_RENAMED[6:14]} {COUNTY_RENAMED[14:]}"}},
        {"detail": {"key": "230202800501012"}},
    ],
)
def test_record_refuses_every_number_the_platform_accepts(field):
    # when
    with pytest.raises(PersonalDataInAuditError):
        events.record(actor=None, action=AuditAction.CREATE, object_type="record", **field)

    # then
    assert AuditEvent.objects.count() == 0


def test_a_digest_whose_digits_read_as_an_identity_number_is_kept():
    # given: a SHA-256 in hex that happens to hold the digits of a valid number
    digits = "230202800501012"
    digest = ("ab" + digits + "c" * 64)[:64]

    # when
    event = events.record(
        actor=None, action=AuditAction.CREATE, object_type="report", detail={"pdf_hash": digest}
    )

    # then: kept as it is; the same digits as a value of their own are refused
    assert AuditEvent.objects.get(pk=event.pk).detail == {"pdf_hash": digest}
    with pytest.raises(PersonalDataInAuditError):
        events.record(actor=None, action=AuditAction.CREATE, detail={"note": f"ab{digits}c"})


def test_record_accepts_an_eighteen_digit_number_that_is_not_an_identity_number():
    # when
    event = events.record(actor=None, action=AuditAction.CREATE, object_id="110105194912310021")

    # then
    assert AuditEvent.objects.get(pk=event.pk).object_id == "110105194912310021"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"action": "read"}, "Unknown audit action 'read'."),
        (
            {"action": AuditAction.CREATE, "subject_index": IDENTITY_NUMBER},
            "subject_index must be a blind index (64 lowercase hex digits).",
        ),
        (
            {"action": AuditAction.CREATE, "case_no": "案" * 101},
            "Audit field case_no is longer than 100 characters.",
        ),
    ],
)
def test_record_refuses_malformed_values(arguments, message):
    # when
    with pytest.raises(ValueError) as error:
        events.record(actor=None, **arguments)

    # then
    assert str(error.value) == message
    assert AuditEvent.objects.count() == 0


def test_personal_data_read_event_records_purpose_and_case():
    # given
    officer = UserFactory()

    # when
    event = events.personal_data_read_event(
        actor=officer,
        subject_index=SUBJECT,
        object_type="credit_report",
        object_id="R-2025-0001",
        purpose="评先评优",
        case_no="2025-17",
        request=_request("2001:db8::1"),
    )

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.subject_index) == ("personal_data_read", SUBJECT)
    assert (stored.purpose, stored.case_no, stored.ip_address) == (
        "评先评优",
        "2025-17",
        "2001:db8::1",
    )


def test_export_event_records_the_export():
    # given
    provider = UserFactory(role="provider")

    # when
    event = events.export_event(
        actor=provider, object_type="submission_errors", object_id="9", detail={"format": "csv"}
    )

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.object_type, stored.object_id) == (
        "export",
        "submission_errors",
        "9",
    )
    assert stored.detail == {"format": "csv"}


def test_failed_sign_in_with_an_identity_number_keeps_only_its_blind_index():
    # when
    event = events.sign_in_failed_event(username=f" {IDENTITY_NUMBER.lower()} ", request=_request())

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "sign_in_failed"
    assert stored.subject_index == SUBJECT
    assert stored.detail == {"username": ""}


def test_failed_sign_in_with_a_number_inside_the_username_keeps_only_its_blind_index():
    # when
    event = events.sign_in_failed_event(username=f"zhang{COUNTY_RENAMED}", request=_request())

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.subject_index == blind_index(COUNTY_RENAMED)
    assert stored.detail == {"username": ""}


def test_signing_in_and_out_through_the_login_page_is_recorded(client):
    # given
    device = totp_device(UserFactory(username="wang.fang", role="provider"))

    # when
    client.post(reverse("accounts:login"), {"username": "wang.fang", "password": "wrong password"})
    client.post(
        reverse("accounts:login"), {"username": "wang.fang", "password": "correct horse battery"}
    )
    client.post(reverse("accounts:verify"), {"code": totp_code(device)})
    client.post(reverse("accounts:logout"))

    # then
    recorded = list(
        AuditEvent.objects.order_by("id").values_list("action", "actor_username", "detail")
    )
    assert recorded == [
        ("sign_in_failed", "", {"username": "wang.fang"}),
        ("sign_in", "wang.fang", {}),
        ("sign_out", "wang.fang", {}),
    ]


def test_a_failed_sign_in_never_stores_the_attempted_password(client):
    # when
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "S3cret-guess!"})

    # then
    event = AuditEvent.objects.get()
    assert "S3cret-guess!" not in str(hashing.event_content(event))
