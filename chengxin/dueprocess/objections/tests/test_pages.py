"""The objection pages: the person's (portal, /my/…) and the staff's (/staff/objections/).
Refusals show on the form beside their field with what was typed kept; another person's record
or objection is not found; the queue costs the same queries for a page of one or of many."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengxin.accounts.choices import CitizenAccountStatus, Role
from chengxin.accounts.models import CitizenAccount
from chengxin.accounts.tests.factories import UserFactory
from chengxin.collection.models import RecordVersion
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.dueprocess.objections.choices import DecisionOutcome, ObjectionStatus
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.selectors import objection_attachments
from chengxin.dueprocess.objections.services import (
    objection_accept,
    objection_decide,
    objection_review_request,
)
from chengxin.dueprocess.objections.tests.factories import (
    PERSON,
    TEXT,
    filed,
    pdf,
    png,
    record,
)

pytestmark = pytest.mark.django_db
QUEUE = "/staff/objections/"


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    settings.CHENGXIN_REQUIRE_TOTP = False


def upload(file) -> io.BytesIO:
    stream = io.BytesIO(file.data)
    stream.name = file.name
    return stream


def form_path(credit_record) -> str:
    return f"/my/records/{credit_record.pk}/object/"


# --- The person's pages -------------------------------------------------------------------------


def test_the_person_opens_the_form_for_their_record(client, cast, penalty):
    # given
    client.force_login(cast.citizen)

    # when
    response = client.get(form_path(penalty))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "税务行政处罚" in html and "提出异议不收取任何费用" in html
    assert 'name="grounds"' in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("citizen_other", 404), ("provider", 403), ("anonymous", 302)],
)
def test_someone_else_cannot_open_the_persons_form(client, cast, penalty, who, status):
    # given
    if who != "anonymous":
        client.force_login(getattr(cast, who))

    # when
    response = client.get(form_path(penalty))

    # then
    assert response.status_code == status


def test_a_citizen_whose_identity_is_not_confirmed_sees_nothing_of_the_file(client, cast):
    # given: a third person with a record and an account still pending
    penalty = record(cast.provider, source_id="S-3", sequence=3)
    user = UserFactory(role=Role.CITIZEN, username="pending")
    CitizenAccount.objects.create(
        user=user,
        subject_index=penalty.subject_index,
        id_masked="230202********0000",
        status=CitizenAccountStatus.PENDING,
        proofing="counter",
    )
    client.force_login(user)

    # when
    response = client.get(form_path(penalty))

    # then
    assert response.status_code == 403
    assert "身份尚未核验" in response.content.decode()
    assert "税务行政处罚" not in response.content.decode()


def test_the_person_files_and_lands_on_the_objection(client, cast, penalty):
    # given
    client.force_login(cast.citizen)

    # when
    response = client.post(
        form_path(penalty), {"grounds": "wrong", "text": TEXT, "attachments": [upload(png())]}
    )

    # then
    objection = Objection.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/my/objections/{objection.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "待受理" in page and "异议中" in page and TEXT in page


def test_a_refused_filing_keeps_what_was_typed_and_names_the_problem(client, cast, penalty):
    # given
    client.force_login(cast.citizen)
    fake = io.BytesIO(b"GIF89a")
    fake.name = "证明.pdf"

    # when
    response = client.post(
        form_path(penalty), {"grounds": "wrong", "text": TEXT, "attachments": [fake]}
    )

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "只接收PDF、JPEG和PNG文件（按文件内容识别，与文件名无关）。" in html
    assert TEXT in html
    assert Objection.objects.count() == 0


def test_an_id_number_in_the_text_is_refused_and_not_shown_again(client, cast, penalty):
    # given
    client.force_login(cast.citizen)
    number = id_number(PERSON)

    # when
    response = client.post(form_path(penalty), {"grounds": "wrong", "text": f"号码{number}"})

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "中不能包含身份证号码" in html
    assert number not in html
    assert "号码230202" in html


def test_a_revoked_record_says_why_no_objection_is_possible(client, cast, penalty):
    # given
    record(cast.provider, operation="revoke")
    client.force_login(cast.citizen)

    # when
    shown = client.get(form_path(penalty))
    sent = client.post(form_path(penalty), {"grounds": "wrong", "text": TEXT})

    # then
    assert shown.status_code == 200
    assert "已不再公示和用于核查，不能提出异议" in shown.content.decode()
    assert 'name="grounds"' not in shown.content.decode()
    assert sent.status_code == 409
    assert Objection.objects.count() == 0


def test_a_flood_of_filings_is_refused_with_retry_after(client, cast, penalty, settings):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "objection_filing": "2/1h",
    }
    client.force_login(cast.citizen)

    # when
    statuses = [client.post(form_path(penalty), {"grounds": "bad"}).status_code for _ in range(3)]
    refused = client.post(form_path(penalty), {"grounds": "wrong", "text": TEXT})

    # then
    assert statuses == [422, 422, 429]
    assert (refused.status_code, "Retry-After" in refused) == (429, True)
    assert "您提交异议过于频繁" in refused.content.decode()
    assert Objection.objects.count() == 0


def test_the_persons_list_shows_only_their_own_objections(client, cast, penalty):
    # given
    filed(cast.citizen, penalty)
    other = filed(cast.citizen_other, record(cast.provider, source_id="S-2", sequence=2))
    client.force_login(cast.citizen)

    # when
    html = client.get("/my/objections/").content.decode()
    theirs = client.get(f"/my/objections/{other.pk}/")

    # then
    assert html.count("税务行政处罚") == 1
    assert f"/my/objections/{other.pk}/" not in html
    assert theirs.status_code == 404


def test_the_person_withdraws_from_the_objection_page(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    client.force_login(cast.citizen)

    # when
    response = client.post(f"/my/objections/{objection.pk}/withdraw/")

    # then
    objection.refresh_from_db()
    penalty.refresh_from_db()
    assert response.status_code == 302
    assert (objection.status, penalty.disputed) == (ObjectionStatus.WITHDRAWN, False)


def test_after_a_rejection_the_page_offers_a_statement_and_a_review(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    objection_accept(actor=cast.provider, objection_id=objection.pk)
    objection_decide(
        actor=cast.provider,
        objection_id=objection.pk,
        outcome=DecisionOutcome.REJECTED,
        reasons="经核查，记录无误。",
    )
    client.force_login(cast.citizen)

    # when
    html = client.get(f"/my/objections/{objection.pk}/").content.decode()
    review = client.post(f"/my/objections/{objection.pk}/review/", {"reason": "复议决定已撤销。"})

    # then
    assert "经核查，记录无误。" in html
    assert "附加异议声明" in html and "请求信用办复核" in html
    assert review.status_code == 302
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.REVIEW_REQUESTED


# --- The staff's pages --------------------------------------------------------------------------


def test_the_queue_costs_the_same_queries_for_one_objection_or_many(client, cast):
    # given
    client.force_login(cast.reviewer)
    filed(cast.citizen, record(cast.provider, source_id="S-0"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    one = queries()
    for n in range(1, 30):
        filed(cast.citizen, record(cast.provider, source_id=f"S-{n}"))

    # when
    many = queries()

    # then: session, user, count, page, calendar table (and the calendar warning's years)
    assert many == one


def test_the_queue_is_the_departments_own_and_overdue_first(client, cast):
    # given: an overdue objection (filed long ago) and a fresh one
    old = filed(cast.citizen, record(cast.provider, source_id="S-1"))
    Objection.objects.filter(pk=old.pk).update(deadline="2026-01-05")
    fresh = filed(cast.citizen, record(cast.provider, source_id="S-2"))
    client.force_login(cast.provider)

    # when
    html = client.get(QUEUE).content.decode()
    client.force_login(cast.provider_other)
    other = client.get(QUEUE).content.decode()

    # then
    assert html.index(f"/staff/objections/{old.pk}/") < html.index(f"/staff/objections/{fresh.pk}/")
    assert "已超期" in html
    assert f"/staff/objections/{old.pk}/" not in other
    assert "没有符合条件的异议。" in other


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("citizen", 403)])
def test_roles_without_objections_cannot_open_the_queue(client, cast, role, status):
    # given
    client.force_login(getattr(cast, role))

    # when
    response = client.get(QUEUE)

    # then
    assert response.status_code == status


def test_the_case_page_shows_the_record_the_grounds_and_the_forms(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty, files=[png()])
    client.force_login(cast.provider)

    # when
    html = client.get(f"/staff/objections/{objection.pk}/").content.decode()

    # then
    assert TEXT in html and "收据.png" in html
    assert "受理该异议" in html and "不予受理" in html and "延长处理期限" in html
    assert "第 1 版" in html
    assert "230202********" + id_number(PERSON)[-4:] in html
    assert id_number(PERSON) not in html


def test_another_departments_case_is_not_found(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    client.force_login(cast.provider_other)

    # when
    shown = client.get(f"/staff/objections/{objection.pk}/")
    accepted = client.post(f"/staff/objections/{objection.pk}/accept/")

    # then
    assert (shown.status_code, accepted.status_code) == (404, 404)
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.FILED


def test_the_provider_corrects_the_record_on_the_case_page(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    objection_accept(actor=cast.provider, objection_id=objection.pk)
    client.force_login(cast.provider)

    # when
    response = client.post(
        f"/staff/objections/{objection.pk}/decide/",
        {
            "outcome": "upheld",
            "resolution": "corrected",
            "reasons": "文书编号有误。",
            "correction__document_no": "齐税罚〔2026〕9号",
            "correction__authority": "国家税务总局齐齐哈尔市税务局",
            "correction__decided_on": "2026-03-01",
            "correction__case_no": "案-1",
        },
    )

    # then
    assert response.status_code == 302
    current = RecordVersion.objects.get(record=penalty, superseded_at__isnull=True)
    assert (current.number, current.values["document_no"]) == (2, "齐税罚〔2026〕9号")


def test_an_upheld_decision_without_a_resolution_is_named_on_the_form(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    objection_accept(actor=cast.provider, objection_id=objection.pk)
    client.force_login(cast.provider)

    # when
    response = client.post(
        f"/staff/objections/{objection.pk}/decide/", {"outcome": "upheld", "reasons": "成立。"}
    )

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "异议成立的，请选择更正记录或撤销记录。" in html
    assert "成立。" in html


def test_the_reviewer_decides_a_review_on_the_case_page(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty)
    objection_accept(actor=cast.provider, objection_id=objection.pk)
    objection_decide(
        actor=cast.provider, objection_id=objection.pk, outcome="rejected", reasons="无误。"
    )
    objection_review_request(actor=cast.citizen, objection_id=objection.pk, reason="请复核。")
    client.force_login(cast.reviewer)

    # when
    html = client.get(f"/staff/objections/{objection.pk}/").content.decode()
    response = client.post(
        f"/staff/objections/{objection.pk}/review/", {"outcome": "confirmed", "reasons": "维持。"}
    )

    # then
    assert "提交复核决定" in html and "受理该异议" not in html
    assert response.status_code == 302
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.CLOSED


def test_downloading_a_file_of_the_case_is_audited(client, cast, penalty):
    # given
    objection = filed(cast.citizen, penalty, files=[png()])
    (attachment,) = objection_attachments(objection)
    client.force_login(cast.reviewer)

    # when
    response = client.get(f"/staff/objections/{objection.pk}/attachments/{attachment.pk}/")

    # then
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert "attachment" in response["Content-Disposition"]
    assert (
        AuditEvent.objects.filter(
            object_type="objections.attachment",
            object_id=str(attachment.pk),
            actor_username="reviewer",
        ).count()
        == 1
    )


def test_the_reviewer_files_for_a_person_at_the_counter(client, cast, penalty):
    # given
    client.force_login(cast.reviewer)

    # when
    response = client.post(
        "/staff/objections/new/",
        {
            "id_number": id_number(PERSON),
            "record_id": penalty.pk,
            "grounds": "not_mine",
            "text": TEXT,
            "power_of_attorney": upload(pdf()),
        },
    )

    # then
    objection = Objection.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/staff/objections/{objection.pk}/",
    )
    assert objection.channel == "counter"


def test_a_counter_filing_for_the_wrong_person_keeps_the_form_but_not_the_number(
    client, cast, penalty
):
    # given
    client.force_login(cast.reviewer)
    number = id_number(2)

    # when
    response = client.post(
        "/staff/objections/new/",
        {
            "id_number": number,
            "record_id": penalty.pk,
            "grounds": "not_mine",
            "text": TEXT,
            "power_of_attorney": upload(pdf()),
        },
    )

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "该记录不是此身份证号码所属当事人的记录" in html
    assert TEXT in html and number not in html
