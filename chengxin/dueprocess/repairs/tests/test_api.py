"""The repair endpoints for department systems: who sees and decides what, the answers and the
refusals in the one error format, audited reads, the commitment in force."""

from __future__ import annotations

import io

import pytest

from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.dueprocess.repairs.choices import REPAIR_OBJECT_TYPE
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.tests.factories import (
    PERSON,
    TEXT,
    applied_today,
    bearer,
    pdf,
    people,
    png,
    repairable_today,
)

pytestmark = pytest.mark.django_db
REPAIRS = "/api/v1/repairs"
PROBLEM = "application/problem+json"


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def penalty(cast):
    return repairable_today(cast.provider)


def upload(file) -> io.BytesIO:
    stream = io.BytesIO(file.data)
    stream.name = file.name
    return stream


def counter_body(penalty, **overrides):
    body = {
        "record_id": penalty.pk,
        "id_number": id_number(PERSON),
        "text": TEXT,
        "commitment_version": current_template().version,
        "commitment_accepted": "true",
        "power_of_attorney": upload(pdf()),
        "attachments": [upload(png())],
    }
    body.update(overrides)
    return body


def post_json(client, path, body, headers):
    return client.post(path, body, content_type="application/json", **headers)


def test_the_reviewer_applies_at_the_counter_through_the_api(client, cast, penalty):
    response = client.post(REPAIRS, counter_body(penalty), **bearer(cast.reviewer))

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["channel"], body["record"]["record_id"]) == (
        "applied",
        "counter",
        penalty.pk,
    )
    assert body["commitment"]["sha256"] == current_template().sha256
    assert body["working_days_left"] == 3
    assert [(a["file_name"], a["power_of_attorney"]) for a in body["attachments"]] == [
        ("授权委托书.pdf", True),
        ("收据.png", False),
    ]
    assert id_number(PERSON) not in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"commitment_accepted": "false"}, 422, "repair_commitment_required"),
        ({"commitment_version": "1999-1"}, 409, "repair_commitment_outdated"),
        ({"attachments": []}, 422, "repair_proof_required"),
        ({"id_number": "123"}, 422, "id_number_invalid"),
    ],
)
def test_a_refused_application_answers_in_the_one_error_format(
    client, cast, penalty, overrides, status, code
):
    response = client.post(REPAIRS, counter_body(penalty, **overrides), **bearer(cast.reviewer))

    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    assert response.json()["code"] == code
    assert Repair.objects.count() == 0


def test_a_provider_cannot_apply_for_a_person(client, cast, penalty):
    response = client.post(REPAIRS, counter_body(penalty), **bearer(cast.provider))

    assert (response.status_code, response.json()["code"]) == (403, "repair_filing_role_required")


def test_an_application_before_the_date_says_from_when(client, cast):
    from chengxin.dueprocess.repairs.tests.factories import record

    fresh = record(cast.provider, decided_on="2026-11-20", today="2026-11-21")

    response = client.post(REPAIRS, counter_body(fresh), **bearer(cast.reviewer))

    assert (response.status_code, response.json()["code"]) == (409, "repair_not_yet_repairable")
    assert "2027-02-20" in response.json()["detail"]
    assert response.json()["repairable_from"] == "2027-02-20"


def test_each_department_lists_its_own_and_the_credit_office_all(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)

    own = client.get(REPAIRS, **bearer(cast.provider)).json()
    other = client.get(REPAIRS, **bearer(cast.provider_other)).json()
    office = client.get(f"{REPAIRS}?status=open", **bearer(cast.reviewer)).json()
    officer = client.get(REPAIRS, **bearer(cast.officer))

    assert [row["repair_id"] for row in own["results"]] == [repair.pk]
    assert other["count"] == 0
    assert [row["repair_id"] for row in office["results"]] == [repair.pk]
    assert (officer.status_code, officer.json()["code"]) == (403, "repair_decision_role_required")


