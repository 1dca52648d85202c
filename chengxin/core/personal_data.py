"""ID numbers in free text, asked of the detector the settings name; and a log filter that
redacts them.

The guards of ``core`` (the audit log, free-text fields, the log filter) must recognise an ID
number, but what an ID number is belongs to ``chengxin.identity``, an app above ``core`` that
``core`` must not import (ARCHITECTURE, layout). ``settings.CHENGXIN_ID_NUMBER_DETECTOR`` names
the module that answers (``chengxin.identity.detection`` in the shipped settings), imported on
first use: the settings are then the one place that ties ``core`` to it, and a deployment with
other documents may name its own. A module rather than a single function, because the guards ask
three questions that must follow the same rules: does a text hold a number, the text with them
masked, and the numbers themselves (for a blind index, never stored).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import import_module
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DETECTOR_SETTING = "CHENGXIN_ID_NUMBER_DETECTOR"
WITHHELD = "[log message withheld: it could not be checked for ID numbers]"


class IdNumberDetector(Protocol):
    """What the module named by ``CHENGXIN_ID_NUMBER_DETECTOR`` provides."""

    def contains_id_number(self, text: str) -> bool: ...

    def redact_id_numbers(self, text: str) -> str: ...

    def id_numbers_in(self, text: str) -> list[str]: ...


def detector() -> IdNumberDetector:
    """The detector module the settings name."""
    path = getattr(settings, DETECTOR_SETTING, "")
    if not path:
        raise ImproperlyConfigured(f"{DETECTOR_SETTING} names no ID-number detector module.")
    return _imported(path)


@lru_cache(maxsize=4)
def _imported(path: str) -> IdNumberDetector:
    return import_module(path)  # type: ignore[return-value]


def contains_id_number(text: str) -> bool:
    """Whether ``text`` holds an ID number."""
    return detector().contains_id_number(text)


def redact_id_numbers(text: str) -> str:
    """``text`` with every ID number in it masked."""
    return detector().redact_id_numbers(text)


def id_numbers_in(text: str) -> list[str]:
    """The ID numbers in ``text``, normalised (to compute a blind index; never to be kept)."""
    return detector().id_numbers_in(text)


class RedactIdNumbers(logging.Filter):
    """A log filter that masks every ID number in a record: its message with its arguments, and the
    text of its exception and stack, before any handler formats it (defence in depth: no code
    should log a number in the first place).

    Installed on every handler in ``LOGGING`` (``chengxin.config.settings.base``). It never drops
    a record; if the check itself fails, the message is withheld rather than written unchecked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            _redact_record(record)
        except Exception:  # noqa: BLE001 - a log filter must never break the code that logs
            record.msg, record.args = WITHHELD, None
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def _redact_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    redacted = redact_id_numbers(message)
    if redacted != message:
        record.msg, record.args = redacted, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact_id_numbers(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_id_numbers(record.stack_info)
