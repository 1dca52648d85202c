"""Staff pages of the measures catalog."""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.tests.factories import tax_department
from chengxin.measures.tests.factories import tax_measure

pytestmark = pytest.mark.django_db


def test_staff_see_the_measures_list_and_a_detail(client):
    # given
    tax_measure()
    sign_in_verified(client, staff_user(Role.OFFICER, department=tax_department()))
    # when
    listing = client.get("/staff/measures/")
    detail = client.get("/staff/measures/tax-procurement-limit/")
    # then
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "限制参加政府采购活动" in page
    assert "重点监管对象名单（不依法诚信纳税）" in page
    assert "《中华人民共和国政府采购法》第二十二条" in detail.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/measures/")
    assert response.status_code == 302
