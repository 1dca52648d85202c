"""Body limits of the collection routes: the documented 10,000 rows fit, more is a 413 that names
the limit, and one over-long field is that row's error, not the request's."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.limits import submission_body_max_bytes
from chengxin.collection.models import Submission
from chengxin.collection.tests.factories import ITEM_CODE, row
from chengxin.core import error_codes
from chengxin.identity.synthetic import synthetic_id_number

pytestmark = pytest.mark.django_db

SUBMISSIONS = "/api/v1/submissions"
PROBLEM = "application/problem+json"
DJANGO_DEFAULT_LIMIT = 2_621_440


def _person(number: int) -> str:
    """One of 10,000+ distinct valid numbers: 500 sequences on each of many birth dates."""
    birth_date = date(1970, 1, 1) + timedelta(days=number // 500)
    return synthetic_id_number(
        region_code="230202", birth_date=birth_date, sequence=2 * (number % 500) + 1
    )


def _rows(count: int) -> list[dict]:
    return [
        row(
            f"S-{number}",
            id_number=_person(number),
            authority="国家税务总局齐齐哈尔市龙沙区税务局第一税务分局",
            document_no=f"齐龙税一罚〔2026〕{number}号",
        )
        for number in range(count)
    ]


def _body(records: list[dict]) -> bytes:
    return json.dumps({"catalog_item": ITEM_CODE, "records": records}).encode()


def _post(client, headers, body: bytes, **extra):
    return client.generic(
        "POST",
        SUBMISSIONS,
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="key-1",
        **headers,
        **extra,
    )


def test_the_documented_ten_thousand_rows_are_accepted(client, tax_provider):
    # given
    _user, headers = tax_provider
    body = _body(_rows(10_000))
    assert len(body) > DJANGO_DEFAULT_LIMIT

    # when
    response = _post(client, headers, body)

    # then
    assert response.status_code == 200
    answer = response.json()
    assert (answer["received"], answer["accepted"], answer["rejected"]) == (10_000, 10_000, 0)


def test_the_default_limit_holds_ten_thousand_rows_of_eight_kib():
    # when
    limit = submission_body_max_bytes()

    # then
    assert limit == 10_000 * 8 * 1024 + 64 * 1024


def test_a_body_over_the_limit_is_a_413_that_names_the_limit(client, tax_provider, settings):
    # given
    settings.CHENGXIN_SUBMISSION_ROW_MAX_BYTES = 100
    _user, headers = tax_provider
    body = _body(_rows(4_000))

    # when
    response = _post(client, headers, body)

    # then
    assert len(body) > 1_065_536
    assert (response.status_code, response["Content-Type"]) == (413, PROBLEM)
    problem = response.json()
    assert problem["code"] == error_codes.REQUEST_TOO_LARGE
    assert problem["limit_bytes"] == 1_065_536
    assert problem["title"] == (
        "请求内容过大：此处一次最多接受 1.0 MiB（1,065,536 字节），请拆分后分批发送。"
    )
    assert Submission.objects.count() == 0


def test_one_over_long_field_is_the_error_of_its_row(client, tax_provider):
    # given
    _user, headers = tax_provider
    records = _rows(3)
    records[1]["name"] = "王" * (3 * 1024 * 1024)

    # when
    response = _post(client, headers, _body(records))

    # then
    assert response.status_code == 200
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (2, 1)
    assert [(e["row"], e["field"], e["code"]) for e in answer["errors"]] == [
        (2, "name", row_error_codes.FIELD_MAX_LENGTH)
    ]


def test_a_chunked_body_without_length_is_counted(client, tax_provider, settings):
    # given
    settings.CHENGXIN_SUBMISSION_ROW_MAX_BYTES = 100
    _user, headers = tax_provider
    small, large = _body(_rows(2)), _body(_rows(4_000))

    # when
    accepted = _post(client, headers, b"", **_chunked(small))
    refused = _post(client, headers, b"", **_chunked(large))

    # then
    assert accepted.status_code == 200
    assert accepted.json()["accepted"] == 2
    assert (refused.status_code, refused.json()["limit_bytes"]) == (413, 1_065_536)


def _chunked(body: bytes) -> dict[str, object]:
    """What a WSGI server hands on for a chunked request: no length, a stream that ends."""
    return {
        "CONTENT_LENGTH": "",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
    }


def test_an_upload_over_the_limit_on_the_staff_page_is_a_page_naming_the_limit(
    client, tax_provider, settings
):
    # given
    settings.CHENGXIN_UPLOAD_MAX_BYTES = 1024 * 1024
    user, _headers = tax_provider
    sign_in_verified(client, user)
    upload = SimpleUploadedFile("处罚.csv", b"x" * (1200 * 1024), content_type="text/csv")

    # when
    response = client.post(
        reverse("collection:upload"), {"catalog_item": ITEM_CODE, "file": upload}
    )

    # then
    page = response.content.decode()
    assert response.status_code == 413
    assert "<h1>提交的内容过大</h1>" in page
    assert "此处一次最多接受 1.0 MiB（1,114,112 字节）" in page
    assert 'class="site-header staff-header"' in page
    assert Submission.objects.count() == 0


def test_an_api_upload_within_the_file_limit_is_not_refused_by_the_body_limit(client, tax_provider):
    # given: a file larger than Django's default body limit, far below the upload limit
    _user, headers = tax_provider
    lines = ["source_id,id_number,name,decided_on,authority,document_no,case_no"]
    lines += [
        f"S-{n},{_person(n)},王小明,2026-03-01,国家税务总局齐齐哈尔市税务局,齐税罚〔2026〕{n}号,案-{n}"
        for n in range(30_000)
    ]
    content = ("\r\n".join(lines) + "\r\n").encode()
    upload = SimpleUploadedFile("处罚.csv", content, content_type="text/csv")

    # when
    response = client.post(
        "/api/v1/submissions/upload", {"catalog_item": ITEM_CODE, "file": upload}, **headers
    )

    # then
    assert len(content) > DJANGO_DEFAULT_LIMIT
    assert response.status_code == 202
