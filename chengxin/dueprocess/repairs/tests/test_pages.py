"""The repair pages: the person's (portal, /my/…) and the staff's (/staff/repairs/). Every page
says the service is free; an ineligible record is explained instead of a form; refusals show
beside their field with what was typed kept; another person's record or application is not
found; each department's queue holds its own, overdue first."""

from __future__ import annotations

import io

import pytest

from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import id_number
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.tests.factories import (
    PERSON,
    applied_today,
    pdf,
    people,
    png,
    record,
    repairable_today,
)

pytestmark = pytest.mark.django_db
FREE = "本服务免费"


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    settings.CHENGXIN_REQUIRE_TOTP = False


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def penalty(cast):
    return repairable_today(cast.provider)


def upload(file) -> io.BytesIO:
    stream = io.BytesIO(file.data)
    stream.name = file.name
    return stream


def apply_path(credit_record) -> str:
    return f"/my/records/{credit_record.pk}/repair/"


def application(**overrides):
    body = {
        "text": "罚款已缴清。",
        "attachments": [upload(png())],
        "commitment_version": current_template().version,
        "commitment_accepted": "on",
    }
    body.update(overrides)
    return body


# --- The person's pages -------------------------------------------------------------------------


def test_the_form_shows_the_commitment_and_says_it_is_free(client, cast, penalty):
    client.force_login(cast.citizen)

    response = client.get(apply_path(penalty))

    html = response.content.decode()
    assert response.status_code == 200
    assert FREE in html and "信用承诺书" in html
    assert current_template().text.splitlines()[2] in html
    assert 'name="commitment_accepted"' in html


def test_a_record_not_yet_repairable_is_explained_with_its_date_and_no_form(client, cast):
    fresh = record(cast.provider, source_id="R-2", decided_on="2026-11-20", today="2026-11-21")
    client.force_login(cast.citizen)

    response = client.get(apply_path(fresh))

    html = response.content.decode()
    assert response.status_code == 200
    assert "2027-02-20" in html and 'data-code="repair_not_yet_repairable"' in html
    assert 'name="commitment_accepted"' not in html


def test_the_person_applies_and_is_sent_to_the_application(client, cast, penalty):
    client.force_login(cast.citizen)

    response = client.post(apply_path(penalty), application())

    repair = Repair.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/my/repairs/{repair.pk}/")
    detail = client.get(f"/my/repairs/{repair.pk}/").content.decode()
    assert FREE in detail and "待决定" in detail and repair.commitment_sha256 in detail
    listing = client.get("/my/repairs/").content.decode()
    assert FREE in listing and f"/my/repairs/{repair.pk}/" in listing


