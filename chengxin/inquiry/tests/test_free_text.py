"""The officer's words in queries and reports: the one ID-number detector and the limits.

The case number used to be searched by a regular expression of its own, which missed numbers
typed full-width or in groups; a long case number was refused as missing, a long purpose code or
name not at all.
"""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.inquiry.limits import CASE_NO_MAX_LENGTH, NAME_MAX_LENGTH, PURPOSE_CODE_MAX_LENGTH
from chengxin.inquiry.models import CreditReport, ProfileQuery
from chengxin.inquiry.tests.factories import CASE_NO, PURPOSE, bearer, tax_officer

pytestmark = pytest.mark.django_db

PROFILES = "/api/v1/profiles"
REPORTS = "/api/v1/reports"
# Valid for the platform, though python-stdnum's ``ric.is_valid`` rejects it.
COUNTY_RENAMED = "230208197001010013"
FULL_WIDTH = "".join(chr(ord(digit) + 0xFEE0) for digit in COUNTY_RENAMED)


def _nothing_written() -> bool:
    return not (
        ProfileQuery.objects.exists()
        or CreditReport.objects.exists()
        or AuditEvent.objects.filter(action="personal_data_read").exists()
    )


@pytest.mark.parametrize(
    "case_no",
    [
        f"齐许〔2026〕{FULL_WIDTH}",
        f"齐许 {COUNTY_RENAMED[:6]} {COUNTY_RENAMED[6:14]} {COUNTY_RENAMED[14:]}",
        f"齐许-{COUNTY_RENAMED[:6]}-{COUNTY_RENAMED[6:14]}-{COUNTY_RENAMED[14:]}",
    ],
    ids=["full-width", "spaced", "hyphenated"],
)
@pytest.mark.parametrize("path", [PROFILES, REPORTS])
def test_a_case_number_holding_an_id_number_in_any_typed_form_is_refused(
    client, file_of_person, path, case_no
):
    # given
    body = {"id_number": file_of_person.id_number, "purpose": PURPOSE, "case_no": case_no}

    # when
    response = client.post(path, body, content_type="application/json", **bearer(tax_officer()))

    # then
    assert (response.status_code, response.json()["code"]) == (422, "text_holds_id_number")
    assert [error["field"] for error in response.json()["errors"]] == ["case_no"]
    assert _nothing_written()


@pytest.mark.parametrize("path", [PROFILES, REPORTS])
def test_an_over_long_case_number_is_refused_with_its_limit(client, file_of_person, path):
    # given
    body = {
        "id_number": file_of_person.id_number,
        "purpose": PURPOSE,
        "case_no": "号" * (CASE_NO_MAX_LENGTH + 1),
    }

    # when
    response = client.post(path, body, content_type="application/json", **bearer(tax_officer()))

    # then
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("case_no", "text_too_long")
    assert f"不能超过 {CASE_NO_MAX_LENGTH} 个字符" in error["message"]
    assert _nothing_written()


def test_a_case_number_at_its_limit_is_kept_whole(client, file_of_person):
    # given
    case_no = "号" * CASE_NO_MAX_LENGTH
    body = {"id_number": file_of_person.id_number, "purpose": PURPOSE, "case_no": case_no}

    # when
    response = client.post(PROFILES, body, content_type="application/json", **bearer(tax_officer()))

    # then
    assert response.status_code == 200
    assert ProfileQuery.objects.get().case_no == case_no


def test_an_over_long_purpose_code_is_refused_with_its_limit(client, file_of_person):
    # given
    body = {
        "id_number": file_of_person.id_number,
        "purpose": "p" * (PURPOSE_CODE_MAX_LENGTH + 1),
        "case_no": CASE_NO,
    }

    # when
    response = client.post(PROFILES, body, content_type="application/json", **bearer(tax_officer()))

    # then
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("purpose", "text_too_long")
    assert _nothing_written()


def test_an_over_long_name_of_a_citizens_own_report_is_refused(client, file_of_person):
    # given
    client.force_login(staff_user(Role.CITIZEN, username="wang"))
    body = {
        "id_number": file_of_person.id_number,
        "self_service": True,
        "name": "名" * (NAME_MAX_LENGTH + 1),
    }

    # when
    response = client.post(REPORTS, body, content_type="application/json")

    # then
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("name", "text_too_long")
    assert not CreditReport.objects.exists()
