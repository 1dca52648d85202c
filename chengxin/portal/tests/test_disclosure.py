"""The disclosure lists of the public site: what they show, masked how, and what leaves them."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from chengxin.collection.choices import RecordStatus
from chengxin.collection.lifecycle import records_expire
from chengxin.collection.models import CreditRecord
from chengxin.portal.selectors import MAX_PAGE, PAGE_SIZE, public_id
from chengxin.portal.sitemaps import EntriesSitemap
from chengxin.portal.tests.factories import (
    MORAL_MODEL,
    TAX_GENERAL,
    disclose,
    id_number,
    list_items,
)

pytestmark = pytest.mark.django_db

SERIOUS = "/disclosure/serious/"
RED = "/disclosure/red/"
FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def items():
    list_items()


def _entry_url(record: CreditRecord, slug: str = "serious") -> str:
    return f"/disclosure/{slug}/{public_id(record.pk)}/"


def _sitemap(client) -> str:
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>https?://[^/]+(/sitemap-[a-z]+\.xml(?:\?p=\d+)?)</loc>", index)
    return index + "".join(client.get(section).content.decode() for section in sections)


def test_serious_list_shows_the_full_name_the_masked_number_and_the_record(client, items):
    # given
    record = disclose(
        source_id="S-1", sequence=11, name="欧阳小明", document_no="齐税罚〔2026〕7号"
    )

    # when
    page = client.get(SERIOUS).content.decode()
    detail = client.get(_entry_url(record)).content.decode()

    # then
    assert "欧阳小明" in page
    assert "230202********" in page
    assert id_number(11) not in page and id_number(11) not in detail
    assert "重大税收违法失信" in page
    for expected in ("欧阳小明", "齐税罚〔2026〕7号", "国家税务总局齐齐哈尔市税务局", "异议状态"):
        assert expected in detail
    assert str(record.pk) + "-" in detail or public_id(record.pk) in page


def test_a_general_record_is_on_no_list(client, items):
    # given
    disclose(TAX_GENERAL, source_id="G-1", sequence=12, name="李一般")

    # when
    pages = client.get(SERIOUS).content.decode() + client.get(RED).content.decode()

    # then
    assert "李一般" not in pages


def test_red_list_shows_positive_records(client, items):
    # given
    record = disclose(MORAL_MODEL, source_id="R-1", sequence=13, name="赵红")

    # when
    page = client.get(RED).content.decode()

    # then
    assert "赵红" in page
    assert client.get(_entry_url(record, "red")).status_code == 200
    assert client.get(_entry_url(record, "serious")).status_code == 404


def test_search_by_full_name_finds_only_that_person(client, items):
    # given
    disclose(source_id="S-1", sequence=21, name="张三")
    disclose(source_id="S-2", sequence=22, name="李四")

    # when
    page = client.get(SERIOUS, {"q": "张 三"}).content.decode()

    # then
    assert ">张三</a>" in page
    assert "李四" not in page


def test_filters_by_item_body_and_dates(client, items):
    # given
    old = timezone.localdate() - datetime.timedelta(days=200)
    disclose(source_id="S-1", sequence=31, name="早决定", decided_on=old)
    disclose(source_id="S-2", sequence=32, name="晚决定")
    since = (old + datetime.timedelta(days=1)).isoformat()

    # when
    page = client.get(
        SERIOUS,
        {"decided_from": since, "item": "major-tax-violation", "body": "tax", "domain": "tax"},
    ).content.decode()

    # then
    assert "晚决定" in page
    assert "早决定" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "%' OR 1=1 --"}, "姓名只能包含汉字、字母"),
        ({"q": "<script>"}, "姓名只能包含汉字、字母"),
        ({"domain": "nowhere"}, "所选的“领域”不在可选范围内"),
        ({"item": "forged-item"}, "不在可选范围内"),
        ({"body": "x" * 500}, "不在可选范围内"),
        ({"decided_from": "2026-13-45"}, "日期格式应为"),
        ({"page": "-3"}, "页码必须是正整数"),
        ({"page": "abc"}, "页码必须是正整数"),
    ],
)
def test_bad_input_gets_a_clear_page(client, items, query, message):
    # when
    response = client.get(SERIOUS, query)

    # then
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_id_number_in_the_name_box_is_refused_and_not_echoed(client, items):
    # given
    disclose(source_id="S-1", sequence=41, name="王五")

    # when
    response = client.get(SERIOUS, {"q": id_number(41)})

    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert "姓名栏不能填写身份证号码" in page
    assert id_number(41) not in page
    assert "王五" not in page


def test_pages_are_bounded_and_a_page_past_the_end_says_so(client, items):
    # given
    for number in range(PAGE_SIZE + 1):
        disclose(source_id=f"S-{number}", sequence=100 + number, name="翻页人")

    # when
    second = client.get(SERIOUS, {"page": "2"}).content.decode()
    past = client.get(SERIOUS, {"page": "9"})
    too_deep = client.get(SERIOUS, {"page": str(MAX_PAGE + 1)})

    # then
    assert second.count("翻页人") == 1
    assert "第 2 页，共 2 页" in second
    assert past.status_code == 200 and "该页没有记录" in past.content.decode()
    assert too_deep.status_code == 200 and "最多显示前 50 页" in too_deep.content.decode()


def test_a_forged_or_unknown_public_id_is_404(client, items):
    # given
    record = disclose(source_id="S-1", sequence=51)

    # when
    forged = client.get(f"/disclosure/serious/{record.pk}-000000000000/")
    bare = client.get(f"/disclosure/serious/{record.pk}/")
    unknown_list = client.get("/disclosure/everyone/")

    # then
    assert (forged.status_code, bare.status_code, unknown_list.status_code) == (404, 404, 404)


def _assert_gone(client, record, name: str, slug: str = "serious") -> None:
    listing = client.get(f"/disclosure/{slug}/").content.decode()
    search = client.get(f"/disclosure/{slug}/", {"q": name}).content.decode()
    assert name not in listing
    assert "没有符合条件的公示记录" in search and f">{name}</a>" not in search
    assert client.get(_entry_url(record, slug)).status_code == 404
    assert public_id(record.pk) not in _sitemap(client)


def _assert_shown(client, record, name: str, slug: str = "serious") -> None:
    assert f">{name}</a>" in client.get(f"/disclosure/{slug}/", {"q": name}).content.decode()
    assert client.get(_entry_url(record, slug)).status_code == 200
    assert public_id(record.pk) in _sitemap(client)


def test_a_revoked_record_is_gone_from_list_search_detail_and_sitemap_at_once(client, items):
    # given
    record = disclose(source_id="S-1", sequence=61, name="撤销人")
    _assert_shown(client, record, "撤销人")

    # when: the provider revokes it through the submission pipeline
    disclose(source_id="S-1", sequence=61, operation="revoke")

    # then
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.REVOKED
    _assert_gone(client, record, "撤销人")


def test_a_record_whose_period_ended_is_gone_at_once(client, items):
    # given
    record = disclose(source_id="S-1", sequence=62, name="期满人")
    _assert_shown(client, record, "期满人")

    # when: the daily job runs on the day its disclosure ends
    records_expire(today=record.disclosure_ends_on)

    # then
    _assert_gone(client, record, "期满人")


def test_a_record_past_its_end_date_is_gone_before_the_daily_job(client, items):
    # given: decided three years and a day ago, still active because the job has not run
    decided = timezone.localdate() - datetime.timedelta(days=3 * 366)
    record = disclose(source_id="S-1", sequence=63, name="过期人", decided_on=decided)
    CreditRecord.objects.filter(pk=record.pk).update(status=RecordStatus.ACTIVE)

    # then
    _assert_gone(client, record, "过期人")


@pytest.mark.parametrize("status", [RecordStatus.REPAIRED, RecordStatus.WITHDRAWN])
def test_repaired_and_withdrawn_records_are_gone_at_once(client, items, status):
    # given
    serious = disclose(source_id="S-1", sequence=64, name="修复人")
    red = disclose(MORAL_MODEL, source_id="R-1", sequence=65, name="退出人")
    _assert_shown(client, serious, "修复人")
    _assert_shown(client, red, "退出人", slug="red")

    # when: the status a repair approval or an opt-out sets (their services live in the
    # due-process apps; the public site reads only the status)
    CreditRecord.objects.filter(pk__in=[serious.pk, red.pk]).update(status=status)

    # then
    _assert_gone(client, serious, "修复人")
    _assert_gone(client, red, "退出人", slug="red")


def test_list_pages_are_not_cacheable(client, items):
    # when
    response = client.get(SERIOUS)

    # then
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_sitemap_pages_a_list_by_ranges_of_record_ids(client, items, monkeypatch):
    # given: pages of two record ids, five serious records of which one is revoked
    monkeypatch.setattr(EntriesSitemap, "limit", 2)
    records = [
        disclose(source_id=f"S-{number}", sequence=80 + number, name=f"分页人{number}")
        for number in range(5)
    ]
    disclose(source_id="S-2", sequence=82, operation="revoke")
    first = CreditRecord.objects.order_by("pk").first().pk

    # when
    index = client.get("/sitemap.xml").content.decode()
    pages = {
        number: client.get("/sitemap-serious.xml", {"p": number})
        for number in range(1, (records[-1].pk - first) // 2 + 2)
    }

    # then: the index names every page; each public entry is on the page of its id, once
    assert all(f"/sitemap-serious.xml?p={number}<" in index for number in pages if number > 1)
    bodies = {number: response.content.decode() for number, response in pages.items()}
    assert all(response.status_code == 200 for response in pages.values())
    for record in records:
        found = [number for number, body in bodies.items() if public_id(record.pk) in body]
        expected = [] if record.source_id == "S-2" else [(record.pk - first) // 2 + 1]
        assert found == expected, record.source_id
    # and a page that is not one is answered 404
    for wrong in ("0", str(len(pages) + 1), "x"):
        assert client.get("/sitemap-serious.xml", {"p": wrong}).status_code == 404


def test_robots_txt_and_sitemap(client, items):
    # given
    record = disclose(source_id="S-1", sequence=71, name="地图人")

    # when
    robots = client.get("/robots.txt").content.decode()
    sitemap = _sitemap(client)

    # then
    assert "Disallow: /staff/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    assert "/disclosure/serious/</loc>" in sitemap and "/disclosure/red/</loc>" in sitemap
    assert public_id(record.pk) in sitemap
    assert not FULL_ID.search(sitemap)
