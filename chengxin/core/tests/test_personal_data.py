"""ID numbers in free text from core: the detector the settings name, the log filter, free-text
fields, and the layering that keeps core below the apps."""

import datetime
import io
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chengxin.core import error_codes, policies
from chengxin.core.choices import CalendarDayKind
from chengxin.core.errors import DomainError
from chengxin.core.models import CalendarDay, PolicyChange
from chengxin.core.personal_data import WITHHELD, RedactIdNumbers, contains_id_number, detector
from chengxin.core.reference import load_reference_data
from chengxin.core.services import calendar_day_save, policy_value_set
from chengxin.core.text import TextField, text_checked

# Valid for the platform; its county code (230208) is younger than its holder.
NUMBER = "230208197001010013"
MASKED = "230208********0013"
CORE = Path(__file__).resolve().parents[1]


def _logger_with_filter(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactIdNumbers())
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    return logger, stream


def test_core_asks_the_detector_module_the_settings_name():
    # when
    module = detector()

    # then
    assert settings.CHENGXIN_ID_NUMBER_DETECTOR == "chengxin.identity.detection"
    assert module.__name__ == "chengxin.identity.detection"
    assert contains_id_number(f"案号{NUMBER}") is True


def test_without_a_detector_setting_core_refuses_to_guess(settings):
    # given
    settings.CHENGXIN_ID_NUMBER_DETECTOR = ""

    # when
    with pytest.raises(ImproperlyConfigured) as error:
        contains_id_number(NUMBER)

    # then
    assert str(error.value) == "CHENGXIN_ID_NUMBER_DETECTOR names no ID-number detector module."


@pytest.mark.parametrize("module", ["personal_data.py", "text.py", "audit/events.py"])
def test_the_guards_of_core_import_no_app_above_it(module):
    # given
    upward = re.compile(r"^\s*(from|import) chengxin\.(?!core\b)", re.MULTILINE)

    # when
    found = upward.findall((CORE / module).read_text(encoding="utf-8"))

    # then
    assert found == []


def test_the_log_filter_masks_numbers_in_the_message_and_its_arguments():
    # given
    logger, stream = _logger_with_filter("chengxin.tests.redaction.message")

    # when
    logger.warning(
        "import of %s failed for %s", f"{NUMBER}.csv", "２３０２０８１９７００１０１００１３"
    )

    # then
    assert stream.getvalue() == f"WARNING import of {MASKED}.csv failed for {MASKED}\n"


def test_the_log_filter_masks_numbers_in_a_logged_exception():
    # given
    logger, stream = _logger_with_filter("chengxin.tests.redaction.exception")

    # when
    try:
        raise ValueError(f"bad value {NUMBER}")
    except ValueError:
        logger.exception("row refused")

    # then
    written = stream.getvalue()
    assert NUMBER not in written
    assert f"ValueError: bad value {MASKED}" in written


def test_the_log_filter_withholds_a_message_it_cannot_check(settings):
    # given
    logger, stream = _logger_with_filter("chengxin.tests.redaction.broken")
    settings.CHENGXIN_ID_NUMBER_DETECTOR = ""

    # when
    logger.error("case %s", NUMBER)

    # then
    assert stream.getvalue() == f"ERROR {WITHHELD}\n"


def test_every_configured_log_handler_masks_numbers():
    # given
    logging_settings = settings.LOGGING

    # when
    unfiltered = [
        name
        for name, handler in logging_settings["handlers"].items()
        if "redact_id_numbers" not in handler.get("filters", [])
    ]

    # then
    assert unfiltered == []
    assert logging_settings["filters"]["redact_id_numbers"] == {
        "()": "chengxin.core.personal_data.RedactIdNumbers"
    }
    assert logging_settings["loggers"]["django"]["handlers"] == []
    for logger in (logging.getLogger(), logging.getLogger("django.server")):
        filtered = [
            handler
            for handler in logger.handlers
            if any(isinstance(each, RedactIdNumbers) for each in handler.filters)
        ]
        assert len(filtered) == 1


def test_a_free_text_field_refuses_an_id_number_and_an_over_long_value_by_name():
    # given
    field = TextField(name="case_no", label="案件编号", max_length=20)

    # when
    with pytest.raises(DomainError) as holds:
        text_checked(f"  案{NUMBER} ", field)
    with pytest.raises(DomainError) as too_long:
        text_checked("案" * 21, field)
    kept = text_checked("  采购-1  ", field)

    # then
    assert (holds.value.status, holds.value.code) == (422, error_codes.TEXT_HOLDS_ID_NUMBER)
    assert holds.value.details["errors"] == [
        {
            "field": "case_no",
            "code": "text_holds_id_number",
            "message": "“案件编号”中不能包含身份证号码：身份证号码只能填在身份证号码一栏，加密保存。"
            "请删除后再提交。",
            "message_en": "case_no must not hold an ID number: ID numbers go in the ID-number "
            "field only, where they are kept encrypted. Remove it and send again.",
        }
    ]
    assert NUMBER not in str(holds.value.details)
    assert (too_long.value.status, too_long.value.code) == (422, error_codes.TEXT_TOO_LONG)
    assert too_long.value.message == "“案件编号”不能超过20个字符（现有21个），请缩短。"
    assert kept == "采购-1"


@pytest.mark.django_db
def test_a_policy_change_whose_reason_holds_an_id_number_is_refused():
    # given
    load_reference_data(stdout=io.StringIO())

    # when
    with pytest.raises(DomainError) as refusal:
        policy_value_set(
            name=policies.OBJECTION_DECISION.name,
            value=7,
            actor=None,
            reason=f"当事人{NUMBER}申请",
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (422, error_codes.TEXT_HOLDS_ID_NUMBER)
    assert refusal.value.details["errors"][0]["field"] == "reason"
    assert not PolicyChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": f"春节{NUMBER}"}, error_codes.TEXT_HOLDS_ID_NUMBER),
        ({"name": "节" * 41}, error_codes.TEXT_TOO_LONG),
        ({"source_note": "依" * 201}, error_codes.TEXT_TOO_LONG),
    ],
    ids=["name-with-number", "name-too-long", "note-too-long"],
)
def test_a_calendar_day_naming_an_id_number_or_over_its_limits_is_refused(fields, code):
    # given
    arguments = {"name": "春节", "source_note": "", **fields}

    # when
    with pytest.raises(DomainError) as refusal:
        calendar_day_save(
            day=datetime.date(2027, 2, 6), kind=CalendarDayKind.HOLIDAY, actor=None, **arguments
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (422, code)
    assert not CalendarDay.objects.exists()
