"""Identity numbers: the shared vectors, the rules of SPEC §2, and properties over generated numbers."""

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from chengxin.identity import error_codes
from chengxin.identity.choices import IdKind
from chengxin.identity.regions import MAINLAND_PROVINCES, RESIDENT_PROVINCES
from chengxin.identity.validation import (
    convert_15_to_18,
    normalise_id_number,
    validate_id_number,
)

SHARED_VECTORS = Path("/work/shared/data/id_vectors.csv")
LOCAL_VECTORS = Path(__file__).parent / "data" / "id_vectors.csv"


def _vectors() -> list[dict[str, str]]:
    path = SHARED_VECTORS if SHARED_VECTORS.exists() else LOCAL_VECTORS
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("vector", _vectors(), ids=lambda vector: vector["note"] or vector["input"])
def test_shared_vectors(vector):
    # given
    expected_valid = vector["valid"] == "true"

    # when
    validation = validate_id_number(vector["input"])

    # then
    assert validation.is_valid is expected_valid
    if expected_valid:
        assert validation.normalised == vector["normalized"]
        assert validation.errors == []
    else:
        assert validation.errors[0].code == vector["error_code"]


def test_the_local_copy_of_the_vectors_matches_the_shared_file():
    # given
    if not SHARED_VECTORS.exists():
        pytest.skip("the shared directory is not beside this clone")

    # when
    local = LOCAL_VECTORS.read_bytes()

    # then
    assert local == SHARED_VECTORS.read_bytes()


def test_fifteen_digit_number_is_converted_and_says_so():
    # when
    validation = validate_id_number("230202900101123")

    # then
    assert validation.is_valid is True
    assert validation.normalised == "230202199001011236"
    assert validation.warning_codes == [error_codes.ID_CONVERTED_15]
    assert validation.warnings[0].message == "由15位号码转换为18位。"
    assert validation.birth_date == date(1990, 1, 1)


def test_fifteen_characters_with_a_letter_is_a_charset_error():
    # when
    validation = validate_id_number("23020290010112X")

    # then
    assert validation.error_codes == [error_codes.ID_CHARSET]


def test_unknown_county_is_only_a_warning():
    # given
    number = _with_check("23029919900101002")

    # when
    validation = validate_id_number(number)

    # then
    assert validation.is_valid is True
    assert validation.warning_codes == [error_codes.ID_COUNTY_UNKNOWN]


def test_county_created_after_the_birth_year_is_accepted_without_warning():
    # given: 230281 讷河市 exists since 1992; stdnum's own validate() rejects this number
    number = _with_check("23028119800101002")

    # when
    validation = validate_id_number(number)

    # then
    assert ric.is_valid(number) is False
    assert validation.is_valid is True
    assert validation.warnings == []


def test_each_error_has_chinese_and_english_messages():
    # when
    validation = validate_id_number("23020219900229002X")

    # then
    assert validation.errors[0].code == error_codes.ID_BIRTH_DATE
    assert validation.errors[0].message == "身份证号码中的出生日期不存在或晚于今天。"
    assert validation.errors[0].message_en == (
        "The birth date in the identity number does not exist or is in the future."
    )


def test_birth_date_today_is_valid_and_tomorrow_is_not():
    # given
    today = date(2024, 5, 20)
    born_today = _with_check("23020220240520002")
    born_tomorrow = _with_check("23020220240521002")

    # when
    on_the_day = validate_id_number(born_today, today=today)
    the_day_before = validate_id_number(born_tomorrow, today=today)

    # then
    assert on_the_day.is_valid is True
    assert the_day_before.error_codes == [error_codes.ID_BIRTH_DATE]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("81000019800101001", IdKind.HK_MACAO_PERMIT),
        ("82000019800101001", IdKind.HK_MACAO_PERMIT),
        ("83000019800101001", IdKind.TAIWAN_PERMIT),
        ("91184019850101001", IdKind.FOREIGNER_PERMANENT),
        ("71000019800101001", IdKind.RESIDENT),
        ("23020219800101001", IdKind.RESIDENT),
    ],
)
def test_kind_is_read_from_the_prefix(body, kind):
    # when
    validation = validate_id_number(_with_check(body))

    # then
    assert validation.is_valid is True
    assert validation.kind == kind


