"""What a check keeps of the officer's words, and what its answer hands out.

Case numbers, purposes, reasons and file names are stored, signed into receipts and written to the
audit log: an ID number in them is refused with a 422 naming the field (it used to reach the
audit guard and answer an HTML 500), and so is a value over its documented limit (it used to be
cut or kept whole). The answer carries the masked number and the platform's own ids, never the
person's blind index; checks stored with it in their request still verify.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.core.audit.models import AuditEvent
from chengxin.core.crypto import blind_index
from chengxin.core.errors import DomainError
from chengxin.identity.synthetic import synthetic_id_number
from chengxin.measures import selectors as measures
from chengxin.measures.checks.answers import catalog_fingerprint
from chengxin.measures.checks.batch import batch_create, input_from_list
from chengxin.measures.checks.limits import (
    CASE_NO_MAX_LENGTH,
    FEEDBACK_REASON_MAX_LENGTH,
    FILE_NAME_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
)
from chengxin.measures.checks.models import BatchCheck, Check, CheckFeedback
from chengxin.measures.checks.receipts import receipt_issue
from chengxin.measures.checks.tests.factories import (
    CHECKS,
    PROCUREMENT,
    check_body,
    id_number,
    post_check,
)
from chengxin.measures.tests.factories import TAX_SERIOUS, submit, tax_measure, today

pytestmark = pytest.mark.django_db

# Valid for the platform, though python-stdnum's ``ric.is_valid`` rejects it: the county code
# 230208 is younger than its holder.
COUNTY_RENAMED = synthetic_id_number(
    region_code="230208", birth_date=datetime.date(1970, 1, 1), sequence=1
)
PROBLEM = "application/problem+json"


def _nothing_written() -> bool:
    return not (
        Check.objects.exists()
        or BatchCheck.objects.exists()
        or AuditEvent.objects.filter(object_type__startswith="checks.").exists()
    )


def _batch(client, headers, **fields):
    body = {"id_numbers": [id_number(1)], "matter": PROCUREMENT, "case_no": "批-1"}
    body.update({"purpose": "资格审查", **fields})
    return client.post(f"{CHECKS}/batch", body, content_type="application/json", **headers)


def _feedback(client, headers, check_id, reason):
    return client.post(
        f"{CHECKS}/{check_id}/feedback",
        {"measure_code": "tax-procurement-limit", "applied": True, "reason": reason},
        content_type="application/json",
        **headers,
    )


def _triggering_check(client, headers) -> dict:
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    response = post_check(client, headers, check_body())
    assert response.status_code == 200, response.content
    return response.json()


# --- finding 1: an ID number in a check's words -----------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("case_no", COUNTY_RENAMED),
        ("case_no", f"案号{COUNTY_RENAMED.lower()}"),
        ("purpose", f"核查{COUNTY_RENAMED[:6]} {COUNTY_RENAMED[6:14]} {COUNTY_RENAMED[14:]}的资格"),
    ],
)
def test_an_id_number_in_the_case_number_or_purpose_is_refused_by_name(
    client, items, tax_officer, field, value
):
    # given
    _user, headers = tax_officer

    # when
    response = post_check(client, headers, check_body(**{field: value}))

    # then
    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    body = response.json()
    assert body["code"] == "text_holds_id_number"
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        (field, "text_holds_id_number")
    ]
    assert COUNTY_RENAMED not in response.content.decode()
    assert _nothing_written()


def test_an_id_number_in_the_purpose_of_a_batch_is_refused_by_name(client, items, tax_officer):
    # given
    _user, headers = tax_officer

    # when
    response = _batch(client, headers, purpose=f"核查 {COUNTY_RENAMED}")

    # then
    assert (response.status_code, response.json()["code"]) == (422, "text_holds_id_number")
    assert [error["field"] for error in response.json()["errors"]] == ["purpose"]
    assert _nothing_written()


def test_a_batch_file_named_after_a_person_is_refused(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    upload = io.BytesIO(f"身份证号码\r\n{id_number(1)}\r\n".encode())
    upload.name = f"{COUNTY_RENAMED}.csv"

    # when
    response = client.post(
        f"{CHECKS}/batch",
        {"file": upload, "matter": PROCUREMENT, "case_no": "批-2", "purpose": "资格审查"},
        **headers,
    )

    # then
    assert (response.status_code, response.json()["code"]) == (422, "text_holds_id_number")
    assert [error["field"] for error in response.json()["errors"]] == ["file"]
    assert _nothing_written()


def test_a_feedback_reason_with_an_id_number_is_refused(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    check = _triggering_check(client, headers)

    # when
    response = _feedback(client, headers, check["check_id"], f"已限制{COUNTY_RENAMED}投标")

    # then
    assert (response.status_code, response.json()["code"]) == (422, "text_holds_id_number")
    assert [error["field"] for error in response.json()["errors"]] == ["reason"]
    assert not CheckFeedback.objects.exists()


def test_the_staff_check_form_shows_the_refusal_instead_of_failing(client, items, tax_officer):
    # given
    user, _headers = tax_officer
    sign_in_verified(client, user)

    # when
    response = client.post(
        "/staff/checks/",
        {"id_number": id_number(1), "matter": PROCUREMENT, "purpose": "资格审查",
         "case_no": COUNTY_RENAMED},
    )  # fmt: skip

    # then
    assert response.status_code == 422
    assert "“案件编号”中不能包含身份证号码" in response.content.decode()
    assert _nothing_written()


# --- finding 7: limits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "length"),
    [
        ("case_no", CASE_NO_MAX_LENGTH, CASE_NO_MAX_LENGTH + 1),
        ("purpose", PURPOSE_MAX_LENGTH, PURPOSE_MAX_LENGTH + 1),
        ("purpose", PURPOSE_MAX_LENGTH, 1024 * 1024),
    ],
    ids=["case_no", "purpose", "purpose-1MiB"],
)
def test_an_over_long_case_number_or_purpose_is_refused_with_its_limit(
    client, items, tax_officer, field, limit, length
):
    # given
    _user, headers = tax_officer

    # when
    response = post_check(client, headers, check_body(**{field: "a" * length}))

    # then
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request_invalid"
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        (field, "text_too_long")
    ]
    assert f"不能超过 {limit} 个字符" in body["errors"][0]["message"]
    assert body["errors"][0]["message_en"] == f"At most {limit} characters."
    assert "a" * 16 not in response.content.decode()
    assert _nothing_written()


def test_a_case_number_and_purpose_at_their_limits_are_kept_whole(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    case_no, purpose = "号" * CASE_NO_MAX_LENGTH, "由" * PURPOSE_MAX_LENGTH

    # when
    response = post_check(client, headers, check_body(case_no=case_no, purpose=purpose))

    # then
    assert response.status_code == 200, response.content
    check = Check.objects.get()
    assert (check.case_no, check.purpose) == (case_no, purpose)
    assert (response.json()["request"]["case_no"], response.json()["request"]["purpose"]) == (
        case_no,
        purpose,
    )


def test_an_over_long_batch_case_number_is_refused(client, items, tax_officer):
    # given
    _user, headers = tax_officer

    # when
    response = _batch(client, headers, case_no="号" * (CASE_NO_MAX_LENGTH + 1))

    # then
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("case_no", "text_too_long")
    ]
    assert _nothing_written()


def test_an_over_long_batch_file_name_is_refused(items, tax_officer):
    # given: over HTTP, Django already cuts an uploaded file's name to 255 characters
    user, _headers = tax_officer
    file_name = "名" * (FILE_NAME_MAX_LENGTH - 3) + ".csv"

    # when
    with pytest.raises(DomainError) as refusal:
        batch_create(
            actor=user,
            batch_input=input_from_list([id_number(1)]),
            matter=PROCUREMENT,
            case_no="批-2",
            purpose="资格审查",
            file_name=file_name,
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (422, "text_too_long")
    assert [error["field"] for error in refusal.value.details["errors"]] == ["file"]
    assert _nothing_written()


def test_a_feedback_reason_is_refused_above_its_limit_and_kept_whole_at_it(
    client, items, tax_officer
):
    # given
    _user, headers = tax_officer
    check = _triggering_check(client, headers)

    # when
    too_long = _feedback(
        client, headers, check["check_id"], "理" * (FEEDBACK_REASON_MAX_LENGTH + 1)
    )
    at_limit = _feedback(client, headers, check["check_id"], "理" * FEEDBACK_REASON_MAX_LENGTH)

    # then
    assert (too_long.status_code, too_long.json()["code"]) == (422, "request_invalid")
    error = too_long.json()["errors"][0]
    assert (error["field"], error["code"]) == ("reason", "text_too_long")
    assert f"不能超过 {FEEDBACK_REASON_MAX_LENGTH} 个字符" in error["message"]
    assert at_limit.status_code == 201
    assert CheckFeedback.objects.get().reason == "理" * FEEDBACK_REASON_MAX_LENGTH


def test_the_staff_feedback_form_limits_the_reason(client, items, tax_officer):
    # given
    user, headers = tax_officer
    check = _triggering_check(client, headers)
    sign_in_verified(client, user)
    code = "tax-procurement-limit"

    # when
    response = client.post(
        f"/staff/checks/{check['check_id']}/feedback/",
        {"measure_code": code, f"{code}-measure_code": code, f"{code}-applied": "1",
         f"{code}-reason": "理" * (FEEDBACK_REASON_MAX_LENGTH + 1),
         f"{code}-date": today().isoformat()},
    )  # fmt: skip

    # then
    assert response.status_code == 422
    assert f'maxlength="{FEEDBACK_REASON_MAX_LENGTH}"' in response.content.decode()
    assert not CheckFeedback.objects.exists()


# --- finding 12: no blind index in what leaves the platform -----------------------------------


def test_the_check_answer_carries_the_masked_number_and_no_blind_index(client, items, tax_officer):
    # given
    user, headers = tax_officer
    index = blind_index(id_number(1))

    # when
    created = post_check(client, headers, check_body())
    check_id = created.json()["check_id"]
    read = client.get(f"{CHECKS}/{check_id}", **headers)
    sign_in_verified(client, user)
    download = client.get(f"/staff/checks/{check_id}/receipt.json")
    printed = io.StringIO()
    call_command(
        "check", id_number(1), matter=PROCUREMENT, purpose="资格审查", case_no="采购-1",
        username=user.username, as_json=True, stdout=printed,
    )  # fmt: skip

    # then
    for content in (created.content.decode(), read.content.decode(), download.content.decode()):
        assert index not in content
        assert "subject_index" not in content
    assert index not in printed.getvalue()
    assert set(created.json()["request"]) == {
        "check_id", "id_number_masked", "matter", "case_no", "purpose", "checked_on", "actor",
        "department",
    }  # fmt: skip
    assert created.json()["request"]["id_number_masked"] == "230202********" + id_number(1)[-4:]
    assert Check.objects.get(pk=check_id).subject_index == index


def test_a_new_checks_shown_request_verifies_against_its_receipt(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    body = post_check(client, headers, check_body()).json()

    # when
    outcome = client.post(
        f"{CHECKS}/verify",
        {"receipt": body["receipt"], "answer": body["answer"], "request": body["request"]},
        content_type="application/json",
    ).json()

    # then
    assert (outcome["valid"], outcome["reason"]) == (True, "valid")


def _stored_the_old_way(check: Check) -> dict:
    """Make ``check`` what a check stored before the change is: a request with the blind index,
    signed by its receipt."""
    old_request = {**check.request, "subject_index": check.subject_index}
    receipt = receipt_issue(
        check_id=str(check.pk),
        issued_at=check.created_at,
        request=old_request,
        answer=check.answer,
        rules=measures.rules_version(),
        catalog_version=catalog_fingerprint(),
    )
    Check.objects.filter(pk=check.pk).update(request=old_request, receipt=receipt)
    return old_request


def test_a_check_stored_with_the_blind_index_in_its_request_still_verifies(
    client, items, tax_officer, tmp_path
):
    # given
    user, headers = tax_officer
    created = post_check(client, headers, check_body()).json()
    old_request = _stored_the_old_way(Check.objects.get(pk=created["check_id"]))
    shown = client.get(f"{CHECKS}/{created['check_id']}", **headers).json()

    def verify(request):
        payload = {"receipt": shown["receipt"], "answer": shown["answer"], "request": request}
        return client.post(f"{CHECKS}/verify", payload, content_type="application/json").json()

    # when
    as_shown = verify(shown["request"])
    as_given_before = verify(old_request)
    changed = verify({**shown["request"], "case_no": "采购-2026-999"})
    sign_in_verified(client, user)
    document = tmp_path / "receipt.json"
    document.write_bytes(client.get(f"/staff/checks/{created['check_id']}/receipt.json").content)
    printed = io.StringIO()
    call_command("check", "verify", str(document), stdout=printed)

    # then
    assert "subject_index" not in shown["request"]
    assert (as_shown["valid"], as_shown["reason"]) == (True, "valid")
    assert (as_given_before["valid"], as_given_before["reason"]) == (True, "valid")
    assert (changed["valid"], changed["reason"]) == (False, "request_mismatch")
    assert printed.getvalue().startswith("valid: ")
