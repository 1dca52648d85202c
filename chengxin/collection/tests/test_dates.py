"""Dates as departments write them, Excel serial numbers with the 1900 leap-year bug."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from chengxin.collection.ingest import row_error_codes
from chengxin.collection.ingest.dates import DateInvalid, excel_serial_date, parse_date


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01",
        "2026/3/1",
        "2026.3.1",
        "2026年3月1日",
        "2026 年 3 月 1 日",
        "2026年3月1",
        "20260301",
        "２０２６－０３－０１",
        "２０２６年３月１日",
        "  2026-03-01\t",
        "2026-03-01 00:00:00",
        "2026-03-01T00:00",
        date(2026, 3, 1),
        datetime(2026, 3, 1, 15, 30, tzinfo=None),  # noqa: DTZ001 (openpyxl cells are naive)
        46082,
        46082.0,
        46082.75,
        Decimal("46082"),
        "46082",
        "46082.5",
    ],
)
def test_every_written_form_of_the_first_of_march_2026(value):
    # when
    parsed = parse_date(value)

    # then
    assert parsed == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (73050, date(2099, 12, 31)),
    ],
)
def test_excel_serial_numbers_in_the_1900_date_system(serial, expected):
    # when
    parsed = excel_serial_date(serial)

    # then
    assert parsed == expected


@pytest.mark.parametrize(
    "value",
    [
        60,
        "60",
        0,
        -3,
        73051,
        True,
        "2026-02-30",
        "2026/13/1",
        "20260230",
        "2026年2月29日",
        "2026-3/1",
        "01/03/2026",
        "abc",
        "",
        None,
        [2026, 3, 1],
    ],
)
def test_impossible_dates_are_refused_with_date_invalid(value):
    # when
    with pytest.raises(DateInvalid) as raised:
        parse_date(value)

    # then
    assert raised.value.code == row_error_codes.DATE_INVALID
    assert raised.value.message == "不是有效的日期，请写成2026-03-01的形式。"
    assert raised.value.message_en == "This is not a valid date; write it as 2026-03-01."
    assert str(raised.value) == row_error_codes.DATE_INVALID


def test_leap_day_of_a_leap_year_is_a_date():
    # when
    parsed = parse_date("2024年2月29日")

    # then
    assert parsed == date(2024, 2, 29)
