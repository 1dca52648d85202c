"""The dashboards in a real browser: a reviewer opens each one from the staff menu with data in
it; every chart is drawn with its text; axe-core finds no serious or critical problem; the
public statistics page shows its counts."""

from __future__ import annotations

import pytest

from chengxin.accounts.services import user_create
from chengxin.accounts.tests.factories import credit_office
from chengxin.collection.tests.factories import penalty_item
from chengxin.dashboards.registry import all_dashboards
from chengxin.dashboards.services import dashboards_refresh
from chengxin.dashboards.tests.factories import public_minimum, settle_at_once, submit
from tests.e2e.axe import serious_violations
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling

pytestmark = pytest.mark.django_db(transaction=True)


def _data() -> None:
    penalty_item()
    credit_office()
    settle_at_once()
    submit(12, bad=3)
    submit(20, bad=1)
    dashboards_refresh()


def test_a_reviewer_opens_every_dashboard_and_sees_its_charts(page, screenshot):
    # given
    _data()
    user_create(
        username="dash.reviewer", department_code="market", role="reviewer", password=PASSWORD,
        actor=None,
    )  # fmt: skip
    sign_in_enrolling(page, "dash.reviewer")
    # when: the menu entry, then each dashboard's tab
    page.locator("nav.staff-nav").get_by_role("link", name="统计分析", exact=True).click()
    page.wait_for_load_state()
    screenshot("dashboards-index")
    for dashboard in all_dashboards():
        page.locator("main").get_by_role(
            "link", name=str(dashboard.title), exact=True
        ).first.click()
        page.wait_for_load_state()
        screenshot(f"dashboards-{dashboard.slug}")
        # then: each chart is an image with its title, drawn, and the page is accessible
        charts = page.locator("svg[role='img']")
        assert charts.count() >= 1
        assert charts.first.is_visible()
        assert page.locator("h1").inner_text() == str(dashboard.title)
        assert serious_violations(page) == [], dashboard.slug
    page.goto("/staff/dashboards/collection/?start=2026-02-30")
    assert "“起始日期”不是有效日期" in page.locator("[role=alert]").inner_text()


def test_the_public_statistics_page_shows_counts(page, screenshot):
    # given
    _data()
    public_minimum(5)
    # when
    page.goto("/")
    page.locator("nav.portal-nav").get_by_role("link", name="统计数据").click()
    page.wait_for_load_state()
    # then
    screenshot("public-statistics")
    assert "/statistics/" in page.url
    assert page.locator("table").first.locator(
        "tr", has_text="归集信用记录"
    ).inner_text().split() == [
        "归集信用记录",
        "32",
        "32",
    ]
    assert serious_violations(page) == []
