"""The ID-number detector: the layouts, boundaries and forms it finds, what it leaves alone, and
properties over every number the platform's validation accepts."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from chengxin.identity.detection import (
    IdNumberSpan,
    contains_id_number,
    id_number_spans,
    id_numbers_in,
    redact_id_numbers,
)
from chengxin.identity.regions import MAINLAND_PROVINCES, RESIDENT_PROVINCES
from chengxin.identity.synthetic import synthetic_id_number
from chengxin.identity.validation import validate_id_number

# 230208 (梅里斯达斡尔族区) has carried this code since 1988 only: python-stdnum's ``ric.is_valid``
# rejects the number of someone born there in 1970, the platform accepts it.
COUNTY_RENAMED = synthetic_id_number(region_code="230208", birth_date=date(1970, 1, 1), sequence=1)
WITH_X = "11010519491231002X"
LEGACY = "230202800501012"
LEGACY_AS_18 = validate_id_number(LEGACY).normalised


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def test_a_number_whose_county_code_is_younger_than_its_holder_is_found():
    # given
    assert ric.is_valid(COUNTY_RENAMED) is False
    assert validate_id_number(COUNTY_RENAMED).is_valid is True

    # when
    found = id_number_spans(f"案件编号 {COUNTY_RENAMED}")

    # then
    assert found == [IdNumberSpan(start=5, end=23, normalised=COUNTY_RENAMED)]


@pytest.mark.parametrize(
    "text",
    [
        WITH_X,
        WITH_X.lower(),
        _full_width(WITH_X),
        _full_width(WITH_X.lower()),
        f"身份证号码{WITH_X}号",
        f"ID{WITH_X}",
        f"sfz{WITH_X.lower()}abc",
        f"（{WITH_X}）",
        "110105 19491231 002X",
        "110105-19491231-002x",
        "110105 - 19491231 - 002X",
        "110105\u300019491231\u3000002X",
        "110105－19491231－002X",
        "110105 19491231 002 X",
        "110105 1949 1231 002X",
        "1101 0519 4912 3100 2X",
        _full_width("110105 19491231 002X"),
    ],
)
def test_the_forms_people_type_are_found(text):
    # when
    numbers = id_numbers_in(text)

    # then
    assert numbers == [WITH_X]


@pytest.mark.parametrize("text", [LEGACY, f"旧号码{LEGACY}。", "230202 800501 012"])
def test_old_fifteen_digit_numbers_are_found_in_their_eighteen_character_form(text):
    # when
    numbers = id_numbers_in(text)

    # then
    assert numbers == [LEGACY_AS_18]


@pytest.mark.parametrize(
    "text",
    [
        f"1{COUNTY_RENAMED}",  # a run of 19 digits: another kind of number
        f"{COUNTY_RENAMED}7",
        f"6222{LEGACY}",
        COUNTY_RENAMED[:-1] + ("0" if COUNTY_RENAMED[-1] != "0" else "1"),  # wrong check
        "2302 08197 00101 0013",  # not a layout people use
        "230208 19700101\n0013",  # a line break joins nothing
        "当事人于2026年3月1日销售过期食品，货值金额1234.50元，罚款20000元。",
        "齐市监罚〔2026〕0012号，电话0452-2401234，13800138000",
        "",
    ],
)
def test_texts_without_a_number_are_left_alone(text):
    # when
    found = contains_id_number(text)

    # then
    assert found is False


def test_several_numbers_are_all_found_in_order():
    # given
    text = f"{WITH_X}、{COUNTY_RENAMED} 和 {LEGACY}"

    # when
    numbers = id_numbers_in(text)

    # then
    assert numbers == [WITH_X, COUNTY_RENAMED, LEGACY_AS_18]


def test_a_number_starting_inside_a_failed_candidate_is_still_found():
    # given: "999999" and the number's first three groups make a 6-4-4-4 candidate, which fails
    text = "999999 1101 0519 4912 3100 2X"

    # when
    numbers = id_numbers_in(text)

    # then
    assert numbers == [WITH_X]


def test_redaction_masks_each_number_and_keeps_the_rest():
    # given
    text = f"导入 {WITH_X.lower()}.csv 失败；{_full_width(COUNTY_RENAMED)}。"

    # when
    redacted = redact_id_numbers(text)

    # then
    assert redacted == "导入 110105********002X.csv 失败；230208********0013。"


def test_redaction_leaves_a_text_without_numbers_as_it_is():
    # given
    text = "齐市监罚〔2026〕0012号"

    # when
    redacted = redact_id_numbers(text)

    # then
    assert redacted is text


# --- properties ---------------------------------------------------------------------------


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


_regions = st.one_of(
    st.builds(
        lambda province, county: province + f"{county:04d}",
        st.sampled_from(sorted(RESIDENT_PROVINCES)),
        st.integers(min_value=0, max_value=9999),
    ),
    st.sampled_from(["810000", "820000", "830000"]),
    st.builds(
        lambda province, nationality: "9" + province + f"{nationality:03d}",
        st.sampled_from(sorted(MAINLAND_PROVINCES)),
        st.integers(min_value=0, max_value=999),
    ),
)
# Birth dates from year 1 on (the validation takes any year up to today), every sequence.
_numbers_18 = st.builds(
    lambda region, born, sequence: _with_check(f"{region}{born.year:04d}{born:%m%d}{sequence:03d}"),
    _regions,
    st.dates(min_value=date(1, 1, 1), max_value=date(2024, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
_numbers_15 = st.builds(
    lambda region, born, sequence: f"{region}{born:%y%m%d}{sequence:03d}",
    st.builds(
        lambda province, county: province + f"{county:04d}",
        st.sampled_from(sorted(RESIDENT_PROVINCES)),
        st.integers(min_value=0, max_value=9999),
    ),
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
_LAYOUTS_18 = [(18,), (6, 8, 4), (6, 8, 3, 1), (6, 4, 4, 4), (4, 4, 4, 4, 2)]
_LAYOUTS_15 = [(15,), (6, 6, 3)]
_gaps = st.sampled_from([" ", "  ", "-", " - ", "\u3000", "\u00a0", "－", "–", "- "])
# Surrounding text of any characters but decimal digits (ASCII and full-width): a digit next to a
# number would make it part of a longer run.
_surroundings = st.text(st.characters(blacklist_categories=("Nd", "Cs")), max_size=30)


def _laid_out(number: str, layout: tuple[int, ...], gap: str) -> str:
    groups, position = [], 0
    for length in layout:
        groups.append(number[position : position + length])
        position += length
    return gap.join(groups)


@st.composite
def _typed(draw, numbers, layouts):
    """A number as someone might type it: a layout, a separator, lower or upper x, some
    characters full-width."""
    number = draw(numbers)
    text = _laid_out(number, draw(st.sampled_from(layouts)), draw(_gaps))
    if draw(st.booleans()):
        text = text.lower()
    widths = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(
        _full_width(character) if wide else character
        for character, wide in zip(text, widths, strict=True)
    )
    return number, text


@given(
    typed=st.one_of(_typed(_numbers_18, _LAYOUTS_18), _typed(_numbers_15, _LAYOUTS_15)),
    before=_surroundings,
    after=_surroundings,
)
def test_every_accepted_number_is_found_in_any_surrounding_text(typed, before, after):
    # given
    number, text = typed
    validation = validate_id_number(number)
    assume(validation.is_valid)

    # when
    numbers = id_numbers_in(before + text + after)

    # then
    assert numbers == [validation.normalised]
    assert number not in redact_id_numbers(before + text + after)


@given(
    number=_numbers_18,
    wrong=st.sampled_from("0123456789X"),
    layout=st.sampled_from(_LAYOUTS_18),
    gap=_gaps,
    before=_surroundings,
    after=_surroundings,
)
def test_a_number_with_a_wrong_check_character_is_not_found(
    number, wrong, layout, gap, before, after
):
    # given
    assume(wrong != number[-1])
    changed = number[:-1] + wrong

    # when
    found = contains_id_number(before + _laid_out(changed, layout, gap) + after)

    # then
    assert found is False


@given(
    body=st.text("0123456789", min_size=17, max_size=17),
    check=st.sampled_from("0123456789Xx"),
)
def test_a_lone_eighteen_character_string_is_found_exactly_when_the_validation_accepts_it(
    body, check
):
    # when
    found = contains_id_number(body + check)

    # then
    assert found is validate_id_number(body + check).is_valid


@given(digits=st.text("0123456789", min_size=15, max_size=15))
def test_a_lone_fifteen_digit_string_is_found_exactly_when_the_validation_accepts_it(digits):
    # when
    found = contains_id_number(digits)

    # then
    assert found is validate_id_number(digits).is_valid