def test_the_detail_is_an_audited_read_and_another_department_finds_nothing(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)

    response = client.get(f"{REPAIRS}/{repair.pk}", **bearer(cast.provider))
    hidden = client.get(f"{REPAIRS}/{repair.pk}", **bearer(cast.provider_other))

    assert response.status_code == 200
    assert response.json()["commitment"]["text"] == current_template().text
    assert (hidden.status_code, hidden.json()["code"]) == (404, "repair_not_found")
    reads = AuditEvent.objects.filter(
        object_type=REPAIR_OBJECT_TYPE, action=AuditAction.PERSONAL_DATA_READ
    )
    assert [event.actor_username for event in reads] == ["provider-tax"]


def test_the_department_approves_through_the_api_and_a_second_decision_is_refused(
    client, cast, penalty
):
    repair = applied_today(cast.citizen, penalty)
    path = f"{REPAIRS}/{repair.pk}/decision"

    approved = post_json(client, path, {"outcome": "approved"}, bearer(cast.provider))
    again = post_json(
        client, path, {"outcome": "rejected", "reasons": "重复。"}, bearer(cast.provider)
    )

    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["record"]["status"]) == (
        "approved",
        "repaired",
    )
    assert approved.json()["decision"]["repaired_version"] == 2
    assert (again.status_code, again.json()["code"]) == (409, "repair_already_decided")
    assert CreditRecord.objects.get(pk=penalty.pk).status == RecordStatus.REPAIRED


def test_a_rejection_without_reasons_is_refused_naming_the_field(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)

    response = post_json(
        client, f"{REPAIRS}/{repair.pk}/decision", {"outcome": "rejected"}, bearer(cast.provider)
    )

    assert (response.status_code, response.json()["code"]) == (422, "repair_reasons_required")
    assert response.json()["errors"][0]["field"] == "reasons"


def test_another_department_cannot_decide(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)

    response = post_json(
        client,
        f"{REPAIRS}/{repair.pk}/decision",
        {"outcome": "approved"},
        bearer(cast.provider_other),
    )

    assert response.status_code == 404
    assert Repair.objects.get(pk=repair.pk).status == "applied"


def test_a_file_of_the_application_is_downloaded_and_audited(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)
    detail = client.get(f"{REPAIRS}/{repair.pk}", **bearer(cast.provider)).json()
    (attachment,) = detail["attachments"]

    response = client.get(
        f"{REPAIRS}/{repair.pk}/attachments/{attachment['attachment_id']}",
        **bearer(cast.provider),
    )
    missing = client.get(f"{REPAIRS}/{repair.pk}/attachments/nothing", **bearer(cast.provider))

    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert (missing.status_code, missing.json()["code"]) == (404, "repair_attachment_not_found")
    assert AuditEvent.objects.filter(object_type="repairs.attachment").count() == 1


def test_the_commitment_in_force_is_published_with_its_hash(client, cast):
    body = client.get(f"{REPAIRS}/commitment", **bearer(cast.provider)).json()

    template = current_template()
    assert (body["version"], body["text"], body["sha256"]) == (
        template.version,
        template.text,
        template.sha256,
    )
    assert "信用信息修复管理办法" in body["source"]


def test_the_operations_are_documented_with_their_errors(client):
    spec = client.get("/api/v1/openapi.json").json()

    decision = spec["paths"]["/api/v1/repairs/{repair_id}/decision"]["post"]
    assert {"403", "404", "409", "422"} <= set(decision["responses"])
    assert "repair_already_decided" in decision["responses"]["409"]["description"]
    assert "/api/v1/repairs" in spec["paths"]


def test_the_repair_schemas_keep_names_of_their_own(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    # the objections' record keeps its own shape; the repair's has the repair dates
    assert "repairable_from" not in schemas["RecordOut"]["properties"]
    assert "repairable_from" in schemas["RepairRecordOut"]["properties"]
