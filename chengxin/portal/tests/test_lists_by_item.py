"""The red list read item by item (``PublicList.by_item``): its pages follow the decision order
across its items, at every depth and under the filters, as one walk of the list gives it."""

from __future__ import annotations

import datetime

import pytest

from chengxin.portal import selectors
from chengxin.portal.selectors import RED, ListFilters, filtered_records, list_page, record_id_of
from chengxin.portal.tests.factories import (
    MORAL_MODEL,
    OUTSTANDING_TEACHER,
    OUTSTANDING_VOLUNTEER,
    disclose_many,
    positive_items,
)
from chengxin.portal.tests.factories import local_today as today

pytestmark = pytest.mark.django_db


def days(*offsets: int) -> list[datetime.date]:
    start = today() - datetime.timedelta(days=400)
    return [start + datetime.timedelta(days=offset) for offset in offsets]


@pytest.fixture
def red_records():
    # Decisions interleaved between the two red items, with ties on one day, and newer
    # records of a positive item on no list.
    positive_items()
    disclose_many(MORAL_MODEL, days(0, 2, 2, 5, 9, 11, 12), prefix="M", sequence=401)
    disclose_many(OUTSTANDING_VOLUNTEER, days(1, 2, 3, 9, 10, 13), prefix="V", sequence=403)
    disclose_many(OUTSTANDING_TEACHER, days(*range(20, 28)), prefix="T", sequence=405)


def walked(filters: ListFilters) -> list[int]:
    """The list's keys in one walk in decision order."""
    records = filtered_records(RED, filters, today=today()).order_by("-decided_on", "-id")
    return list(records.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("filters", "expected_total"),
    [
        (ListFilters(), 13),
        (ListFilters(item_code=OUTSTANDING_VOLUNTEER), 6),
        (ListFilters(department_code="tax"), 13),
        (ListFilters(decided_from=days(2)[0], decided_to=days(10)[0]), 8),
        (ListFilters(item_code=OUTSTANDING_TEACHER), 0),
    ],
    ids=["all", "one item", "department", "dates", "an item not on the list"],
)
def test_red_list_pages_follow_the_decision_order_across_its_items(
    red_records, monkeypatch, filters, expected_total
):
    # given: pages of three entries
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    expected = walked(filters)

    # when
    pages = [list_page(RED, filters, number=number, today=today()) for number in range(1, 6)]

    # then
    shown = [record_id_of(entry.public_id) for page in pages for entry in page.entries]
    assert shown == expected
    assert len(expected) == expected_total
    assert [page.total for page in pages] == [expected_total] * 5
    assert [page.has_next for page in pages] == [
        3 * number < expected_total for number in (1, 2, 3, 4, 5)
    ]
