"""The public blacklist selector: agencies in force within their period, no personal data."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengxin.supervision import selectors, services
from chengxin.supervision.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_public_blacklist_shows_agencies_in_force_only():
    # given
    actor = f.reviewer()
    listed = f.agency(actor, sequence=1, name="在列征信公司")
    delisted = f.agency(actor, sequence=2, name="已移出征信公司")
    f.serious_violation(actor, f.inspection(actor, agency=listed))
    f.serious_violation(actor, f.inspection(actor, agency=delisted))
    services.listing_delist(
        actor=actor, listing=delisted.listings.get(), reason="decision", note="复议撤销。"
    )
    # when
    rows = selectors.public_blacklist(today=f.TODAY)
    later = selectors.public_blacklist(today=datetime.date(2029, 12, 2))
    # then
    assert [dataclasses.asdict(row) for row in rows] == [
        {
            "name": "在列征信公司",
            "uscc": listed.uscc,
            "reason": "违规提供个人信用信息，情节严重。",
            "listed_on": f.TODAY,
            "until": datetime.date(2029, 12, 1),
        }
    ]
    assert later == []


def test_the_public_blacklist_is_one_query():
    # given
    actor = f.reviewer()
    for sequence in range(1, 4):
        agency = f.agency(actor, sequence=sequence, name=f"征信公司{sequence}")
        f.serious_violation(actor, f.inspection(actor, agency=agency))
    # when
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.public_blacklist(today=f.TODAY)
    # then
    assert len(rows) == 3
    assert len(queries) == 1


def test_the_staff_agency_page_is_two_queries():
    # given
    actor = f.reviewer()
    for sequence in range(1, 6):
        f.agency(actor, sequence=sequence, name=f"征信公司{sequence}")
    # when
    with CaptureQueriesContext(connection) as queries:
        page = selectors.agency_page(viewer=actor)
        names = [(agency.name, agency.regulator.name, agency.is_listed) for agency in page]
    # then
    assert len(names) == 5
    assert len(queries) == 2
