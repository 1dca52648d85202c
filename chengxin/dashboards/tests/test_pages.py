import csv
import io
import re
import xml.etree.ElementTree as ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import DepartmentFactory, sign_in_verified, staff_user
from chengxin.collection.tests.factories import other_department, penalty_item, provider
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.dashboards.registry import all_dashboards
from chengxin.dashboards.services import dashboards_refresh
from chengxin.dashboards.tests.factories import public_minimum, settle_at_once, submit

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _client(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def _data(days_ago_start: int = 29):
    penalty_item()
    settle_at_once()
    submit(3, bad=2)
    submit(4, bad=1)
    dashboards_refresh()


def _fragment(html: str, pattern: str) -> ElementTree.Element:
    found = re.search(pattern, html, re.S)
    assert found is not None, pattern
    return ElementTree.fromstring(found.group(0))  # noqa: S314 - the page under test


def _chart_numbers(svg: ElementTree.Element) -> dict[tuple[str, str], str]:
    """(series, category) -> the number the chart writes, read from its text."""
    numbers = {}
    for group in svg.iter(f"{SVG}g"):
        kind = group.get("class")
        if kind == "bar":
            numbers[(group.get("data-series"), group.get("data-category"))] = group.find(
                f"{SVG}text"
            ).text
        elif kind == "point":
            title = group.find(f"{SVG}title").text
            numbers[(group.get("data-series"), group.get("data-category"))] = title.rsplit("：", 1)[
                1
            ]
    return numbers


def _table_numbers(table: ElementTree.Element, series: set[str]) -> dict[tuple[str, str], str]:
    columns = [cell.text for cell in table.find("thead").iter("th")]
    numbers = {}
    for row in table.find("tbody").iter("tr"):
        cells = [cell.text for cell in row]
        if len(cells) == 1:  # the row saying that the period has no data
            continue
        for column, cell in zip(columns[1:], cells[1:], strict=True):
            if column in series:
                numbers[(column, cells[0])] = cell
    return numbers


def _csv_numbers(text: str, series: set[str]) -> dict[tuple[str, str], str]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    columns = rows[0]
    return {
        (column, row[0]): cell
        for row in rows[1:]
        for column, cell in zip(columns[1:], row[1:], strict=True)
        if column in series
    }


@pytest.mark.parametrize("slug", [dashboard.slug for dashboard in all_dashboards()])
def test_each_chart_shows_the_numbers_of_its_table_and_of_its_csv(slug):
    # given
    _data()
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    # when
    page = client.get(reverse("dashboards:detail", kwargs={"slug": slug}))
    html = page.content.decode()
    # then: for every chart, the (series, category) numbers of the SVG text are the table's
    # and the CSV's
    assert page.status_code == 200
    panels = re.findall(
        r'<section class="dashboard-panel" aria-labelledby="([a-z-]+)-heading"', html
    )
    assert panels
    for panel in panels:
        table = _fragment(html, rf'<table id="{panel}-table">.*?</table>')
        link = (
            re.search(rf'href="([^"]*/{panel}\.csv\?[^"]*)"', html).group(1).replace("&amp;", "&")
        )
        exported = client.get(link)
        assert exported.status_code == 200
        section = re.search(
            rf'aria-labelledby="{panel}-heading">(.*?)</section>', html, re.S
        ).group(1)
        if "<svg" not in section:
            assert _csv_numbers(exported.content.decode(), set()) == {}
            continue
        svg = _fragment(section, r"<svg.*?</svg>")
        chart = _chart_numbers(svg)
        series = {name for name, _category in chart}
        assert chart == _table_numbers(table, series)
        assert chart == _csv_numbers(exported.content.decode(), series)
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text
        assert svg.find(f"{SVG}desc").text


def test_the_collection_chart_writes_the_department_and_its_numbers_as_text():
    # given
    _data()
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    # when
    html = client.get(reverse("dashboards:detail", kwargs={"slug": "collection"})).content.decode()
    svg = _fragment(
        re.search(
            r'aria-labelledby="collection-departments-heading">(.*?)</section>', html, re.S
        ).group(1),
        r"<svg.*?</svg>",
    )
    # then
    chart = _chart_numbers(svg)
    assert chart == {
        ("新增记录", "国家税务总局齐齐哈尔市税务局"): "7",
        ("拒收行数", "国家税务总局齐齐哈尔市税务局"): "3",
    }
    assert "国家税务总局齐齐哈尔市税务局" in [text.text for text in svg.iter(f"{SVG}text")]


def test_the_csv_export_is_audited_and_its_numbers_are_the_tables():
    # given
    _data()
    user = staff_user(Role.REVIEWER, username="reviewer")
    client = _client(user)
    today = timezone.localdate().isoformat()
    # when
    answer = client.get(
        reverse("dashboards:csv", kwargs={"slug": "collection", "panel": "collection-departments"}),
        {"start": today, "end": today},
    )
    # then
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.content.decode().lstrip("\ufeff"))))
    assert rows == [
        ["部门", "新增记录", "接收行数", "拒收行数", "拒收率（%）"],
        ["国家税务总局齐齐哈尔市税务局", "7", "10", "3", "30"],
    ]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="dashboard")
    assert event.object_id == "collection/collection-departments"
    assert event.actor_id == user.pk


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-13-01"}, "“起始日期”不是有效日期"),
        ({"end": "yesterday"}, "“截止日期”不是有效日期"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "截止日期早于起始日期"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "统计期间最长 731 天"),
        ({"department": "nowhere"}, "没有代码为“nowhere”的部门"),
    ],
)
def test_bad_filters_are_refused_with_a_message_naming_the_problem(params, message):
    # given
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    # when
    page = client.get(reverse("dashboards:detail", kwargs={"slug": "collection"}), params)
    csv_answer = client.get(
        reverse("dashboards:csv", kwargs={"slug": "collection", "panel": "collection-items"}),
        params,
    )
    # then
    assert page.status_code == 400
    assert message in page.content.decode()
    assert csv_answer.status_code == 400
    assert message in csv_answer.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_period_filter_leaves_out_days_outside_it():
    # given
    _data()
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    # when
    answer = client.get(
        reverse("dashboards:csv", kwargs={"slug": "collection", "panel": "collection-departments"}),
        {"start": "2020-01-01", "end": "2020-01-31"},
    )
    # then
    assert answer.content.decode().lstrip("\ufeff").splitlines()[1:] == []


