"""Reading dates as departments write them.

Accepted: ``2026-03-01``, ``2026/3/1``, ``2026.3.1``, ``2026年3月1日``, ``20260301``, full-width
digits and separators, surrounding spaces, Python ``date``/``datetime`` (openpyxl date cells) and
Excel serial numbers.

Excel serial numbers follow the 1900 date system with its Lotus 1-2-3 bug: Excel counts a
29 February 1900 that never existed. Serial 1 is 1900-01-01, 59 is 1900-02-28, **60 is the
non-existent 1900-02-29 and is refused**, and 61 is 1900-03-01; from 61 on, serial ``n`` is
1899-12-30 plus ``n`` days. Serials are accepted from 1 to 73050 (2099-12-31, the last date the
XLSX template allows); a fraction (a time of day) is dropped. An eight-digit number is read as
``YYYYMMDD`` before it is considered as a serial.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from chengxin.collection.ingest import row_error_codes

EXCEL_SERIAL_MIN = 1
EXCEL_SERIAL_MAX = 73050
EXCEL_LEAP_BUG_SERIAL = 60
_EXCEL_EPOCH_BEFORE_BUG = date(1899, 12, 31)
_EXCEL_EPOCH_AFTER_BUG = date(1899, 12, 30)

_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d+(\.\d+)?")
_MIDNIGHT = re.compile(r"[ T]0{1,2}:00(:00(\.0+)?)?")
_WHITESPACE = re.compile(r"\s+")


class DateInvalid(ValueError):
    """A value that is no date, with its machine code and messages in Chinese and English.

    The value itself is not part of the exception: it may sit next to personal data.
    """

    def __init__(self, *, code: str, message: str, message_en: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.message_en = message_en


def parse_date(value: object) -> date:
    """The calendar date ``value`` denotes; raises ``DateInvalid`` (code ``date_invalid``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _invalid()
    if isinstance(value, int | float | Decimal):
        return excel_serial_date(value)
    if isinstance(value, str):
        return _parse_text(value)
    raise _invalid()


def excel_serial_date(serial: int | float | Decimal) -> date:
    """The date of an Excel serial number in the 1900 date system (see the module docstring)."""
    try:
        whole = int(serial)
    except (ValueError, OverflowError) as error:
        raise _invalid() from error
    if not EXCEL_SERIAL_MIN <= whole <= EXCEL_SERIAL_MAX or whole == EXCEL_LEAP_BUG_SERIAL:
        raise _invalid()
    epoch = _EXCEL_EPOCH_BEFORE_BUG if whole < EXCEL_LEAP_BUG_SERIAL else _EXCEL_EPOCH_AFTER_BUG
    return epoch + timedelta(days=whole)


def _parse_text(value: str) -> date:
    if _is_plain_iso(value):
        # The form the template asks for (and most files hold): the same date the patterns
        # below read from it, without normalising and matching.
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError as error:
            raise _invalid() from error
    text = _MIDNIGHT.sub("", unicodedata.normalize("NFKC", value).strip())
    text = _WHITESPACE.sub("", text)
    for pattern in (_SEPARATED, _CHINESE):
        match = pattern.fullmatch(text)
        if match:
            year, month, day = match.group(1), match.groups()[-2], match.groups()[-1]
            return _calendar_date(year, month, day)
    match = _COMPACT.fullmatch(text)
    if match:
        return _calendar_date(*match.groups())
    if _SERIAL.fullmatch(text):
        return _serial_text_date(text)
    raise _invalid()


def _is_plain_iso(value: str) -> bool:
    """Whether ``value`` is exactly ``YYYY-MM-DD`` in ASCII digits."""
    return (
        len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
        and value.isascii()
        and value[:4].isdigit()
        and value[5:7].isdigit()
        and value[8:].isdigit()
    )


def _serial_text_date(text: str) -> date:
    try:
        serial = Decimal(text)
    except InvalidOperation as error:
        raise _invalid() from error
    return excel_serial_date(serial)


def _calendar_date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise _invalid() from error


def _invalid() -> DateInvalid:
    return DateInvalid(
        code=row_error_codes.DATE_INVALID,
        message=_("不是有效的日期，请写成2026-03-01的形式。"),
        message_en="This is not a valid date; write it as 2026-03-01.",
    )
