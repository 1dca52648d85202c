"""Checks through the real HTTP API: the issue's scenarios with exact answers, receipts, audit,
the permission matrix, feedback and rates, small batches."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from openpyxl import Workbook

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import credit_office, staff_user
from chengxin.catalog.choices import Domain, KeyField, ListKind
from chengxin.collection.lifecycle import records_expire
from chengxin.collection.tests.factories import bearer, id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.core.crypto import blind_index
from chengxin.measures.checks.models import BatchCheck, Check, CheckFeedback
from chengxin.measures.checks.tests.factories import CHECKS, PROCUREMENT, check_body, post_check
from chengxin.measures.tests.factories import (
    MORAL_MODEL,
    TAX_GENERAL,
    TAX_SERIOUS,
    submit,
    tax_measure,
    today,
    years_ago,
)

pytestmark = pytest.mark.django_db

LEGAL_BASIS = "《中华人民共和国政府采购法》第二十二条"


def _check(client, headers, sequence=1, **overrides):
    response = post_check(client, headers, check_body(sequence, **overrides))
    assert response.status_code == 200, response.content
    return response.json()


def test_serious_tax_record_puts_the_person_on_key_supervision_with_the_tax_measure(
    client, items, tax_officer
):
    # given
    _user, headers = tax_officer
    tax_measure()
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    # when
    body = _check(client, headers)
    # then
    answer = body["answer"]
    assert answer["known"] is True
    assert [(m["kind"], m["domain"], m["key_field"]) for m in answer["lists"]] == [
        (ListKind.SERIOUS_DISHONESTY, Domain.TAX, ""),
        (ListKind.KEY_SUPERVISION, "", KeyField.TAX_DISHONESTY),
    ]
    assert answer["lists"][1]["records"] == [
        {
            "record_id": record.pk,
            "item_code": TAX_SERIOUS,
            "item_name": "重大税收违法失信",
            "department_code": "tax",
            "decided_on": record.decided_on.isoformat(),
            "disputed": False,
            "statement": None,
        }
    ]
    assert answer["statements"] == []
    assert [
        (m["code"], m["kind"], m["legal_basis"], m["departments"], m["triggered_by"])
        for m in answer["measures"]
    ] == [
        (
            "tax-procurement-limit",
            "punishment",
            LEGAL_BASIS,
            ["tax"],
            [{"kind": "key_supervision", "domain": "", "key_field": "tax_dishonesty",
              "record_ids": [record.pk]}],
        )
    ]  # fmt: skip
    assert answer["green_channel"]["eligible"] is False
    assert "严重失信记录" in answer["green_channel"]["reason"]
    assert (answer["disputed"], answer["disputed_record_ids"]) == (False, [])
    assert body["request"]["id_number_masked"] == "230202********" + id_number(1)[-4:]
    assert id_number(1) not in json.dumps(body, ensure_ascii=False)
    assert body["receipt"]["check_id"] == body["check_id"] == answer["check_id"]


@pytest.mark.parametrize("ending", ["revoke", "expire"])
def test_after_revocation_or_expiry_the_person_gets_no_list_and_no_measure(
    client, items, tax_officer, ending
):
    # given
    _user, headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=years_ago(3, days=-20))
    if ending == "revoke":
        submit(TAX_SERIOUS, source_id="T-1", decided_on=today(), operation="revoke")
    else:
        assert records_expire(today=today() + datetime.timedelta(days=30)) == 1
    # when
    answer = _check(client, headers)["answer"]
    # then
    assert (answer["lists"], answer["measures"]) == ([], [])


def test_negative_record_four_years_ago_known_five_years_is_eligible(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    submit(TAX_GENERAL, source_id="G-1", decided_on=years_ago(5))
    submit(TAX_GENERAL, source_id="G-2", decided_on=years_ago(4))
    # when
    green = _check(client, headers)["answer"]["green_channel"]
    # then
    assert (green["eligible"], green["known"]) == (True, True)
    assert green["facts"]["earliest_decided_on"] == years_ago(5).isoformat()
    assert "可享受" in green["reason"]


def test_negative_record_two_years_ago_is_not_eligible(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    submit(TAX_GENERAL, source_id="G-1", decided_on=years_ago(5))
    record = submit(TAX_GENERAL, source_id="G-2", decided_on=years_ago(2))
    # when
    green = _check(client, headers)["answer"]["green_channel"]
    # then
    assert green["eligible"] is False
    assert green["facts"]["negative_record_ids"] == [record.pk]
    assert years_ago(2).isoformat() in green["reason"]


def test_active_moral_model_record_makes_the_person_eligible(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    record = submit(MORAL_MODEL, source_id="M-1", decided_on=today() - datetime.timedelta(10))
    # when
    answer = _check(client, headers)["answer"]
    # then
    assert [(m["kind"], [r["record_id"] for r in m["records"]]) for m in answer["lists"]] == [
        (ListKind.RED_LIST, [record.pk])
    ]
    assert answer["green_channel"]["eligible"] is True
    assert answer["green_channel"]["facts"]["red_list_record_ids"] == [record.pk]


def test_disputed_record_is_flagged(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    tax_measure()
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    record.disputed = True
    record.save(update_fields=["disputed"])
    # when
    answer = _check(client, headers)["answer"]
    # then
    assert (answer["disputed"], answer["disputed_record_ids"]) == (True, [record.pk])
    assert all(m["records"][0]["disputed"] for m in answer["lists"])


def test_person_without_records_gets_a_clean_answer(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    # when
    response = post_check(client, headers, check_body(42))
    # then
    assert response.status_code == 200
    answer = response.json()["answer"]
    assert answer["known"] is False
    assert (answer["lists"], answer["measures"], answer["disputed"]) == ([], [], False)
    assert answer["green_channel"]["eligible"] is False
    assert "没有该人的任何信用记录" in answer["green_channel"]["reason"]
    assert answer["summary"] == "平台没有该人的信用记录。"


def test_the_signed_answer_is_in_chinese_whatever_the_callers_language(client, items, tax_officer):
    # given: a caller that asks for English
    _user, headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    # when
    response = post_check(client, {**headers, "HTTP_ACCEPT_LANGUAGE": "en"}, check_body(1))
    # then
    answer = response.json()["answer"]
    assert answer["summary"] == "该人在2个名单上，适用1项措施。"
    assert answer["matter_name"] == "政府采购"
    assert {entry["kind_name"] for entry in answer["lists"]} == {
        "严重失信主体名单",
        "重点监管对象名单",
    }


def test_receipt_verifies_and_one_changed_byte_does_not(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    body = _check(client, headers)
    receipt, answer = body["receipt"], body["answer"]
    changed_answer = json.loads(
        json.dumps(answer).replace("tax-procurement-limit", "tax-procurement-limiu")
    )
    changed_receipt = {**receipt, "issued_at": receipt["issued_at"].replace("T", "t", 1)}

    # when
    def verify(payload):
        return client.post(f"{CHECKS}/verify", payload, content_type="application/json").json()

    good = verify({"receipt": receipt, "answer": answer, "request": body["request"]})
    bad_answer = verify({"receipt": receipt, "answer": changed_answer})
    bad_receipt = verify({"receipt": changed_receipt, "answer": answer})
    # then
    assert (good["valid"], good["reason"], good["check_id"]) == (True, "valid", body["check_id"])
    assert (bad_answer["valid"], bad_answer["reason"]) == (False, "answer_mismatch")
    assert (bad_receipt["valid"], bad_receipt["reason"]) == (False, "signature_invalid")
    keys = client.get(f"{CHECKS}/keys").json()["keys"]
    assert keys[0]["key_id"] == receipt["key_id"]
    assert keys[0]["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert receipt["rules"]["measure_count"] == 1
    assert receipt["catalog_version"].startswith("sha256:")


def test_every_check_is_audited_with_what_it_returned(client, items, tax_officer):
    # given
    user, headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    # when
    first = _check(client, headers)
    second = _check(client, headers, 42, case_no="采购-2026-002")
    # then
    events = list(AuditEvent.objects.filter(object_type="checks.check").order_by("pk"))
    assert [event.object_id for event in events] == [first["check_id"], second["check_id"]]
    event = events[0]
    assert (event.actor_id, event.action, event.purpose, event.case_no) == (
        user.pk,
        "personal_data_read",
        "政府采购供应商资格审查",
        "采购-2026-001",
    )
    assert event.subject_index == blind_index(id_number(1))
    assert event.detail == {
        "matter": PROCUREMENT,
        "known": True,
        "lists": ["key_supervision", "serious_dishonesty"],
        "measures": ["tax-procurement-limit"],
        "green_channel": False,
        "disputed": 0,
    }
    assert events[1].detail["known"] is False
    assert Check.objects.count() == 2


def test_missing_matter_purpose_and_case_number_are_each_named(client, items, tax_officer):
    # given
    _user, headers = tax_officer

    # when
    response = post_check(client, headers, check_body(matter="", purpose=" ", case_no=""))
    unknown = post_check(client, headers, check_body(matter="lottery"))
    invalid = post_check(client, headers, check_body(id_number="230202198005170000"))

    # then
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("matter", "enum"),
        ("case_no", "string_too_short"),
        ("purpose", "string_too_short"),
    ]
    assert [(e["field"], e["code"]) for e in unknown.json()["errors"]] == [("matter", "enum")]
    assert (invalid.status_code, invalid.json()["code"]) == (422, "id_number_invalid")
    assert [(e["field"], e["code"], e["message"]) for e in invalid.json()["errors"]] == [
        ("id_number", "id_checksum", "身份证号码校验码不正确，请核对号码。")
    ]
    assert not Check.objects.exists()
    assert not AuditEvent.objects.filter(object_type="checks.check").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PROVIDER, 403),
        (Role.REVIEWER, 403),
        (Role.ADMIN, 403),
        (Role.SECURITY, 403),
        (Role.AUDITOR, 403),
        (Role.AGENCY, 403),
    ],
)
def test_only_officers_run_checks(client, items, role, status):
    user = staff_user(role, username=f"matrix-{role}")
    response = post_check(client, bearer(user), check_body())
    assert response.status_code == status
    assert response.json()["code"] == "check_role_required"
    assert post_check(client, {}, check_body()).status_code == 401


def test_officers_see_only_their_own_departments_checks(client, items, tax_officer, court_officer):
    # given
    _tax, tax_headers = tax_officer
    _court, court_headers = court_officer
    body = _check(client, tax_headers)
    # when
    own = client.get(f"{CHECKS}/{body['check_id']}", **tax_headers)
    other = client.get(f"{CHECKS}/{body['check_id']}", **court_headers)
    other_feedback = client.post(
        f"{CHECKS}/{body['check_id']}/feedback",
        {"measure_code": "x", "applied": True, "reason": "x"},
        content_type="application/json",
        **court_headers,
    )
    # then
    assert own.status_code == 200
    assert own.json()["answer"] == body["answer"]
    assert own.json()["receipt"] == body["receipt"]
    assert (other.status_code, other.json()["code"]) == (404, "check_not_found")
    assert other_feedback.status_code == 404
    assert client.get(f"{CHECKS}/not-a-uuid", **tax_headers).status_code == 404
    reads = AuditEvent.objects.filter(object_type="checks.check", object_id=body["check_id"])
    assert reads.count() == 2  # the check and the re-read by its own department


def test_feedback_and_rates_per_implementing_department(client, items, tax_officer, court_officer):
    # given: two checks trigger the tax measure; feedback on one of them
    _user, headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    first = _check(client, headers)
    _check(client, headers, case_no="采购-2026-009")
    _check(client, headers, 42)  # no records: triggers nothing
    # when
    given = client.post(
        f"{CHECKS}/{first['check_id']}/feedback",
        {"measure_code": "tax-procurement-limit", "applied": True, "reason": "已限制其投标资格",
         "date": today().isoformat()},
        content_type="application/json",
        **headers,
    )  # fmt: skip
    again = client.post(
        f"{CHECKS}/{first['check_id']}/feedback",
        {"measure_code": "tax-procurement-limit", "applied": False, "reason": "再次"},
        content_type="application/json",
        **headers,
    )
    unknown = client.post(
        f"{CHECKS}/{first['check_id']}/feedback",
        {"measure_code": "other", "applied": False, "reason": "无"},
        content_type="application/json",
        **headers,
    )
    rates = client.get(f"{CHECKS}/feedback-rates", **headers)
    # then
    assert given.status_code == 201, given.content
    assert given.json()["applied"] is True
    assert (again.status_code, again.json()["code"]) == (409, "feedback_already_given")
    assert unknown.json()["code"] == "feedback_measure_unknown"
    assert rates.json()["departments"] == [
        {"department_code": "tax", "department_name": "国家税务总局齐齐哈尔市税务局",
         "triggered": 2, "answered": 1, "rate": 0.5}
    ]  # fmt: skip
    assert CheckFeedback.objects.get().department.code == "tax"
    _court, court_headers = court_officer
    assert client.get(f"{CHECKS}/feedback-rates", **court_headers).json()["departments"] == []
    reviewer = staff_user(Role.REVIEWER, department=credit_office(), username="reviewer-1")
    office_rates = client.get(f"{CHECKS}/feedback-rates", **bearer(reviewer)).json()
    assert [d["department_code"] for d in office_rates["departments"]] == ["tax"]
    provider = staff_user(Role.PROVIDER, username="provider-1")
    assert client.get(f"{CHECKS}/feedback-rates", **bearer(provider)).status_code == 403


def test_small_batch_as_json_is_answered_at_once_with_row_errors(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    numbers = [id_number(1), "230202198005170000", id_number(42)]
    # when
    response = client.post(
        f"{CHECKS}/batch",
        {"id_numbers": numbers, "matter": PROCUREMENT, "case_no": "批-1", "purpose": "资格审查"},
        content_type="application/json",
        **headers,
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed"
    assert [(r["row"], r["outcome"], r["error_code"], r["measures"]) for r in body["rows"]] == [
        (1, "checked", "", ["tax-procurement-limit"]),
        (2, "invalid", "id_checksum", []),
        (3, "no_records", "", []),
    ]
    assert body["counts"]["invalid"] == 1
    assert id_number(1) not in response.content.decode()
    events = AuditEvent.objects.filter(object_type="checks.batch")
    assert events.count() == 1
    assert events.get().detail["checked"] == 1
    verify = client.post(
        f"{CHECKS}/verify", {"receipt": body["receipt"]}, content_type="application/json"
    )
    assert verify.json()["valid"] is True
    result = client.get(f"{CHECKS}/batch/{body['batch_id']}/result", **headers)
    assert result.status_code == 200
    lines = result.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("行号,证件号码（脱敏）,结果")
    assert lines[2].startswith("2,")
    assert AuditEvent.objects.filter(action="export", object_type="checks.batch").count() == 1


@pytest.mark.parametrize("path", ["/batch/upload", "/batch"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_batch_file_reports_invalid_numbers_by_file_row(client, items, tax_officer, kind, path):
    # given
    _user, headers = tax_officer
    numbers = [id_number(1), "not-a-number", id_number(2)]
    if kind == "csv":
        content = ("姓名,身份证号码\r\n" + "".join(f"某,{n}\r\n" for n in numbers)).encode(
            "gb18030"
        )
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["身份证号码"])
        for number in numbers:
            sheet.append([number])
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    upload = io.BytesIO(content)
    upload.name = f"名单.{kind}"
    # when
    response = client.post(
        f"{CHECKS}{path}",
        {"file": upload, "matter": PROCUREMENT, "case_no": "批-2", "purpose": "资格审查"},
        **headers,
    )
    # then
    assert response.status_code == 200, response.content
    assert [(r["row"], r["outcome"]) for r in response.json()["rows"]] == [
        (2, "no_records"),
        (3, "invalid"),
        (4, "no_records"),
    ]


def test_batch_file_without_an_id_column_is_refused(client, items, tax_officer):
    _user, headers = tax_officer
    upload = io.BytesIO("姓名,电话\r\n张三,123\r\n".encode())
    upload.name = "x.csv"
    response = client.post(
        f"{CHECKS}/batch",
        {"file": upload, "matter": PROCUREMENT, "case_no": "批-3", "purpose": "资格审查"},
        **headers,
    )
    assert (response.status_code, response.json()["code"]) == (422, "batch_id_column_missing")


@pytest.mark.parametrize("path", ["/batch/upload", "/batch"])
def test_a_batch_file_from_someone_who_may_not_check_is_refused_unread(client, items, path):
    # given
    headers = bearer(staff_user(Role.PROVIDER, username="provider-tax"))
    upload = io.BytesIO(b"\x00 not a file")
    upload.name = "x.csv"

    # when
    response = client.post(
        f"{CHECKS}{path}",
        {"file": upload, "matter": PROCUREMENT, "case_no": "批-4", "purpose": "资格审查"},
        **headers,
    )

    # then
    assert (response.status_code, response.json()["code"]) == (403, "check_role_required")
    assert not BatchCheck.objects.exists()