def test_a_department_sees_its_own_figures_and_is_refused_another_departments():
    # given
    _data()
    own = _client(provider())
    court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
    other = _client(staff_user(Role.PROVIDER, department=court, username="provider-court"))
    url = reverse("dashboards:detail", kwargs={"slug": "collection"})
    # when
    own_page = own.get(url)
    refused = own.get(url, {"department": "court"})
    other_page = other.get(url).content.decode()
    exchange = own.get(reverse("dashboards:detail", kwargs={"slug": "exchange"}))
    # then
    assert own_page.status_code == 200
    assert "国家税务总局齐齐哈尔市税务局</th><td>7</td>" in own_page.content.decode()
    assert refused.status_code == 403
    assert "国家税务总局齐齐哈尔市税务局" not in other_page
    assert exchange.status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.REVIEWER, 200), (Role.ADMIN, 200), (Role.AUDITOR, 200), (Role.SECURITY, 403)],
)
def test_who_opens_the_dashboards(role, status):
    # given
    client = _client(staff_user(role, department=other_department(), username=f"user-{role}"))
    # when
    answer = client.get(reverse("dashboards:index"))
    # then
    assert answer.status_code == status


@pytest.mark.parametrize("slug", [dashboard.slug for dashboard in all_dashboards()])
def test_a_dashboard_page_makes_the_same_number_of_queries_whatever_the_data(slug):
    # given
    penalty_item()
    settle_at_once()
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    url = reverse("dashboards:detail", kwargs={"slug": slug})
    submit(2)
    dashboards_refresh()
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    submit(5, bad=3)
    submit(4)
    dashboards_refresh()
    # when
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    # then
    assert len(large) == len(small)
    assert len(large) <= 20


def test_the_public_page_shows_counts_and_suppresses_small_ones():
    # given: 7 records, the threshold at 5 then at 10
    _data()
    public_minimum(5)
    # when
    shown = Client().get(reverse("statistics:index")).content.decode()
    public_minimum(10)
    hidden = Client().get(reverse("statistics:index")).content.decode()
    # then
    assert '<th scope="row">归集信用记录</th><td>7</td><td>7</td>' in shown
    assert '<th scope="row">归集信用记录</th><td>少于 10</td><td>少于 10</td>' in hidden
    assert '<th scope="row">受理异议</th><td>0</td><td>0</td>' in hidden
    assert "王小明" not in shown
    assert 'href="/statistics/"' in shown
