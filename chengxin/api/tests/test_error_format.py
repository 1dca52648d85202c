"""Every answer under /api/v1 that is not a success is problem+json with a machine ``code``:
unknown paths, wrong methods, unmatched path converters, bodies that cannot be read, and the
CSRF check of signed-in sessions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection.tests.factories import bearer, id_number, penalty_item, provider
from chengxin.inquiry import error_codes as inquiry_error_codes
from chengxin.inquiry.tests.factories import load_purposes
from chengxin.measures.checks.tests.factories import CHECKS, check_body, officer

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
UPLOAD = "/api/v1/submissions/upload"
REPORTS = "/api/v1/reports"


def _problem(response) -> dict:
    assert response["Content-Type"] == PROBLEM, response.content[:200]
    body = response.json()
    assert body["status"] == response.status_code
    assert body["type"] == f"urn:chengxin:error:{body['code']}"
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/submissions/-1",
        "/api/v1/submissions/abc/errors",
        "/api/v1/no-such-resource",
        "/api/v2/checks",
        "/api/v1/",
    ],
)
def test_an_unknown_path_under_the_api_is_a_problem_404(client, path):
    # when
    response = client.get(path)

    # then
    assert response.status_code == 404
    body = _problem(response)
    assert body["code"] == "not_found"
    assert body["title"] == "接口中没有这个地址。"
    assert path not in response.content.decode()


def test_a_wrong_method_is_a_problem_405_that_names_the_allowed_ones(client):
    # when
    response = client.delete(CHECKS)

    # then
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = _problem(response)
    assert body["code"] == "method_not_allowed"
    assert body["allowed"] == ["POST"]


def test_pages_outside_the_api_keep_their_html_404(client):
    # when
    response = client.get("/no-such-page/")

    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def _post_check(client, content: bytes, content_type: str):
    headers = bearer(officer(username="officer-tax"))
    return client.post(CHECKS, content, content_type=content_type, **headers)


def test_malformed_json_is_named_with_its_line_and_column(client):
    # when
    response = _post_check(client, b'{\n  "id_number": "1",\n  "matter": }', "application/json")

    # then
    assert response.status_code == 400
    body = _problem(response)
    assert body["code"] == "body_invalid_json"
    assert (body["line"], body["column"]) == (3, 13)
    assert body["title"] == "请求内容不是有效的 JSON：第 3 行第 13 列有误。"


def test_a_body_that_is_not_json_at_all_is_named(client):
    # when
    response = _post_check(client, b"<check><id_number>1</id_number></check>", "application/json")

    # then
    assert response.status_code == 400
    assert _problem(response)["code"] == "body_not_json"


def test_a_body_that_is_not_utf8_text_is_named(client):
    # given
    content = '{"id_number": "1", "case_no": "案件"}'.encode("shift_jis")

    # when
    response = _post_check(client, content, "application/json")

    # then
    assert response.status_code == 400
    assert _problem(response)["code"] == "body_not_utf8"


@pytest.mark.parametrize(
    "content_type", ["application/xml", "application/x-www-form-urlencoded", "text/plain"]
)
def test_a_json_operation_refuses_another_content_type_with_415(client, content_type):
    # when
    response = _post_check(client, b"<check/>", content_type)

    # then
    assert response.status_code == 415
    body = _problem(response)
    assert body["code"] == "content_type_unsupported"
    assert body["accepted"] == ["application/json"]


def test_a_json_operation_accepts_json_with_a_charset(client, db):
    # given
    headers = bearer(officer(username="officer-tax"))

    # when
    response = client.post(
        CHECKS,
        b'{"id_number": "1"}',
        content_type="application/json; charset=utf-8",
        **headers,
    )

    # then
    assert response.status_code == 422
    assert _problem(response)["code"] == "request_invalid"


def test_an_upload_sent_as_json_is_refused_with_415_naming_multipart(client):
    # given
    penalty_item()
    headers = bearer(provider())

    # when
    response = client.post(
        UPLOAD, b'{"catalog_item": "tax-penalty"}', "application/json", **headers
    )

    # then
    assert response.status_code == 415
    body = _problem(response)
    assert body["code"] == "content_type_unsupported"
    assert body["accepted"] == ["multipart/form-data"]


def test_a_form_field_that_is_not_utf8_is_named(client):
    # given
    penalty_item()
    headers = bearer(provider())
    boundary = "xyz"
    content = (
        (f'--{boundary}\r\nContent-Disposition: form-data; name="catalog_item"\r\n\r\n').encode()
        + "処罰".encode("shift_jis")
        + (
            f"\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
            "source_id\r\n"
            f"\r\n--{boundary}--\r\n"
        ).encode()
    )

    # when
    response = client.post(
        UPLOAD, content, content_type=f"multipart/form-data; boundary={boundary}", **headers
    )

    # then
    assert response.status_code == 400
    body = _problem(response)
    assert body["code"] == "body_not_utf8"
    assert body["errors"] == [
        {
            "field": "catalog_item",
            "code": "body_not_utf8",
            "message": "该字段不是 UTF-8 编码的文本。",
            "message_en": "The field is not UTF-8 text.",
        }
    ]


def test_a_broken_multipart_body_is_a_problem_400(client):
    # given
    headers = bearer(provider())

    # when
    response = client.post(UPLOAD, b"--nothing", content_type="multipart/form-data", **headers)

    # then
    assert response.status_code == 400
    assert _problem(response)["code"] == "body_invalid_form"


def test_a_batch_check_with_malformed_json_is_named_like_any_other_body(client):
    # given
    headers = bearer(officer(username="officer-tax"))

    # when
    response = client.post(f"{CHECKS}/batch", b'{"id_numbers": [', "application/json", **headers)

    # then
    assert response.status_code == 400
    assert _problem(response)["code"] == "body_invalid_json"


def test_an_anonymous_report_request_is_asked_to_authenticate(db):
    # given
    client = Client(enforce_csrf_checks=True)
    body = {"id_number": id_number(1), "purpose": "administrative_licensing", "case_no": "C-1"}

    # when
    response = client.post(REPORTS, body, content_type="application/json")

    # then
    assert response.status_code == 401
    assert _problem(response)["code"] == "auth_required"


def test_a_signed_in_session_without_a_csrf_token_is_refused_naming_csrf(db):
    # given
    load_purposes()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(Role.CITIZEN, username="wang"))
    body = {"id_number": id_number(1), "self_service": True, "name": "王小明"}

    # when
    response = client.post(REPORTS, body, content_type="application/json")

    # then
    assert response.status_code == 403
    body = _problem(response)
    assert body["code"] == "csrf_failed"
    assert "CSRF" in body["title"]


def test_a_signed_in_session_with_its_csrf_token_passes_the_check(db):
    # given
    load_purposes()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(Role.CITIZEN, username="wang"))
    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token

    # when
    response = client.post(
        REPORTS,
        {"id_number": id_number(1), "self_service": True, "name": "王小明"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    # then
    assert response.status_code == 403
    assert _problem(response)["code"] == inquiry_error_codes.SELF_SERVICE_IDENTITY_NOT_VERIFIED


def test_a_server_error_under_the_api_is_problem_json(client, monkeypatch):
    # given
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("chengxin.accounts.api.capabilities_of", broken)
    headers = bearer(provider())
    client.raise_request_exception = False

    # when
    response = client.get("/api/v1/me", **headers)

    # then
    assert response.status_code == 500
    body = _problem(response)
    assert body["code"] == "server_error"
    assert "database" not in response.content.decode()


def test_an_upload_without_a_file_is_a_request_invalid_problem(client):
    # given
    penalty_item()
    headers = bearer(provider())

    # when
    response = client.post(UPLOAD, {"catalog_item": "tax-penalty"}, **headers)

    # then
    assert response.status_code == 422
    body = _problem(response)
    assert body["code"] == "request_invalid"
    assert [(error["field"], error["code"]) for error in body["errors"]] == [("file", "missing")]


def test_field_errors_name_the_field_without_the_parameter_name(client):
    # given
    headers = bearer(officer(username="officer-tax"))

    # when
    response = client.post(CHECKS, {"matter": 3}, content_type="application/json", **headers)

    # then
    body = _problem(response)
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        ("id_number", "missing"),
        ("matter", "enum"),
        ("case_no", "missing"),
        ("purpose", "missing"),
    ]
    assert body["errors"][0]["message"] == "缺少必填字段。"


def test_a_whole_body_missing_is_named_as_the_body(client):
    # given
    headers = bearer(officer(username="officer-tax"))

    # when
    response = client.post(CHECKS, b"", content_type="application/json", **headers)

    # then
    body = _problem(response)
    assert (response.status_code, body["code"]) == (422, "request_invalid")
    assert [(error["field"], error["code"]) for error in body["errors"]] == [("body", "missing")]


def test_a_too_long_case_number_is_refused_before_anything_is_written(client):
    # given
    headers = bearer(officer(username="officer-tax"))

    # when
    response = client.post(
        CHECKS, check_body(case_no="案" * 101), content_type="application/json", **headers
    )

    # then
    body = _problem(response)
    assert (response.status_code, body["code"]) == (422, "request_invalid")
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        ("case_no", "text_too_long")
    ]
    assert body["errors"][0]["message"] == "不能超过 100 个字符。"
