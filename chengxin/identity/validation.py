"""Normalisation and validation of identity numbers (GB 11643) and social credit codes (GB 32100).

Pure functions, no database. The check-character and birth-date arithmetic is python-stdnum's
(``stdnum.cn.ric``, ``stdnum.cn.uscc``); this module adds the policy of SPEC §2 around it:

- normalisation of what people type (spaces, full-width characters, lowercase ``x``);
- one machine code per failure, with a message in Chinese and English;
- 15-digit numbers (GB 11643-1989) converted to 18 characters, with a warning saying so;
- the province prefix checked strictly (residents, 81/82/83 residence permits, the 9-prefixed
  foreigners' card), the county code only as a warning: ``ric.validate`` would reject legal numbers
  whose county was renamed or created after the holder's birth year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc

from chengxin.core.errors import DomainError
from chengxin.identity import error_codes, regions
from chengxin.identity.choices import IdKind

ID_LENGTH = 18
# The longest text taken as an identity number as typed (18 characters, with room for the
# spaces that normalisation removes); the API refuses longer values outright.
ID_NUMBER_INPUT_MAX_LENGTH = 32
LEGACY_ID_LENGTH = 15
USCC_LENGTH = 18

_FULL_WIDTH_OFFSET = 0xFEE0  # U+FF10 "０" - U+0030 "0", the same for letters
_FULL_WIDTH_ALPHANUMERIC = {
    code: code - _FULL_WIDTH_OFFSET
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
_ID_15 = re.compile(r"[0-9]{15}")
_DIGITS = re.compile(r"[0-9]*")
_CHECK_CHARACTERS = frozenset("0123456789X")
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class IdError:
    """One finding about a number: a machine code and its message in Chinese and English."""

    code: str
    message: str
    message_en: str


@dataclass(frozen=True)
class IdValidation:
    """The outcome of validating an identity number.

    ``normalised`` is the 18-character number when valid (converted from 15 digits if needed),
    otherwise the normalised input as typed. ``errors`` are in checking order, so the first one
    is the main reason; ``warnings`` never make the number invalid.
    """

    normalised: str
    is_valid: bool
    errors: list[IdError] = field(default_factory=list)
    warnings: list[IdError] = field(default_factory=list)
    kind: str = ""
    birth_date: date | None = None

    @property
    def warning_codes(self) -> list[str]:
        return [warning.code for warning in self.warnings]

    @property
    def error_codes(self) -> list[str]:
        return [error.code for error in self.errors]


@dataclass(frozen=True)
class UsccValidation:
    """The outcome of validating a unified social credit code (same shape as ``IdValidation``)."""

    normalised: str
    is_valid: bool
    errors: list[IdError] = field(default_factory=list)
    warnings: list[IdError] = field(default_factory=list)

    @property
    def warning_codes(self) -> list[str]:
        return [warning.code for warning in self.warnings]


def finding(code: str) -> IdError:
    """The error or warning ``code`` with its message in the active language and in English."""
    message, message_en = _MESSAGES[code]
    return IdError(code=code, message=_(message), message_en=message_en)


_MESSAGES = {
    error_codes.ID_LENGTH: (
        "身份证号码应为18位（或15位旧号码）。",
        "An identity number has 18 characters (or 15 digits for an old number).",
    ),
    error_codes.ID_CHARSET: (
        "身份证号码只能由数字组成，最后一位可以是X。",
        "An identity number consists of digits; only the last character may be X.",
    ),
    error_codes.ID_CHECKSUM: (
        "身份证号码校验码不正确，请核对号码。",
        "The check character of the identity number is wrong; please check the number.",
    ),
    error_codes.ID_BIRTH_DATE: (
        "身份证号码中的出生日期不存在或晚于今天。",
        "The birth date in the identity number does not exist or is in the future.",
    ),
    error_codes.ID_REGION: (
        "身份证号码的省级行政区划代码不存在。",
        "The province code of the identity number does not exist.",
    ),
    error_codes.ID_CONVERTED_15: (
        "由15位号码转换为18位。",
        "Converted from a 15-digit number to 18 characters.",
    ),
    error_codes.ID_COUNTY_UNKNOWN: (
        "身份证号码的县级行政区划代码不在行政区划代码表中，请核对。",
        "The county code of the identity number is not in the division code table; please check.",
    ),
    error_codes.USCC_LENGTH: (
        "统一社会信用代码应为18位。",
        "A unified social credit code has 18 characters.",
    ),
    error_codes.USCC_CHARSET: (
        "统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z，第3至8位为数字）。",
        "The unified social credit code has characters that are not allowed "
        "(no I, O, S, V, Z; characters 3 to 8 are digits).",
    ),
    error_codes.USCC_CHECKSUM: (
        "统一社会信用代码校验码不正确，请核对代码。",
        "The check character of the unified social credit code is wrong; please check the code.",
    ),
    error_codes.USCC_PILOT_CODE: (
        "统一社会信用代码中的组织机构代码校验位不符，可能是试点期间赋予的代码，请核对。",
        "The embedded organisation code fails its check; this may be a pilot-era code, please check.",
    ),
}


def normalise_id_number(raw: str | None) -> str:
    """The number as typed, cleaned: spaces removed (also inner and full-width ones), full-width
    digits and letters made half-width, lowercase ``x`` upper-cased. Idempotent."""
    text = (raw or "").translate(_FULL_WIDTH_ALPHANUMERIC)
    text = "".join(text.split())
    return text.replace("x", "X")


def convert_15_to_18(number: str) -> str:
    """Convert a 15-digit GB 11643-1989 number: insert the century ``19`` and add the check."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def id_kind(number: str) -> str:
    """The document kind of an 18-character number, from its first digits."""
    if number.startswith((regions.HONG_KONG_PERMIT, regions.MACAO_PERMIT)):
        return IdKind.HK_MACAO_PERMIT
    if number.startswith(regions.TAIWAN_PERMIT):
        return IdKind.TAIWAN_PERMIT
    if number.startswith(regions.FOREIGNER_CARD_PREFIX):
        return IdKind.FOREIGNER_PERMANENT
    return IdKind.RESIDENT


