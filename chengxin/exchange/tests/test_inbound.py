"""Inbound: the provincial platform submits through the same submission API as any department,
as its own provider with its own items, and what it sends is not pushed back up."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management.base import OutputWrapper

from chengxin.accounts.choices import DepartmentKind, Role
from chengxin.accounts.models import Department
from chengxin.accounts.reference import load_reference_data as load_departments
from chengxin.accounts.tests.factories import staff_user
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.reference import load_reference_data as load_catalog
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import bearer, id_number
from chengxin.exchange.choices import OutboxStatus
from chengxin.exchange.models import OutboxEvent

pytestmark = pytest.mark.django_db
PROVINCE = "provincial-platform"
DEBTORS = "provincial-dishonest-judgment-debtor"


@pytest.fixture
def reference():
    load_departments(stdout=io.StringIO())
    load_catalog(stdout=OutputWrapper(io.StringIO()))


def test_the_provincial_platform_is_a_provider_with_its_own_items_not_pushed_back(reference):
    # when
    province = Department.objects.get(code=PROVINCE)
    items = CatalogItem.objects.filter(departments=province).order_by("code")
    # then
    assert province.kind == DepartmentKind.PLATFORM
    assert [(item.code, item.severity, item.push_upstream, item.lists) for item in items] == [
        (DEBTORS, "serious", False, ["serious_dishonesty", "key_supervision"]),
        ("provincial-serious-dishonesty", "serious", False, ["serious_dishonesty"]),
    ]
    assert items[0].key_field == "malicious_debt_evasion"


def test_the_courts_list_arrives_through_the_submission_api(client, reference):
    # given
    clerk = staff_user(Role.PROVIDER, department=Department.objects.get(code=PROVINCE))
    row = {
        "source_id": "HLJ-2026-0001",
        "id_number": id_number(7),
        "name": "李四",
        "decided_on": "2026-06-01",
        "authority": "哈尔滨市中级人民法院",
        "document_no": "（2026）黑01执123号",
        "case_no": "（2026）黑01执123号",
        "obligation": "支付货款十万元",
        "performance": "全部未履行",
        "dishonest_conduct": "有履行能力而拒不履行生效法律文书确定义务",
    }
    body = {"catalog_item": DEBTORS, "operation": "upsert", "records": [row]}
    # when
    response = client.post(
        "/api/v1/submissions",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="hlj-1",
        **bearer(clerk),
    )
    # then
    assert response.status_code == 200, response.json()
    assert (response.json()["accepted"], response.json()["rejected"]) == (1, 0)
    record = CreditRecord.objects.get(source_id="HLJ-2026-0001")
    assert (record.department.code, record.item.code) == (PROVINCE, DEBTORS)
    assert OutboxEvent.objects.exclude(status=OutboxStatus.LOCAL).count() == 0
