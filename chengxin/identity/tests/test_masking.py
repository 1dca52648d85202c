"""Masking of numbers and names per display context; a mask never shows birth date or sequence."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number, mask_name
from chengxin.identity.tests.test_validation import valid_numbers


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (MaskContext.PUBLIC, "230202********1236"),
        (MaskContext.PUBLIC_LISTED, "230202********1236"),
        (MaskContext.STAFF, "230202********1236"),
        (MaskContext.OWNER, "**************1236"),
    ],
)
def test_number_mask_per_context(context, expected):
    # when
    masked = mask_id_number("230202199001011236", context=context)

    # then
    assert masked == expected


def test_fifteen_digit_number_is_masked_in_its_eighteen_character_form():
    # when
    masked = mask_id_number("110105491231002", context=MaskContext.PUBLIC)

    # then
    assert masked == "110105********002X"


@pytest.mark.parametrize("raw", ["", "1234", "11010519491231002X1", "张三"])
def test_anything_else_is_masked_completely(raw):
    # when
    masked = mask_id_number(raw, context=MaskContext.PUBLIC)

    # then
    assert masked == "*" * len(raw)


def test_unknown_context_is_refused():
    # when / then
    with pytest.raises(ValueError, match="nowhere"):
        mask_id_number("230202199001011236", context="nowhere")


@given(number=valid_numbers, context=st.sampled_from(MaskContext.values))
def test_a_mask_never_shows_the_birth_date_and_nothing_beyond_region_and_last_four(number, context):
    # SPEC §2 fixes the public mask as region code + last four characters
    # (230202********1236); the last four include the sequence code, so what a mask may show is
    # bounded by that rule: never the birth date, never more than region and last four.

    # when
    masked = mask_id_number(number, context=context)

    # then
    assert len(masked) == 18
    assert masked[6:14] == "*" * 8
    assert masked[:6] in (number[:6], "*" * 6)
    assert masked[14:] == number[14:]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("欧阳", "欧*"),
        ("司马相如", "司马**"),
        ("王", "*"),
        ("", ""),
        ("买买提·艾力", "买**·**"),
        (" 李四 ", "李*"),
    ],
)
def test_public_name_mask(name, expected):
    # when
    masked = mask_name(name, context=MaskContext.PUBLIC)

    # then
    assert masked == expected


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (MaskContext.PUBLIC, "欧阳**"),
        (MaskContext.STAFF, "欧阳**"),
        (MaskContext.PUBLIC_LISTED, "欧阳娜娜"),
        (MaskContext.OWNER, "欧阳娜娜"),
    ],
)
def test_name_mask_per_context(context, expected):
    # when
    masked = mask_name("欧阳娜娜", context=context)

    # then
    assert masked == expected
