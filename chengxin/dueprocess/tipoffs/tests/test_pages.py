"""The tip-off pages: the public form with its captcha, the receipt with the tracking number and
the query code, the status look-up (no enumeration), the rate limits, a citizen's own tip-offs,
and the staff's queue, case page and decision forms."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from PIL import Image

from chengxin.core.audit.models import AuditEvent
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections.tests.factories import png
from chengxin.dueprocess.tipoffs import captcha
from chengxin.dueprocess.tipoffs.choices import TipOffStatus
from chengxin.dueprocess.tipoffs.models import TipOff
from chengxin.dueprocess.tipoffs.services import tipoff_answer, tipoff_route
from chengxin.dueprocess.tipoffs.tests.factories import TEXT, cast, concerned_id, filed

pytestmark = pytest.mark.django_db
NEW, STATUS, CAPTCHA = "/tipoffs/new/", "/tipoffs/status/", "/tipoffs/captcha.png"


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    settings.CHENGXIN_REQUIRE_TOTP = False


@pytest.fixture
def people():
    return cast()


def _answer(client) -> str:
    """Ask for the image as the page does, and read its answer where the test settings keep it."""
    response = client.get(CAPTCHA)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    return captcha.expected_answer(client.session)


def _form(**extra) -> dict:
    return {"category": "dishonest_conduct", "text": TEXT, **extra}


def _upload(file) -> io.BytesIO:
    stream = io.BytesIO(file.data)
    stream.name = file.name
    return stream


# --- The captcha ------------------------------------------------------------------------------


def test_the_captcha_is_an_image_and_its_answer_is_kept_in_the_session(client):
    # when
    response = client.get(CAPTCHA)

    # then
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (captcha.WIDTH, captcha.HEIGHT)
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    challenge = client.session[captcha.SESSION_KEY]
    answer = captcha.expected_answer(client.session)
    assert len(answer) == captcha.LENGTH and set(answer) <= set(captcha.ALPHABET)
    assert answer not in str(challenge)


def test_the_answer_is_not_kept_in_clear_without_the_test_switch(client, settings):
    # given
    settings.CHENGXIN_CAPTCHA_EXPOSE_ANSWER = False

    # when
    client.get(CAPTCHA)

    # then
    assert captcha.expected_answer(client.session) is None
    assert captcha.SESSION_KEY in client.session


def test_an_anonymous_tip_off_with_the_right_captcha_gets_its_receipt(client, people):
    # given
    answer = _answer(client)

    # when
    response = client.post(NEW, _form(captcha=answer.lower(), attachments=[_upload(png())]))

    # then
    html = response.content.decode()
    tipoff = TipOff.objects.get()
    assert response.status_code == 200
    assert tipoff.number in html and "查询码只显示这一次" in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert tipoff.anonymous and Attachment.objects.count() == 1
    # the challenge is used up
    assert captcha.SESSION_KEY not in client.session


def test_a_wrong_captcha_is_refused_the_form_keeps_what_was_typed_and_nothing_is_written(
    client, people
):
    # given
    _answer(client)
    audit_before = AuditEvent.objects.count()

    # when
    response = client.post(NEW, _form(captcha="WRONG", concerned_name="某某公司"))

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "验证码不正确" in html and TEXT in html and "某某公司" in html
    assert 'value="WRONG"' not in html
    assert TipOff.objects.count() == 0 and AuditEvent.objects.count() == audit_before


def test_a_captcha_answers_one_filing_only(client, people):
    # given: a right answer used once
    answer = _answer(client)
    client.post(NEW, _form(captcha=answer))

    # when: the same answer again, without asking for a new image
    response = client.post(NEW, _form(captcha=answer))

    # then
    assert response.status_code == 422 and "验证码已过期" in response.content.decode()
    assert TipOff.objects.count() == 1


def test_an_expired_captcha_is_refused(client, people, settings):
    # given: challenges that expire at once
    settings.CHENGXIN_CAPTCHA_TTL_SECONDS = -1
    answer = _answer(client)

    # when
    response = client.post(NEW, _form(captcha=answer))

    # then
    assert response.status_code == 422 and "验证码已过期" in response.content.decode()
    assert TipOff.objects.count() == 0


def test_a_signed_in_citizen_needs_no_captcha(client, people):
    # given
    client.force_login(people.citizen)

    # when
    page = client.get(NEW)
    response = client.post(NEW, _form(department=str(people.tax.pk)))

    # then
    assert 'name="captcha"' not in page.content.decode()
    assert response.status_code == 200
    assert TipOff.objects.get().reporter == people.citizen


def test_staff_are_refused_the_form(client, people):
    client.force_login(people.reviewer)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form()).status_code == 403


# --- Bad input on the form --------------------------------------------------------------------


def test_an_id_number_in_the_text_is_refused_and_comes_back_masked(client, people):
    # given
    client.force_login(people.citizen)
    text = f"此人身份证号 {concerned_id()}，长期拖欠。"

    # when
    response = client.post(NEW, _form(text=text))

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "不能包含身份证号码" in html
    assert concerned_id() not in html and "长期拖欠" in html
    assert TipOff.objects.count() == 0


def test_an_invalid_id_number_is_refused_beside_its_field_and_not_echoed(client, people):
    # given
    client.force_login(people.citizen)

    # when
    response = client.post(NEW, _form(id_number="230202198005170011", concerned_name="李四"))

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "230202198005170011" not in html and "李四" in html
    assert TipOff.objects.count() == 0


def test_an_attachment_that_is_not_what_its_name_says_is_refused_on_the_form(client, people):
    # given
    client.force_login(people.citizen)
    fake = io.BytesIO(b"MZ\x90\x00 not a picture")
    fake.name = "照片.jpg"

    # when
    response = client.post(NEW, _form(attachments=[fake]))

    # then
    assert response.status_code == 422
    assert "只接收PDF、JPEG和PNG文件" in response.content.decode()
    assert (TipOff.objects.count(), Attachment.objects.count()) == (0, 0)


# --- Rate limits ------------------------------------------------------------------------------


def test_a_flood_of_filings_gets_the_rate_limit_page(client, people, settings):
    # given: two filings an hour per address
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "tipoff_filing_address": "2/h",
    }
    cache.clear()
    client.force_login(people.citizen)
    client.post(NEW, _form())
    client.post(NEW, _form())

    # when
    response = client.post(NEW, _form())

    # then
    assert response.status_code == 429 and "Retry-After" in response
    assert "提交举报过于频繁" in response.content.decode()
    assert TipOff.objects.count() == 2


def test_status_look_ups_are_rate_limited(client, people, settings):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "tipoff_status_address": "3/10m",
    }
    cache.clear()
    for _attempt in range(3):
        client.post(STATUS, {"number": "JB20261203AAAAAA", "code": "BBBBCCCCDDDD"})

    # when
    response = client.post(STATUS, {"number": "JB20261203AAAAAA", "code": "BBBBCCCCDDDD"})

    # then
    assert response.status_code == 429 and "Retry-After" in response


def test_captcha_images_are_rate_limited(client, settings):
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "tipoff_captcha_address": "2/10m",
    }
    cache.clear()
    client.get(CAPTCHA)
    client.get(CAPTCHA)
    assert client.get(CAPTCHA).status_code == 429


# --- The status look-up -----------------------------------------------------------------------


def test_the_reporter_follows_the_tip_off_with_number_and_code(client, people):
    # given: a tip-off routed to the tax bureau and answered
    answer = filed(None)
    tipoff_route(actor=people.reviewer, tipoff_id=answer.tipoff.pk, department_id=people.tax.pk)
    tipoff_answer(
        actor=people.provider, tipoff_id=answer.tipoff.pk, outcome="partly", answer="已责令整改。"
    )
    grouped = "-".join(answer.query_code[i : i + 4] for i in range(0, 12, 4)).lower()

    # when: typed with the dashes and in lower case
    response = client.post(STATUS, {"number": answer.tipoff.number.lower(), "code": grouped})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "已答复" in html and "已责令整改。" in html and people.tax.name in html
    assert TEXT not in html


def test_a_wrong_number_and_a_wrong_code_get_the_same_answer(client, people):
    # given
    answer = filed(None)
    wrong_code = {"number": answer.tipoff.number, "code": "AAAABBBBCCCC"}
    wrong_number = {"number": "JB20261203AAAAAA", "code": answer.query_code}

    # when
    pages = [client.post(STATUS, body) for body in (wrong_code, wrong_number)]

    # then
    assert {page.status_code for page in pages} == {200}
    bodies = [
        page.content.decode().replace(answer.tipoff.number, "").replace("JB20261203AAAAAA", "")
        for page in pages
    ]
    assert "举报编号或查询码不正确" in bodies[0]
    assert bodies[0].count("举报编号或查询码不正确") == bodies[1].count("举报编号或查询码不正确")
    assert "待分办" not in bodies[0] and "待分办" not in bodies[1]


# --- A citizen's own tip-offs -----------------------------------------------------------------


def test_a_citizen_sees_their_own_tip_offs_and_not_another_persons(client, people):
    # given
    mine = filed(people.citizen).tipoff
    theirs = filed(people.citizen_other).tipoff
    client.force_login(people.citizen)

    # when
    listing = client.get("/my/tipoffs/").content.decode()

    # then
    assert mine.number in listing and theirs.number not in listing
    assert client.get(f"/my/tipoffs/{mine.pk}/").status_code == 200
    assert client.get(f"/my/tipoffs/{theirs.pk}/").status_code == 404


# --- Staff ------------------------------------------------------------------------------------


def test_the_reviewer_sees_every_tip_off_overdue_first(client, people):
    # given: one filed long ago (overdue), one today
    from chengxin.dueprocess.tipoffs.tests.factories import moment

    old = filed(None, now=moment("2026-01-05")).tipoff
    new = filed(None).tipoff
    client.force_login(people.reviewer)

    # when
    html = client.get("/staff/tipoffs/").content.decode()

    # then
    assert html.index(old.number) < html.index(new.number) and "超期" in html
    only_overdue = client.get("/staff/tipoffs/?overdue=on").content.decode()
    assert old.number in only_overdue and new.number not in only_overdue


def test_a_department_sees_only_what_was_routed_to_it(client, people):
    # given
    routed = filed(None).tipoff
    waiting = filed(None).tipoff
    tipoff_route(actor=people.reviewer, tipoff_id=routed.pk, department_id=people.tax.pk)

    # when
    client.force_login(people.provider)
    html = client.get("/staff/tipoffs/").content.decode()

    # then
    assert routed.number in html and waiting.number not in html
    assert client.get(f"/staff/tipoffs/{waiting.pk}/").status_code == 404
    client.force_login(people.provider_other)
    assert client.get(f"/staff/tipoffs/{routed.pk}/").status_code == 404


def test_the_case_page_is_an_audited_read_and_shows_the_person_concerned(client, people):
    # given
    tipoff = filed(None, concerned_name="王五", id_number=concerned_id(), files=[png()]).tipoff
    client.force_login(people.reviewer)

    # when
    html = client.get(f"/staff/tipoffs/{tipoff.pk}/").content.decode()

    # then
    assert "王五" in html and tipoff.concerned_id_masked in html and concerned_id() not in html
    assert "收据.png" in html and f'action="/staff/tipoffs/{tipoff.pk}/route/"' in html
    read = AuditEvent.objects.filter(action="personal_data_read", object_id=str(tipoff.pk))
    assert read.count() == 1 and read.get().subject_index == tipoff.concerned_index


def test_the_reviewer_routes_and_the_department_answers_through_the_forms(client, people):
    # given
    tipoff = filed(None).tipoff
    client.force_login(people.reviewer)

    # when
    routed = client.post(f"/staff/tipoffs/{tipoff.pk}/route/", {"department": people.tax.pk})
    client.force_login(people.officer)
    refused = client.post(f"/staff/tipoffs/{tipoff.pk}/answer/", {"outcome": "partly"})
    answered = client.post(
        f"/staff/tipoffs/{tipoff.pk}/answer/", {"outcome": "partly", "answer": "已处理。"}
    )

    # then
    assert routed.status_code == 302 and answered.status_code == 302
    assert refused.status_code == 422
    tipoff.refresh_from_db()
    assert tipoff.status == TipOffStatus.ANSWERED and tipoff.answered_by == people.officer


def test_a_decision_in_the_wrong_state_shows_the_refusal(client, people):
    # given: a tip-off already refused
    tipoff = filed(None).tipoff
    client.force_login(people.reviewer)
    client.post(
        f"/staff/tipoffs/{tipoff.pk}/not-admissible/", {"reason": "other", "reasons": "无线索。"}
    )

    # when
    response = client.post(f"/staff/tipoffs/{tipoff.pk}/close/")

    # then
    assert response.status_code == 409 and "不能办结" in response.content.decode()


def test_an_attachment_download_is_audited(client, people):
    # given
    tipoff = filed(None, files=[png()]).tipoff
    attachment = Attachment.objects.get()
    client.force_login(people.reviewer)

    # when
    response = client.get(f"/staff/tipoffs/{tipoff.pk}/attachments/{attachment.pk}/")

    # then
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(
        object_type="tipoffs.attachment", object_id=str(attachment.pk)
    ).exists()
