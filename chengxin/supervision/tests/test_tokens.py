"""A blacklisted agency's API tokens are refused from the very next request."""

from __future__ import annotations

import pytest

from chengxin.accounts import error_codes as accounts_codes
from chengxin.accounts.choices import Role
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import staff_user
from chengxin.supervision import services
from chengxin.supervision.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_blacklisted_agency_token_gets_401_on_the_next_request(client):
    # given: an agency whose API client holds a linked token that works
    actor = f.reviewer()
    agency = f.agency(actor)
    token, plaintext = api_token_create(
        user=staff_user(Role.AGENCY, username="agency-api"), name="征信查询", actor=None
    )
    services.agency_token_link(actor=actor, agency=agency, token_prefix=token.prefix)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    assert client.get("/api/v1/me", **headers).status_code == 200
    # when: a serious violation puts the agency on the blacklist
    f.serious_violation(actor, f.inspection(actor, agency=agency))
    # then
    answer = client.get("/api/v1/me", **headers)
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == accounts_codes.TOKEN_REVOKED


def test_another_agency_token_keeps_working(client):
    # given
    actor = f.reviewer()
    listed = f.agency(actor, sequence=1)
    other = f.agency(actor, sequence=2, name="另一家征信公司")
    token, plaintext = api_token_create(
        user=staff_user(Role.AGENCY, username="agency-other"), name="征信查询", actor=None
    )
    services.agency_token_link(actor=actor, agency=other, token_prefix=token.prefix)
    # when
    f.serious_violation(actor, f.inspection(actor, agency=listed))
    # then
    answer = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert answer.status_code == 200


def test_an_unlinked_token_of_the_agency_account_stops_working_too(client):
    # given: the agency's account holds a linked token and a second one nobody linked
    actor = f.reviewer()
    agency = f.agency(actor)
    account = staff_user(Role.AGENCY, username="agency-api")
    linked, _plain = api_token_create(user=account, name="征信查询", actor=None)
    services.agency_token_link(actor=actor, agency=agency, token_prefix=linked.prefix)
    _second, plaintext = api_token_create(user=account, name="备用", actor=None)
    # when
    f.serious_violation(actor, f.inspection(actor, agency=agency))
    # then
    answer = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert answer.status_code == 401
