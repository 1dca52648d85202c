"""Scenarios through HTTP (issue 11, "What it must show"): the person objects on the portal →
the record is flagged in the check answer (its receipt still verifies), the officer's query and
the credit report (content and PDF) → the department upholds the objection through the API →
the record has a corrected version and the flag is gone. And a rejection whose statement
travels with the record in every later answer."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from chengxin.accounts.choices import Role
from chengxin.accounts.models import User
from chengxin.accounts.tests.factories import confirmed_citizen, staff_user
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import id_number
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.tests.factories import bearer, png
from chengxin.inquiry.tests.factories import load_purposes
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, submit, tax_measure

pytestmark = pytest.mark.django_db
PERSON = 1
CHECK = {"matter": "public_procurement", "case_no": "采购-2026-001", "purpose": "供应商资格审查"}
QUERY = {"purpose": "administrative_licensing", "case_no": "齐许〔2026〕88号"}


@pytest.fixture
def world():
    list_items()
    tax_measure()
    load_purposes()
    record = submit(
        TAX_SERIOUS,
        source_id="T-1",
        decided_on=timezone.localdate() - datetime.timedelta(days=30),
        sequence=PERSON,
    )
    citizen = Client()
    citizen.force_login(confirmed_citizen(id_number(PERSON), username="citizen-a"))
    return {
        "record": record,
        "citizen": citizen,
        "provider": bearer(staff_user(Role.PROVIDER, username="provider-tax")),
        "officer": bearer(staff_user(Role.OFFICER, username="officer-tax")),
    }


def post(client: Client, path: str, body: dict, headers: dict):
    return client.post(path, body, content_type="application/json", **headers)


def answers_about_the_person(client: Client, officer: dict) -> dict:
    """What an officer learns of the person now: a check, a query, a report and its PDF."""
    person = {"id_number": id_number(PERSON)}
    check = post(client, "/api/v1/checks", {**person, **CHECK}, officer).json()
    verified = post(
        client,
        "/api/v1/checks/verify",
        {"receipt": check["receipt"], "answer": check["answer"], "request": check["request"]},
        officer,
    ).json()
    batch = post(
        client, "/api/v1/checks/batch", {"id_numbers": [id_number(PERSON)], **CHECK}, officer
    ).json()
    profile = post(client, "/api/v1/profiles", {**person, **QUERY}, officer).json()
    report = post(client, "/api/v1/reports", {**person, **QUERY}, officer).json()
    pdf = client.get(report["pdf_url"], **officer).content
    return {
        "check": check["answer"],
        "check_id": check["check_id"],
        "batch": batch["rows"][0],
        "receipt_valid": verified["valid"],
        "profile": profile,
        "report": report["content"],
        "pdf": "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages),
    }


def file_on_the_portal(world) -> int:
    picture = png()
    upload = io.BytesIO(picture.data)
    upload.name = picture.name
    response = world["citizen"].post(
        f"/my/records/{world['record'].pk}/object/",
        {"grounds": "wrong", "text": "该处罚已被复议机关撤销。", "attachments": [upload]},
    )
    objection = Objection.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/my/objections/{objection.pk}/",
    )
    return objection.pk


def test_object_flagged_everywhere_upheld_corrected_and_the_flag_gone(client, world):
    # given: the person objects on the portal
    objection_id = file_on_the_portal(world)

    # when: an officer checks, queries and reports on the person
    disputed = answers_about_the_person(client, world["officer"])

    # then: the record is flagged in each answer, and the receipt still verifies
    record_id = world["record"].pk
    assert (disputed["check"]["disputed"], disputed["check"]["disputed_record_ids"]) == (
        True,
        [record_id],
    )
    assert disputed["receipt_valid"] is True
    assert disputed["batch"]["disputed"] is True
    assert (disputed["profile"]["disputed"], disputed["profile"]["records"][0]["disputed"]) == (
        1,
        True,
    )
    assert disputed["report"]["disputed"] == 1
    assert disputed["report"]["sections"]["negative"][0]["disputed"] is True
    assert "异议中" in disputed["pdf"]

    # when: the department accepts and upholds the objection, correcting the document number
    base = f"/api/v1/objections/{objection_id}"
    accepted = client.post(f"{base}/accept", **world["provider"])
    upheld = post(
        client,
        f"{base}/decision",
        {
            "outcome": "upheld",
            "resolution": "corrected",
            "corrections": {"document_no": "齐税罚〔2026〕7号"},
            "reasons": "经核查，文书编号录入有误，已更正。",
        },
        world["provider"],
    )
    corrected = answers_about_the_person(client, world["officer"])

    # then: a corrected version, and no flag anywhere
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    assert (upheld.status_code, upheld.json()["status"]) == (200, "upheld")
    assert upheld.json()["decision"]["corrected_version"] == 2
    assert CreditRecord.objects.get(pk=record_id).current_version == 2
    assert (corrected["check"]["disputed"], corrected["check"]["disputed_record_ids"]) == (
        False,
        [],
    )
    assert corrected["batch"]["disputed"] is False
    assert corrected["profile"]["disputed"] == 0
    assert corrected["profile"]["records"][0]["document_no"] == "齐税罚〔2026〕7号"
    assert corrected["report"]["disputed"] == 0
    assert "异议中" not in corrected["pdf"]


def test_a_rejected_objections_statement_travels_with_the_record(client, world):
    # given: the department rejects the objection, the person attaches a statement
    objection_id = file_on_the_portal(world)
    base = f"/api/v1/objections/{objection_id}"
    client.post(f"{base}/accept", **world["provider"])
    rejected = post(
        client,
        f"{base}/decision",
        {"outcome": "rejected", "reasons": "经核查，处罚决定合法有效。"},
        world["provider"],
    )
    statement = world["citizen"].post(
        f"/my/objections/{objection_id}/statement/", {"text": "本人已依法提起行政诉讼。"}
    )

    # when
    later = answers_about_the_person(client, world["officer"])

    # then
    record_id = world["record"].pk
    assert (rejected.status_code, statement.status_code) == (200, 302)
    assert later["check"]["disputed"] is False
    assert later["check"]["statements"] == [
        {
            "record_id": record_id,
            "text": "本人已依法提起行政诉讼。",
            "made_on": timezone.localdate().isoformat(),
        }
    ]
    assert {
        record["statement"] for entry in later["check"]["lists"] for record in entry["records"]
    } == {"本人已依法提起行政诉讼。"}
    assert later["receipt_valid"] is True
    assert later["profile"]["records"][0]["statement"] == "本人已依法提起行政诉讼。"
    assert later["report"]["statements"] == [
        {
            "record_id": record_id,
            "item_name": "重大税收违法失信",
            "text": "本人已依法提起行政诉讼。",
        }
    ]
    assert later["report"]["sections"]["negative"][0]["statement"] == "本人已依法提起行政诉讼。"
    assert "本人已依法提起行政诉讼。" in later["pdf"]


def test_the_staff_check_page_shows_the_flag_and_the_statement(client, world, settings):
    # given: a statement on the record, then a check by an officer
    settings.CHENGXIN_REQUIRE_TOTP = False
    objection_id = file_on_the_portal(world)
    flagged = answers_about_the_person(client, world["officer"])
    base = f"/api/v1/objections/{objection_id}"
    client.post(f"{base}/accept", **world["provider"])
    post(
        client, f"{base}/decision", {"outcome": "rejected", "reasons": "无误。"}, world["provider"]
    )
    world["citizen"].post(f"/my/objections/{objection_id}/statement/", {"text": "本人不同意。"})
    later = answers_about_the_person(client, world["officer"])
    officer = Client()
    officer.force_login(User.objects.get(username="officer-tax"))

    # when
    while_disputed = officer.get(f"/staff/checks/{flagged['check_id']}/").content.decode()
    with_statement = officer.get(f"/staff/checks/{later['check_id']}/").content.decode()

    # then
    flag = '<span class="badge badge-negative">异议中</span>'
    assert flag in while_disputed and "本人声明" not in while_disputed
    assert flag not in with_statement and "本人声明：本人不同意。" in with_statement
