"""Scenario through HTTP (issue 11, "What it must show"): the person opts out of a
good-conduct record on the portal → it is out of the red list, the check answer, the officer's
query and the report to the department → the person reinstates it → it is back in each."""

from __future__ import annotations

import pytest
from django.test import Client

from chengxin.collection.tests.factories import id_number
from chengxin.core.crypto import blind_index
from chengxin.dueprocess.myfile.tests.factories import cast, honour
from chengxin.dueprocess.objections.tests.factories import bearer
from chengxin.inquiry.tests.factories import load_purposes
from chengxin.measures.selectors import red_list

pytestmark = pytest.mark.django_db
PERSON = 1
CHECK = {"matter": "honour", "case_no": "评优-2026-001", "purpose": "文明市民评选"}
QUERY = {"purpose": "honour_review", "case_no": "评优-2026-001"}


@pytest.fixture
def world():
    load_purposes()
    people = cast()
    record = honour(people.provider, sequence=PERSON)
    citizen = Client()
    citizen.force_login(people.citizen)
    return {
        "record": record,
        "citizen": citizen,
        "officer": bearer(people.officer),
        "people": people,
    }


def what_others_see(client: Client, officer: dict) -> dict:
    person = {"id_number": id_number(PERSON)}

    def post(path: str, body: dict) -> dict:
        response = client.post(path, body, content_type="application/json", **officer)
        assert response.status_code == 200, response.content
        return response.json()

    check = post("/api/v1/checks", {**person, **CHECK})["answer"]
    profile = post("/api/v1/profiles", {**person, **QUERY})
    report = post("/api/v1/reports", {**person, **QUERY})["content"]
    return {
        "check": sorted(
            record["record_id"]
            for membership in check["lists"]
            if membership["kind"] == "red_list"
            for record in membership["records"]
        ),
        "profile": sorted(record["record_id"] for record in profile["records"]),
        "report": sorted(
            entry["record_id"] for entries in report["sections"].values() for entry in entries
        ),
        "red_list": blind_index(id_number(PERSON)) in red_list(),
    }


def test_opt_out_takes_the_record_out_and_reinstating_brings_it_back(client, world):
    # given
    record_id = world["record"].pk
    listed = {"check": [record_id], "profile": [record_id], "report": [record_id], "red_list": True}
    assert what_others_see(client, world["officer"]) == listed

    # when: the person opts out on the portal
    response = world["citizen"].post(f"/my/records/{record_id}/withdraw/")

    # then: out of every answer to others, still in the person's own file
    assert (response.status_code, response["Location"]) == (302, f"/my/records/{record_id}/")
    gone = {"check": [], "profile": [], "report": [], "red_list": False}
    assert what_others_see(client, world["officer"]) == gone
    own = world["citizen"].get("/my/")
    assert f"/my/records/{record_id}/" in own.content.decode()
    assert "已退出" in own.content.decode()

    # when: the person reinstates it
    world["citizen"].post(f"/my/records/{record_id}/reinstate/")

    # then: back in each
    assert what_others_see(client, world["officer"]) == listed


def test_staff_cannot_opt_out_for_the_person(client, world):
    # given
    provider = Client()
    provider.force_login(world["people"].provider)
    other = Client()
    other.force_login(world["people"].citizen_other)
    record_id = world["record"].pk
    # when
    refused = [
        provider.post(f"/my/records/{record_id}/withdraw/").status_code,
        other.post(f"/my/records/{record_id}/withdraw/").status_code,
    ]
    # then
    assert refused == [403, 404]
    assert what_others_see(client, world["officer"])["red_list"] is True
