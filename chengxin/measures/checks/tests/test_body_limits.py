"""Body limits of the checks routes: a batch of 100,000 numbers fits, the other routes keep the
default limit, and a larger body is a 413 that names the limit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from chengxin.core import error_codes
from chengxin.identity.synthetic import synthetic_id_number
from chengxin.measures.checks.models import BatchCheck
from chengxin.measures.checks.tests.factories import CHECKS, PROCUREMENT

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DJANGO_DEFAULT_LIMIT = 2_621_440
BATCH_LIMIT = 100_000 * 32 + 64 * 1024


def _numbers(count: int) -> list[str]:
    return [
        synthetic_id_number(
            region_code="230202",
            birth_date=date(1960, 1, 1) + timedelta(days=number // 500),
            sequence=2 * (number % 500) + 1,
        )
        for number in range(count)
    ]


def _batch_body(numbers: list[str], **json_options) -> bytes:
    body = {"id_numbers": numbers, "matter": PROCUREMENT, "case_no": "批-1", "purpose": "资格审查"}
    return json.dumps(body, **json_options).encode()


def test_a_batch_of_a_hundred_thousand_numbers_is_accepted(client, items, tax_officer):
    # given: as a client that pretty-prints its JSON would send it
    _user, headers = tax_officer
    body = _batch_body(_numbers(100_000), indent=4)

    # when
    response = client.generic(
        "POST", f"{CHECKS}/batch", body, content_type="application/json", **headers
    )

    # then
    assert DJANGO_DEFAULT_LIMIT < len(body) <= BATCH_LIMIT
    assert response.status_code == 202
    assert BatchCheck.objects.get().total == 100_000


def test_a_batch_body_over_the_limit_is_a_413(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    body = _batch_body(_numbers(100_000), indent=16)

    # when
    response = client.generic(
        "POST", f"{CHECKS}/batch", body, content_type="application/json", **headers
    )

    # then
    assert len(body) > BATCH_LIMIT
    assert (response.status_code, response["Content-Type"]) == (413, PROBLEM)
    assert (response.json()["code"], response.json()["limit_bytes"]) == (
        error_codes.REQUEST_TOO_LARGE,
        BATCH_LIMIT,
    )
    assert BatchCheck.objects.count() == 0


def test_a_single_check_keeps_the_default_limit(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    body = json.dumps({"id_number": "x" * DJANGO_DEFAULT_LIMIT, "matter": PROCUREMENT}).encode()

    # when
    response = client.generic("POST", CHECKS, body, content_type="application/json", **headers)

    # then
    assert response.status_code == 413
    assert response.json()["title"] == (
        "请求内容过大：此处一次最多接受 2.5 MiB（2,621,440 字节），请拆分后分批发送。"
    )