@pytest.mark.parametrize("body", ["10020219900101002", "72000019900101002", "90084019900101002"])
def test_unknown_province_prefix_is_refused(body):
    # when
    validation = validate_id_number(_with_check(body))

    # then
    assert validation.error_codes == [error_codes.ID_REGION]


def test_several_errors_are_all_reported_in_checking_order():
    # given: wrong check character, month 13 and province 00
    number = "000202199013010020"

    # when
    validation = validate_id_number(number)

    # then
    assert validation.error_codes == [
        error_codes.ID_CHECKSUM,
        error_codes.ID_BIRTH_DATE,
        error_codes.ID_REGION,
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u3000230202 1990\t0101 123x\n", "23020219900101123X"),
        ("２３０２０２１９９００１０１１２３６", "230202199001011236"),
        (None, ""),
    ],
)
def test_normalisation(raw, expected):
    # when
    normalised = normalise_id_number(raw)

    # then
    assert normalised == expected


def test_convert_15_to_18_inserts_the_century_and_the_check():
    # when
    converted = convert_15_to_18("110105491231002")

    # then
    assert converted == "11010519491231002X"


# --- properties ---------------------------------------------------------------------------


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


_birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31))
_sequences = st.integers(min_value=0, max_value=999).map(lambda value: f"{value:03d}")
_county_digits = st.integers(min_value=0, max_value=9999).map(lambda value: f"{value:04d}")
_resident_regions = st.builds(
    lambda province, county: province + county,
    st.sampled_from(sorted(RESIDENT_PROVINCES)),
    _county_digits,
)
_permit_regions = st.sampled_from(["810000", "820000", "830000"])
_foreigner_regions = st.builds(
    lambda province, nationality: "9" + province + f"{nationality:03d}",
    st.sampled_from(sorted(MAINLAND_PROVINCES)),
    st.integers(min_value=0, max_value=999),
)
valid_numbers = st.builds(
    lambda region, birth_date, sequence: _with_check(f"{region}{birth_date:%Y%m%d}{sequence}"),
    st.one_of(_resident_regions, _permit_regions, _foreigner_regions),
    _birth_dates,
    _sequences,
)


@given(number=valid_numbers)
def test_every_generated_valid_number_passes(number):
    # when
    validation = validate_id_number(number)

    # then
    assert validation.is_valid is True
    assert validation.normalised == number
    assert validation.errors == []


@given(
    number=valid_numbers,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from("0123456789X"),
)
def test_every_single_character_change_fails(number, position, replacement):
    # given
    changed = number[:position] + replacement + number[position + 1 :]
    if changed == number:
        changed = number[:position] + ("1" if number[position] == "0" else "0")
        changed += number[position + 1 :]

    # when
    validation = validate_id_number(changed)

    # then
    assert validation.is_valid is False


@given(raw=st.text())
def test_normalisation_is_idempotent(raw):
    # when
    once = normalise_id_number(raw)

    # then
    assert normalise_id_number(once) == once


@given(number=valid_numbers, spaces=st.lists(st.integers(min_value=0, max_value=18), max_size=4))
def test_typing_variants_normalise_to_the_same_number(number, spaces):
    # given
    typed = number.lower()
    for position in sorted(spaces, reverse=True):
        typed = typed[:position] + " " + typed[position:]
    full_width = "".join(chr(ord(character) + 0xFEE0) for character in number)

    # when
    from_spaces = validate_id_number(typed)
    from_full_width = validate_id_number(full_width)

    # then
    assert from_spaces.normalised == number
    assert from_full_width.normalised == number
