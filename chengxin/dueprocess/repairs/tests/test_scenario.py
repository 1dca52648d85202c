"""Scenario through HTTP (issue 11, "What it must show"): a serious record triggers a measure
and puts the person on the serious dishonesty list → the person applies for repair on the
portal → the deciding department approves through the API → the next check finds no measure
for that record and the person is off the lists; the record stays in the person's own pages."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import confirmed_citizen, staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.tests.factories import bearer, png
from chengxin.inquiry.tests.factories import load_purposes
from chengxin.measures.selectors import serious_dishonesty_list
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, submit, tax_measure

pytestmark = pytest.mark.django_db
PERSON = 1
QUERY = {"purpose": "administrative_licensing", "case_no": "齐许〔2026〕88号"}
CHECK = {"matter": "public_procurement", "case_no": "采购-2026-001", "purpose": "供应商资格审查"}


@pytest.fixture
def world():
    list_items()
    tax_measure()
    load_purposes()
    # a serious record decided 400 days ago: past its 12 months, still disclosed (36 months)
    record = submit(
        TAX_SERIOUS,
        source_id="T-1",
        decided_on=timezone.localdate() - datetime.timedelta(days=400),
        sequence=PERSON,
    )
    citizen = Client()
    citizen.force_login(confirmed_citizen(id_number(PERSON), username="citizen-a"))
    return {
        "record": record,
        "citizen": citizen,
        "provider": bearer(staff_user(Role.PROVIDER, username="provider-tax")),
        "officer": bearer(staff_user(Role.OFFICER, username="officer-tax")),
    }


def check(client: Client, officer: dict) -> dict:
    response = client.post(
        "/api/v1/checks",
        {"id_number": id_number(PERSON), **CHECK},
        content_type="application/json",
        **officer,
    )
    assert response.status_code == 200
    return response.json()["answer"]


def queried_records(client: Client, officer: dict) -> list[int]:
    response = client.post(
        "/api/v1/profiles",
        {"id_number": id_number(PERSON), **QUERY},
        content_type="application/json",
        **officer,
    )
    assert response.status_code == 200
    return [row["record_id"] for row in response.json()["records"]]


def triggering_records(answer: dict) -> set[int]:
    found = set()
    for measure in answer["measures"]:
        for trigger in measure.get("records", []) or measure.get("triggered_by", []):
            found.add(trigger.get("record_id"))
    return found


def apply_on_the_portal(world) -> int:
    picture = png()
    upload = io.BytesIO(picture.data)
    upload.name = "完税证明.png"
    response = world["citizen"].post(
        f"/my/records/{world['record'].pk}/repair/",
        {
            "text": "税款、滞纳金和罚款已全部缴清。",
            "attachments": [upload],
            "commitment_version": current_template().version,
            "commitment_accepted": "on",
        },
    )
    repair = Repair.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/my/repairs/{repair.pk}/")
    return repair.pk


def test_repair_approved_then_no_measure_and_off_the_lists(client, world):
    # given: the record puts the person on the list and triggers a measure
    record = world["record"]
    before = check(client, world["officer"])
    assert before["measures"], before
    assert before["lists"], before
    assert record.subject_index in serious_dishonesty_list()
    assert queried_records(client, world["officer"]) == [record.pk]

    # when: the person applies on the portal, the department approves through the API
    repair_id = apply_on_the_portal(world)
    decided = client.post(
        f"/api/v1/repairs/{repair_id}/decision",
        {"outcome": "approved", "reasons": "已纠正失信行为，准予修复。"},
        content_type="application/json",
        **world["provider"],
    )

    # then: the next check finds no measure and no list, and the lists no longer hold the person
    assert decided.status_code == 200
    after = check(client, world["officer"])
    assert after["measures"] == []
    assert after["lists"] == []
    assert record.pk not in triggering_records(after)
    assert record.subject_index not in serious_dishonesty_list()
    assert queried_records(client, world["officer"]) == []
    # the person still sees the record, repaired, with its dates
    page = world["citizen"].get(f"/my/repairs/{repair_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "准予修复" in text and "已修复" in text and "本服务免费" in text
