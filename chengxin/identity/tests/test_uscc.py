"""Unified social credit codes (GB 32100) and the pilot-code warning."""

import pytest
from stdnum.cn import uscc

from chengxin.identity import error_codes
from chengxin.identity.validation import (
    organisation_code_check_character,
    validate_uscc,
)


def _with_check(body: str) -> str:
    return body + uscc.calc_check_digit(body + "0")


def test_valid_code_passes_without_warning():
    # when
    validation = validate_uscc("91110000600037341L")

    # then
    assert validation.is_valid is True
    assert validation.normalised == "91110000600037341L"
    assert validation.warnings == []


def test_code_is_normalised_before_validation():
    # when
    validation = validate_uscc(" 9111 0000 ６０００３７３４１l ")

    # then
    assert validation.is_valid is True
    assert validation.normalised == "91110000600037341L"


def test_pilot_code_failing_only_its_organisation_code_check_is_accepted_with_warning():
    # given: organisation code 60003734 has check character 1; use 2 instead
    code = _with_check("91110000600037342")

    # when
    validation = validate_uscc(code)

    # then
    assert validation.is_valid is True
    assert validation.warning_codes == [error_codes.USCC_PILOT_CODE]
    assert validation.warnings[0].message_en == (
        "The embedded organisation code fails its check; this may be a pilot-era code, please check."
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", error_codes.USCC_LENGTH),
        ("91110000600037341", error_codes.USCC_LENGTH),
        ("91110000600037341LL", error_codes.USCC_LENGTH),
        ("9111000060003734IL", error_codes.USCC_CHARSET),
        ("911100A0600037341L", error_codes.USCC_CHARSET),
        ("91110000600037341M", error_codes.USCC_CHECKSUM),
    ],
)
def test_invalid_codes_name_their_error(raw, code):
    # when
    validation = validate_uscc(raw)

    # then
    assert validation.is_valid is False
    assert [error.code for error in validation.errors] == [code]


@pytest.mark.parametrize(
    ("body", "check"),
    [("60003734", "1"), ("D2143569", "X"), ("12345678", "8")],
)
def test_organisation_code_check_character(body, check):
    # when
    calculated = organisation_code_check_character(body)

    # then
    assert calculated == check
