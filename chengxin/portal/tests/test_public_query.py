"""The public query: name and full ID number must match, and a mismatch reveals nothing."""

from __future__ import annotations

import re

import pytest

from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.portal.tests.factories import (
    MORAL_MODEL,
    TAX_GENERAL,
    disclose,
    id_number,
    list_items,
)

pytestmark = pytest.mark.django_db

QUERY = "/query/"
NOTHING = "未查询到与该姓名和证件号码相符的公开信用信息。"


@pytest.fixture
def person():
    list_items()
    disclose(source_id="S-1", sequence=81, name="孙明", document_no="齐税罚〔2026〕9号")
    disclose(TAX_GENERAL, source_id="G-1", sequence=81, name="孙明")
    disclose(MORAL_MODEL, source_id="R-1", sequence=81, name="孙明")
    return id_number(81)


def test_name_and_number_that_match_show_the_public_records(client, person):
    # when
    response = client.post(QUERY, {"name": "孙明", "id_number": person})

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "有 3 条公开信用信息" in page
    assert "齐税罚〔2026〕9号" in page and "诚信道德模范" in page
    assert person not in page
    assert "230202********" in page


def test_a_name_that_does_not_match_gets_the_same_answer_as_an_unknown_number(client, person):
    # when
    wrong_name = client.post(QUERY, {"name": "孙亮", "id_number": person}).content.decode()
    unknown = client.post(QUERY, {"name": "孙明", "id_number": id_number(82)}).content.decode()

    # then
    assert NOTHING in wrong_name and NOTHING in unknown
    assert person not in wrong_name
    assert "230202********" not in wrong_name
    assert _without_tokens(wrong_name.replace("孙亮", "孙明")) == _without_tokens(unknown)


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_every_query_is_audited_as_a_read_of_personal_data(client, person):
    # when
    client.post(QUERY, {"name": "孙明", "id_number": person})
    client.post(QUERY, {"name": "孙亮", "id_number": person})

    # then
    events = list(
        AuditEvent.objects.filter(
            action=AuditAction.PERSONAL_DATA_READ, object_type="portal.public_query"
        ).order_by("pk")
    )
    assert [event.detail["matched"] for event in events] == [True, False]
    assert events[0].subject_index and not events[1].subject_index
    assert events[0].detail["records"] == 3


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "id_number": ""}, "请填写姓名。"),
        ({"name": "孙明", "id_number": ""}, "请填写完整的身份证号码。"),
        ({"name": "<b>孙明</b>", "id_number": "1"}, "姓名只能包含汉字、字母"),
        ({"name": "孙明", "id_number": "9" * 31}, "30"),
    ],
)
def test_bad_forms_get_a_clear_answer_without_the_number(client, person, form, message):
    # when
    response = client.post(QUERY, form)

    # then
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_number_typed_is_not_shown_back(client, person):
    # when
    page = client.post(QUERY, {"name": "<x>", "id_number": person}).content.decode()

    # then
    assert person not in page


def test_queries_are_throttled_per_client(client, person, settings, throttle_clock):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "public_query_address": "2/m",
    }
    for _query in range(2):
        client.post(QUERY, {"name": "孙明", "id_number": person})

    # when
    refused = client.post(QUERY, {"name": "孙明", "id_number": person})

    # then
    assert refused.status_code == 429
    assert "您查询得太频繁了" in refused.content.decode()
