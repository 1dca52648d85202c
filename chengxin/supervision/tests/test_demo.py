"""The demo's supervision registers, made through the services on the shipped reference data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chengxin.accounts.demo import demo_accounts_ensure
from chengxin.accounts.models import ApiToken
from chengxin.collection.models import CreditRecord
from chengxin.supervision.demo import demo_supervision_ensure
from chengxin.supervision.models import BlacklistListing, CreditAgency, DataHandler, Inspection
from chengxin.supervision.selectors import public_blacklist
from chengxin.supervision.services import RESPONSIBLE_ITEM

pytestmark = pytest.mark.django_db


def test_the_demo_has_agencies_a_handler_an_inspection_and_one_listing():
    # given
    call_command("seed", verbosity=0, stdout=io.StringIO())
    demo_accounts_ensure(stdout=io.StringIO())
    # when
    demo_supervision_ensure(stdout=io.StringIO())
    demo_supervision_ensure(stdout=io.StringIO())
    # then
    assert CreditAgency.objects.count() == 3
    assert DataHandler.objects.count() == 1
    assert Inspection.objects.count() == 2
    assert BlacklistListing.objects.count() == 1
    assert [row.name for row in public_blacklist()] == ["卜奎数据征信有限公司"]
    assert CreditRecord.objects.filter(item__code=RESPONSIBLE_ITEM).count() == 1
    assert ApiToken.objects.filter(agency_link__isnull=False, revoked_at__isnull=True).count() == 1


def test_the_daily_command_delists_nothing_before_the_end():
    # given
    out = io.StringIO()
    # when
    call_command("supervision", "delist-expired", stdout=out)
    # then
    assert out.getvalue() == "期满移出 0 家机构。Delisted 0 agencies.\n"


def test_the_demo_citizen_has_a_consent_a_revoked_one_and_two_agency_queries():
    # given
    from chengxin.collection.demo_citizen import demo_citizen_ensure
    from chengxin.inquiry.models import Consent
    from chengxin.supervision.demo_consents import demo_consents_ensure
    from chengxin.supervision.models import AgencyQuery

    call_command("seed", verbosity=0, stdout=io.StringIO())
    demo_accounts_ensure(stdout=io.StringIO())
    demo_citizen_ensure(stdout=io.StringIO())
    demo_supervision_ensure(stdout=io.StringIO())
    # when
    demo_consents_ensure(stdout=io.StringIO())
    demo_consents_ensure(stdout=io.StringIO())
    # then
    revoked = [consent.revoked_at is not None for consent in Consent.objects.order_by("pk")]
    assert revoked == [False, True]
    assert list(AgencyQuery.objects.order_by("pk").values_list("refusal", flat=True)) == [
        "",
        "agency_item_not_disclosable",
    ]