def validate_id_number(raw: str | None, *, today: date | None = None) -> IdValidation:
    """Validate an identity number as typed; see the module docstring for the rules.

    ``today`` (Asia/Shanghai by default) bounds the birth date.
    """
    normalised = normalise_id_number(raw)
    shape_errors = _shape_errors(normalised)
    if shape_errors:
        return IdValidation(normalised=normalised, is_valid=False, errors=shape_errors)
    warnings = []
    if len(normalised) == LEGACY_ID_LENGTH:
        normalised = convert_15_to_18(normalised)
        warnings.append(finding(error_codes.ID_CONVERTED_15))
    return _validated_18(normalised, warnings=warnings, today=today or timezone.localdate())


def is_valid_id_number(raw: str | None) -> bool:
    """Shorthand for ``validate_id_number(raw).is_valid``."""
    return validate_id_number(raw).is_valid


def _shape_errors(number: str) -> list[IdError]:
    errors = []
    if len(number) not in (ID_LENGTH, LEGACY_ID_LENGTH):
        errors.append(finding(error_codes.ID_LENGTH))
    if number and not _has_only_id_characters(number):
        errors.append(finding(error_codes.ID_CHARSET))
    return errors


def _has_only_id_characters(number: str) -> bool:
    """Digits only; an X is allowed as the last character of any number but a 15-digit one.

    Checked apart from the length, so a number can have both a length and a charset error.
    """
    if len(number) == LEGACY_ID_LENGTH:
        return bool(_ID_15.fullmatch(number))
    return bool(_DIGITS.fullmatch(number[:-1])) and number[-1] in _CHECK_CHARACTERS


