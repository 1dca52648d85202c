"""The objection endpoints for department systems: who sees and decides what, the answers and
the refusals in the one error format, audited reads, and a list of fixed cost."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengxin.collection.tests.factories import id_number, penalty_item
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.dueprocess.objections.choices import DecisionOutcome, ObjectionStatus
from chengxin.dueprocess.objections.services import objection_accept, objection_decide
from chengxin.dueprocess.objections.tests.factories import (
    PERSON,
    TEXT,
    bearer,
    filed,
    pdf,
    png,
    record,
)

pytestmark = pytest.mark.django_db
OBJECTIONS = "/api/v1/objections"
PROBLEM = "application/problem+json"


def upload(file) -> io.BytesIO:
    stream = io.BytesIO(file.data)
    stream.name = file.name
    return stream


def counter_body(penalty, **overrides):
    body = {
        "record_id": penalty.pk,
        "id_number": id_number(PERSON),
        "grounds": "not_mine",
        "text": TEXT,
        "power_of_attorney": upload(pdf()),
        "attachments": [upload(png())],
    }
    body.update(overrides)
    return body


def post_json(client, path, body, headers):
    return client.post(path, body, content_type="application/json", **headers)


def test_the_reviewer_files_at_the_counter_through_the_api(client, cast, penalty):
    # when
    response = client.post(OBJECTIONS, counter_body(penalty), **bearer(cast.reviewer))

    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["channel"], body["record"]["disputed"]) == (
        "filed",
        "counter",
        True,
    )
    assert body["person"]["id_masked"] == "230202********" + id_number(PERSON)[-4:]
    assert [(a["file_name"], a["power_of_attorney"]) for a in body["attachments"]] == [
        ("授权委托书.pdf", True),
        ("收据.png", False),
    ]
    assert id_number(PERSON) not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("provider", 403, "objection_filing_role_required"),
        ("officer", 403, "objection_filing_role_required"),
    ],
)
def test_only_the_reviewer_files_at_the_counter(client, cast, penalty, role, status, code):
    # when
    response = client.post(OBJECTIONS, counter_body(penalty), **bearer(getattr(cast, role)))

    # then
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
        status,
        PROBLEM,
        code,
    )


def test_a_filing_without_its_power_of_attorney_is_refused_by_the_schema(client, cast, penalty):
    # given
    body = counter_body(penalty)
    del body["power_of_attorney"]

    # when
    response = client.post(OBJECTIONS, body, **bearer(cast.reviewer))

    # then
    problem = response.json()
    assert (response.status_code, problem["code"]) == (422, "request_invalid")
    assert [error["field"] for error in problem["errors"]] == ["power_of_attorney"]


def test_an_attachment_that_is_not_what_its_name_says_is_refused_naming_it(client, cast, penalty):
    # given
    fake = io.BytesIO(b"GIF89a not a pdf")
    fake.name = "委托书.pdf"

    # when
    response = client.post(
        OBJECTIONS, counter_body(penalty, power_of_attorney=fake), **bearer(cast.reviewer)
    )

    # then
    problem = response.json()
    assert (response.status_code, problem["code"]) == (422, "dueprocess.attachment_type_refused")
    assert problem["errors"][0]["field"] == "power_of_attorney"
    assert problem["title"] == "只接收PDF、JPEG和PNG文件（按文件内容识别，与文件名无关）。"


def test_each_department_lists_its_own_and_the_credit_office_all(client, cast, penalty):
    # given: one objection to a tax record, one to a court record
    penalty_item(
        code="court-judgment",
        name="失信被执行人",
        departments=[cast.provider_other.department],
    )
    court_record = record(cast.provider_other, source_id="C-1", item_code="court-judgment")
    filed(cast.citizen, penalty)
    filed(cast.citizen, court_record)

    # when
    tax = client.get(OBJECTIONS, **bearer(cast.provider)).json()
    court = client.get(OBJECTIONS, **bearer(cast.provider_other)).json()
    credit_office = client.get(OBJECTIONS, **bearer(cast.reviewer)).json()
    officer = client.get(OBJECTIONS, **bearer(cast.officer))

    # then
    assert [row["record"]["department"] for row in tax["results"]] == ["tax"]
    assert [row["record"]["department"] for row in court["results"]] == ["court"]
    assert credit_office["count"] == 2
    assert (officer.status_code, officer.json()["code"]) == (
        403,
        "objection_decision_role_required",
    )


def test_the_list_filters_and_pages(client, cast):
    # given: three records, one of whose objections is rejected
    records = [record(cast.provider, source_id=f"S-{n}") for n in range(3)]
    objections = [filed(cast.citizen, each) for each in records]
    objection_accept(actor=cast.provider, objection_id=objections[0].pk)
    objection_decide(
        actor=cast.provider,
        objection_id=objections[0].pk,
        outcome=DecisionOutcome.REJECTED,
        reasons="记录无误。",
    )
    headers = bearer(cast.provider)

    # when
    open_only = client.get(OBJECTIONS, {"status": "open"}, **headers).json()
    second_page = client.get(OBJECTIONS, {"page": 2, "page_size": 2}, **headers).json()

    # then
    assert [row["objection_id"] for row in open_only["results"]] == sorted(
        [objections[1].pk, objections[2].pk], reverse=True
    )
    assert (second_page["count"], second_page["pages"], len(second_page["results"])) == (3, 2, 1)
    assert second_page["results"][0]["status"] == ObjectionStatus.REJECTED


def test_the_list_costs_the_same_queries_for_one_objection_or_many(client, cast):
    # given
    headers = bearer(cast.reviewer)
    filed(cast.citizen, record(cast.provider, source_id="S-0"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(OBJECTIONS, **headers).status_code == 200
        return len(captured)

    queries()  # the token's last use is written once a minute, on the first request
    one = queries()
    for n in range(1, 8):
        filed(cast.citizen, record(cast.provider, source_id=f"S-{n}"))

    # when
    eight = queries()

    # then: token, count, page (records, items, departments joined), calendar table
    assert (one, eight) == (4, 4)


def test_another_departments_objection_is_not_found_nor_decided(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    headers = bearer(cast.provider_other)

    # when
    seen = client.get(f"{OBJECTIONS}/{objection.pk}", **headers)
    decided = client.post(f"{OBJECTIONS}/{objection.pk}/accept", **headers)

    # then
    assert [
        (seen.status_code, seen.json()["code"]),
        (decided.status_code, decided.json()["code"]),
    ] == [
        (404, "objection_not_found"),
        (404, "objection_not_found"),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).count() == 0


def test_the_reviewer_sees_but_does_not_decide_for_the_department(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    response = client.post(f"{OBJECTIONS}/{objection.pk}/accept", **bearer(cast.reviewer))

    # then
    assert (response.status_code, response.json()["code"]) == (
        403,
        "objection_decision_role_required",
    )


def test_reading_an_objection_is_an_audited_read(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    response = client.get(f"{OBJECTIONS}/{objection.pk}", **bearer(cast.provider))

    # then
    assert (response.status_code, response.json()["text"]) == (200, TEXT)
    assert list(
        AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).values_list(
            "object_type", "object_id", "actor_username", "subject_index"
        )
    ) == [("objections.objection", str(objection.pk), "provider-tax", penalty.subject_index)]


def test_a_second_decision_is_409(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    headers = bearer(cast.provider)
    client.post(f"{OBJECTIONS}/{objection.pk}/accept", **headers)
    decision = {"outcome": "rejected", "reasons": "记录无误。"}
    first = post_json(client, f"{OBJECTIONS}/{objection.pk}/decision", decision, headers)

    # when
    second = post_json(client, f"{OBJECTIONS}/{objection.pk}/decision", decision, headers)

    # then
    assert first.status_code == 200
    assert (second.status_code, second.json()["code"]) == (409, "objection_already_decided")


def test_a_correction_the_item_refuses_names_the_field(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    headers = bearer(cast.provider)
    client.post(f"{OBJECTIONS}/{objection.pk}/accept", **headers)

    # when
    response = post_json(
        client,
        f"{OBJECTIONS}/{objection.pk}/decision",
        {
            "outcome": "upheld",
            "resolution": "corrected",
            "corrections": {"decided_on": "明年"},
            "reasons": "更正决定日期。",
        },
        headers,
    )

    # then
    problem = response.json()
    assert (response.status_code, problem["code"]) == (422, "objection_correction_invalid")
    assert [error["field"] for error in problem["errors"]] == ["corrections.decided_on"]


def test_an_extension_and_a_review_decision(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)

    # when
    extended = post_json(
        client,
        f"{OBJECTIONS}/{objection.pk}/extension",
        {"working_days": 10, "reason": "需调取案卷。"},
        bearer(cast.provider),
    )
    review = post_json(
        client,
        f"{OBJECTIONS}/{objection.pk}/review-decision",
        {"outcome": "confirmed", "reasons": "维持。"},
        bearer(cast.reviewer),
    )

    # then
    assert (extended.status_code, extended.json()["allowed_working_days"]) == (200, 10)
    assert extended.json()["extension"]["reason"] == "需调取案卷。"
    assert (review.status_code, review.json()["code"]) == (409, "objection_state_conflict")


def test_a_file_of_the_case_downloads_as_kept_and_the_download_is_audited(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty, files=[png()])
    headers = bearer(cast.provider)
    attachment = client.get(f"{OBJECTIONS}/{objection.pk}", **headers).json()["attachments"][0]

    # when
    response = client.get(
        f"{OBJECTIONS}/{objection.pk}/attachments/{attachment['attachment_id']}", **headers
    )
    missing = client.get(
        f"{OBJECTIONS}/{objection.pk}/attachments/00000000-0000-0000-0000-000000000000", **headers
    )

    # then
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert response.content.startswith(b"\x89PNG")
    assert (missing.status_code, missing.json()["code"]) == (404, "objection_attachment_not_found")
    assert (
        AuditEvent.objects.filter(
            object_type="objections.attachment", object_id=attachment["attachment_id"]
        ).count()
        == 1
    )
