"""The demo citizen's file lets the repair flow be tried: the repairable record offers the
application form, the others say why not."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from chengxin.accounts.models import User
from chengxin.collection.demo_citizen import demo_citizen_ensure
from chengxin.collection.models import CreditRecord
from chengxin.dueprocess.repairs import error_codes
from chengxin.dueprocess.repairs.selectors import repair_refusal

pytestmark = pytest.mark.django_db


def test_the_demo_citizens_repairable_record_can_be_repaired(client):
    # given
    call_command("seed", stdout=io.StringIO())
    today = timezone.localdate()
    demo_citizen_ensure(stdout=io.StringIO(), today=today)
    user = User.objects.get(username="demo-citizen")
    records = {
        record.item.code: record
        for record in CreditRecord.objects.filter(
            subject_index=user.citizen_account.subject_index
        ).select_related("item")
    }

    # when
    refusals = {
        code: getattr(repair_refusal(record, today=today), "code", None)
        for code, record in records.items()
    }
    client.force_login(user)
    page = client.get(f"/my/records/{records['product-quality-penalty'].pk}/repair/")

    # then
    assert refusals == {
        "product-quality-penalty": None,
        "major-tax-violation": error_codes.REPAIR_NOT_YET,
        "food-safety-penalty": error_codes.REPAIR_NOT_YET,
        "outstanding-volunteer": error_codes.REPAIR_NOT_NEGATIVE,
    }
    assert page.status_code == 200
    assert 'name="commitment_accepted"' in page.content.decode()
