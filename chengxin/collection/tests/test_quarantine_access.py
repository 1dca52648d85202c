"""Who reads rejected rows in clear: only the providers of the submitting department (audited);
officers of that department and the credit office see the identity masked and no other value."""

import io

import pytest
from openpyxl import load_workbook

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.tests.factories import ITEM_CODE, bearer, id_number, row
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SUBMISSIONS = "/api/v1/submissions"
MASKED_NUMBER = id_number(1)[:6] + "********" + id_number(1)[-4:]


def _rejected_submission(client, headers) -> int:
    body = {"catalog_item": ITEM_CODE, "operation": "upsert", "records": [row("S-1", authority="")]}
    answer = client.post(
        SUBMISSIONS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1", **headers
    ).json()
    return answer["submission_id"]


def _reader(kind: str):
    if kind == "officer_same":
        return staff_user(Role.OFFICER)
    return staff_user(Role.REVIEWER)


def test_the_submitting_departments_provider_reads_the_rejected_row_in_clear(client, tax_provider):
    # given
    user, headers = tax_provider
    submission_id = _rejected_submission(client, headers)
    # when
    response = client.get(f"{SUBMISSIONS}/{submission_id}/errors", **headers)
    # then
    values = response.json()["rows"][0]["values"]
    assert (values["id_number"], values["name"], values["document_no"]) == (
        id_number(1),
        "王小明",
        "齐税罚〔2026〕1号",
    )
    event = AuditEvent.objects.get(action="export")
    assert (event.actor_id, event.detail) == (
        user.pk,
        {"rejected_rows": 1, "format": "json", "values": "clear"},
    )


@pytest.mark.parametrize("kind", ["officer_same", "reviewer"])
def test_others_who_see_the_submission_get_the_identity_masked_and_no_other_value(
    client, tax_provider, kind
):
    # given
    _user, provider_headers = tax_provider
    submission_id = _rejected_submission(client, provider_headers)
    reader = _reader(kind)
    # when
    response = client.get(f"{SUBMISSIONS}/{submission_id}/errors", **bearer(reader))
    # then
    rejected = response.json()["rows"][0]
    assert rejected["values"] == {"id_number": MASKED_NUMBER, "name": "王**"}
    assert [error["field"] for error in rejected["errors"]] == ["authority"]
    event = AuditEvent.objects.get(action="export")
    assert (event.actor_id, event.detail) == (
        reader.pk,
        {"rejected_rows": 1, "format": "json", "values": "masked"},
    )


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["officer_same", "reviewer"])
def test_others_download_the_rejected_rows_without_the_number_or_the_name(
    client, tax_provider, kind, export_format
):
    # given
    _user, provider_headers = tax_provider
    submission_id = _rejected_submission(client, provider_headers)
    headers = bearer(_reader(kind))
    # when
    response = client.get(f"{SUBMISSIONS}/{submission_id}/errors?format={export_format}", **headers)
    # then
    if export_format == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(str(cell) for line in sheet.iter_rows(values_only=True) for cell in line)
    assert response.status_code == 200
    assert (id_number(1) in text, "王小明" in text, MASKED_NUMBER in text) == (False, False, True)


def test_the_staff_download_masks_the_rows_for_an_officer(client, tax_provider):
    # given
    _user, provider_headers = tax_provider
    submission_id = _rejected_submission(client, provider_headers)
    sign_in_verified(client, staff_user(Role.OFFICER))
    # when
    response = client.get(f"/staff/collection/submissions/{submission_id}/errors.csv")
    # then
    text = response.content.decode("utf-8-sig")
    assert (id_number(1) in text, "王小明" in text) == (False, False)
