"""The table of per-route body limits names routes that exist, and other routes keep the default."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import resolve

from chengxin.config.middleware import ROUTE_BODY_LIMITS, body_limit
from chengxin.core.request_limits import mebibytes

pytestmark = pytest.mark.django_db


_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?[A-Za-z_]+>")
_SAMPLES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}


def _sample_path(route: str) -> str:
    """A path the route matches: its parameters filled with a value of their converter."""
    return "/" + _PARAMETER.sub(lambda match: _SAMPLES.get(match["converter"], "x"), route)


@pytest.mark.parametrize("route", sorted(ROUTE_BODY_LIMITS))
def test_every_route_with_a_limit_of_its_own_exists(route):
    # when
    match = resolve(_sample_path(route))

    # then
    assert match.route == route


@pytest.mark.parametrize(
    ("path", "content_type", "expected"),
    [
        ("/api/v1/submissions", "application/json", 10_000 * 8192 + 65_536),
        ("/api/v1/submissions/upload", "multipart/form-data", 50 * 1024 * 1024 + 65_536),
        ("/api/v1/checks/batch", "application/json", 100_000 * 32 + 65_536),
        ("/api/v1/checks/batch", "multipart/form-data", 50 * 1024 * 1024 + 65_536),
        ("/staff/collection/submissions/upload/", "multipart/form-data", 52_494_336),
        ("/staff/checks/batch/", "multipart/form-data", 52_494_336),
        # Objections with their files: 5 of at most 10 MiB each, and the form around them.
        ("/api/v1/objections", "multipart/form-data", 5 * 10 * 1024 * 1024 + 65_536),
        ("/staff/objections/new/", "multipart/form-data", 5 * 10 * 1024 * 1024 + 65_536),
        ("/my/records/7/object/", "multipart/form-data", 5 * 10 * 1024 * 1024 + 65_536),
        # Repair applications with their proof: the same.
        ("/api/v1/repairs", "multipart/form-data", 5 * 10 * 1024 * 1024 + 65_536),
        ("/staff/repairs/new/", "multipart/form-data", 5 * 10 * 1024 * 1024 + 65_536),
        ("/my/records/7/repair/", "multipart/form-data", 5 * 10 * 1024 * 1024 + 65_536),
        ("/api/v1/checks", "application/json", 2_621_440),
        ("/staff/accounts/login/", "application/x-www-form-urlencoded", 2_621_440),
        ("/no/such/page/", "application/json", 2_621_440),
    ],
)
def test_the_body_limit_of_each_route(path, content_type, expected):
    # given
    request = RequestFactory().post(path, b"{}", content_type=content_type)

    # when
    limit = body_limit(request)

    # then
    assert limit == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [(52_428_800, "50"), (1_065_536, "1.0"), (81_985_536, "78.1"), (2_621_440, "2.5")],
)
def test_limits_are_named_in_mebibytes_never_rounded_up(size, expected):
    # when
    text = mebibytes(size)

    # then
    assert text == expected