def _validated_18(number: str, *, warnings: list[IdError], today: date) -> IdValidation:
    errors = []
    if number[-1] != ric.calc_check_digit(number):
        errors.append(finding(error_codes.ID_CHECKSUM))
    birth_date = _birth_date(number, today=today)
    if birth_date is None:
        errors.append(finding(error_codes.ID_BIRTH_DATE))
    kind = id_kind(number)
    if not _province_is_known(number, kind=kind):
        errors.append(finding(error_codes.ID_REGION))
    elif not errors and not _county_is_plausible(number, kind=kind):
        warnings.append(finding(error_codes.ID_COUNTY_UNKNOWN))
    return IdValidation(
        normalised=number,
        is_valid=not errors,
        errors=errors,
        warnings=warnings if not errors else [],
        kind=kind,
        birth_date=birth_date if not errors else None,
    )


def _birth_date(number: str, *, today: date) -> date | None:
    # Positions 7-14 as ``stdnum.cn.ric.get_birth_date`` reads them, without its second
    # clean-up of a number already normalised and checked to be digits (a third of the time of
    # validating a number in a 100,000-number batch check).
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return birth_date if birth_date <= today else None


def _province_is_known(number: str, *, kind: str) -> bool:
    if kind == IdKind.FOREIGNER_PERMANENT:
        return number[1:3] in regions.MAINLAND_PROVINCES
    if kind == IdKind.RESIDENT:
        return number[:2] in regions.RESIDENT_PROVINCES
    return True


def _county_is_plausible(number: str, *, kind: str) -> bool:
    if kind == IdKind.RESIDENT:
        return regions.county_is_known(number[:6])
    if kind in (IdKind.HK_MACAO_PERMIT, IdKind.TAIWAN_PERMIT):
        return number[2:6] == "0000"
    return True


def normalise_uscc(raw: str | None) -> str:
    """A social credit code as typed, cleaned the same way as identity numbers, upper-cased."""
    text = (raw or "").translate(_FULL_WIDTH_ALPHANUMERIC)
    return "".join(text.split()).upper()


def validate_uscc(raw: str | None) -> UsccValidation:
    """Validate a unified social credit code (GB 32100-2015).

    The check character is computed by ``stdnum.cn.uscc``. A code whose embedded organisation
    code (characters 9 to 17, GB 11714) fails its own check is accepted with the warning
    ``uscc_pilot_code``: codes issued during the pilot did not always carry a valid one.
    """
    normalised = normalise_uscc(raw)
    errors = []
    if len(normalised) != USCC_LENGTH:
        errors.append(finding(error_codes.USCC_LENGTH))
    elif not _USCC_SHAPE.fullmatch(normalised):
        errors.append(finding(error_codes.USCC_CHARSET))
    elif normalised[-1] != uscc.calc_check_digit(normalised):
        errors.append(finding(error_codes.USCC_CHECKSUM))
    if errors:
        return UsccValidation(normalised=normalised, is_valid=False, errors=errors)
    warnings = []
    if not organisation_code_is_valid(normalised[8:17]):
        warnings.append(finding(error_codes.USCC_PILOT_CODE))
    return UsccValidation(normalised=normalised, is_valid=True, warnings=warnings)


def organisation_code_check_character(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(
        int(character, 36) * weight
        for character, weight in zip(body, _ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def organisation_code_is_valid(code: str) -> bool:
    """Whether a 9-character organisation code (8 characters and a check) passes GB 11714."""
    return len(code) == 9 and organisation_code_check_character(code[:8]) == code[8]


def id_number_checked(id_number: str | None) -> str:
    """The normalised 18-character ``id_number`` of a request, or ``DomainError`` 422
    ``id_number_invalid`` carrying the validator's first error on the ``id_number`` field."""
    validation = validate_id_number(id_number or "")
    if not validation.is_valid:
        first = validation.errors[0]
        raise DomainError(
            code=error_codes.ID_NUMBER_INVALID,
            message=first.message,
            message_en=first.message_en,
            status=422,
            details={
                "errors": [
                    {
                        "field": "id_number",
                        "code": first.code,
                        "message": first.message,
                        "message_en": first.message_en,
                    }
                ]
            },
        )
    return validation.normalised
