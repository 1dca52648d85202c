"""What every API answer looks like on the wire."""

from django.conf import settings


def test_answers_keep_chinese_as_utf8_text(client, db):
    # when
    response = client.get("/api/v1/catalog")

    # then
    assert response.status_code == 200
    assert settings.CHENGXIN_CITY_NAME.encode("utf-8") in response.content
    assert b"\\u" not in response.content