def test_an_application_without_the_commitment_keeps_what_was_typed(client, cast, penalty):
    client.force_login(cast.citizen)

    response = client.post(
        apply_path(penalty), application(text="已全部缴清罚款。", commitment_accepted="")
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "须阅读并接受信用承诺书" in html and "已全部缴清罚款。" in html
    assert Repair.objects.count() == 0


def test_an_application_without_proof_is_refused_naming_the_field(client, cast, penalty):
    client.force_login(cast.citizen)

    response = client.post(apply_path(penalty), application(attachments=[]))

    assert response.status_code == 422
    assert "证明材料" in response.content.decode()
    assert Repair.objects.count() == 0


def test_another_persons_record_and_application_are_not_found(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)
    client.force_login(cast.citizen_other)

    assert client.get(apply_path(penalty)).status_code == 404
    assert client.post(apply_path(penalty), application()).status_code == 404
    assert client.get(f"/my/repairs/{repair.pk}/").status_code == 404
    assert Repair.objects.count() == 1


# --- The staff's pages --------------------------------------------------------------------------


def test_each_department_sees_its_own_queue_with_the_days_left(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)

    client.force_login(cast.provider)
    own = client.get("/staff/repairs/").content.decode()
    client.force_login(cast.provider_other)
    other = client.get("/staff/repairs/").content.decode()
    client.force_login(cast.officer)
    officer = client.get("/staff/repairs/")

    assert f"/staff/repairs/{repair.pk}/" in own and "剩余 3 个工作日" in own and FREE in own
    assert f"/staff/repairs/{repair.pk}/" not in other
    assert officer.status_code == 403


def test_overdue_applications_come_first(client, cast, penalty):
    later = applied_today(cast.citizen, penalty)
    second = repairable_today(cast.provider, source_id="R-3")
    overdue = applied_today(cast.citizen, second)
    Repair.objects.filter(pk=overdue.pk).update(deadline="2026-01-05")
    client.force_login(cast.reviewer)

    html = client.get("/staff/repairs/").content.decode()
    only_overdue = client.get("/staff/repairs/?overdue=on").content.decode()

    assert html.index(f"/staff/repairs/{overdue.pk}/") < html.index(f"/staff/repairs/{later.pk}/")
    assert f"/staff/repairs/{later.pk}/" not in only_overdue


def test_the_case_page_shows_the_record_versions_proof_commitment_and_the_form(
    client, cast, penalty
):
    repair = applied_today(cast.citizen, penalty)
    client.force_login(cast.provider)

    html = client.get(f"/staff/repairs/{repair.pk}/").content.decode()

    assert "记录版本" in html and "收据.png" in html and current_template().text[:5] in html
    assert f'action="/staff/repairs/{repair.pk}/decide/"' in html and FREE in html


def test_the_department_approves_on_the_case_page(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)
    client.force_login(cast.provider)

    response = client.post(f"/staff/repairs/{repair.pk}/decide/", {"outcome": "approved"})

    assert (response.status_code, response["Location"]) == (302, f"/staff/repairs/{repair.pk}/")
    assert CreditRecord.objects.get(pk=penalty.pk).status == RecordStatus.REPAIRED
    html = client.get(f"/staff/repairs/{repair.pk}/").content.decode()
    assert f'action="/staff/repairs/{repair.pk}/decide/"' not in html


def test_a_rejection_without_reasons_keeps_the_form(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)
    client.force_login(cast.provider)

    response = client.post(f"/staff/repairs/{repair.pk}/decide/", {"outcome": "rejected"})

    assert response.status_code == 422
    assert "决定理由" in response.content.decode()
    assert Repair.objects.get(pk=repair.pk).status == "applied"


def test_another_department_does_not_find_the_case(client, cast, penalty):
    repair = applied_today(cast.citizen, penalty)
    client.force_login(cast.provider_other)

    assert client.get(f"/staff/repairs/{repair.pk}/").status_code == 404
    response = client.post(f"/staff/repairs/{repair.pk}/decide/", {"outcome": "approved"})
    assert response.status_code == 404
    assert Repair.objects.get(pk=repair.pk).status == "applied"


def test_the_reviewer_applies_at_the_counter(client, cast, penalty):
    client.force_login(cast.reviewer)
    assert client.get("/staff/repairs/new/").status_code == 200

    response = client.post(
        "/staff/repairs/new/",
        {
            **application(),
            "id_number": id_number(PERSON),
            "record_id": penalty.pk,
            "power_of_attorney": upload(pdf()),
        },
    )

    repair = Repair.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/staff/repairs/{repair.pk}/")
    assert repair.channel == "counter"


def test_a_flood_of_applications_is_refused_with_retry_after(client, cast, penalty, settings):
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "repair_applying": "2/1h",
    }
    client.force_login(cast.citizen)

    statuses = [client.post(apply_path(penalty), {"text": ""}).status_code for _ in range(3)]
    refused = client.post(apply_path(penalty), application())

    assert statuses == [422, 422, 429]
    assert (refused.status_code, "Retry-After" in refused) == (429, True)
    assert "您提交信用修复申请过于频繁" in refused.content.decode()
    assert Repair.objects.count() == 0


def test_the_persons_list_shows_only_their_own_applications(client, cast, penalty):
    mine = applied_today(cast.citizen, penalty)
    theirs = applied_today(
        cast.citizen_other, repairable_today(cast.provider, source_id="R-9", sequence=2)
    )
    client.force_login(cast.citizen)

    html = client.get("/my/repairs/").content.decode()

    assert f"/my/repairs/{mine.pk}/" in html and f"/my/repairs/{theirs.pk}/" not in html
