"""Validating rows against an item's full Table Schema: types, constraints, identity numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.catalog.tests.factories import make_item, own_field
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.ingest.rows import RowError, RowValidator, _Refused, validate_row
from chengxin.identity import error_codes as identity_codes

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
ID_NUMBER = "230202198005010121"
LEGACY_ID_NUMBER = "230202800501012"


@pytest.fixture
def schema():
    item = make_item(
        code="wage-arrears",
        schema={
            "fields": [
                own_field(
                    "case_no",
                    "案号",
                    constraints={"required": True, "pattern": "[A-Z]-[0-9]+", "maxLength": 100},
                ),
                own_field("role", "责任身份", constraints={"enum": ["甲", "乙"]}),
                {
                    "name": "workers",
                    "title": "涉及人数",
                    "type": "integer",
                    "constraints": {"minimum": 1, "maximum": 1000},
                },
                {
                    "name": "amount",
                    "title": "拖欠金额（万元）",
                    "type": "number",
                    "constraints": {"minimum": 0},
                },
                {
                    "name": "listed_until",
                    "title": "列入期限截止日",
                    "type": "date",
                    "constraints": {"minimum": "2020-01-01"},
                },
                {"name": "paid", "title": "是否已清偿", "type": "boolean"},
            ]
        },
    )
    return catalog_item_table_schema(item)


def row(**changes):
    values = {
        "source_id": "1001",
        "id_number": ID_NUMBER,
        "name": " 张三 ",
        "decided_on": "2026年3月1日",
        "authority": "齐齐哈尔市人力资源和社会保障局",
        "document_no": "",
        "case_no": "A-1",
        "role": "甲",
        "workers": "3",
        "amount": "1,250.50",
        "listed_until": 46447,
        "paid": "是",
    }
    values.update(changes)
    return values


def test_valid_row_is_cleaned_into_typed_values(schema):
    # when
    result = validate_row(schema=schema, values=row(), row_number=3, today=TODAY)

    # then
    assert result.errors == []
    assert result.is_valid is True
    assert result.cleaned == {
        "source_id": "1001",
        "id_number": ID_NUMBER,
        "name": "张三",
        "decided_on": date(2026, 3, 1),
        "authority": "齐齐哈尔市人力资源和社会保障局",
        "case_no": "A-1",
        "role": "甲",
        "workers": 3,
        "amount": Decimal("1250.50"),
        "listed_until": date(2027, 3, 1),
        "paid": True,
    }


def test_values_from_xlsx_cells_are_accepted(schema):
    # given
    values = row(source_id=1001, workers=3, amount=2.5, decided_on=date(2026, 3, 1), paid="否")

    # when
    result = validate_row(schema=schema, values=values, row_number=3, today=TODAY)

    # then
    assert result.errors == []
    assert result.cleaned["source_id"] == "1001"
    assert result.cleaned["workers"] == 3
    assert result.cleaned["amount"] == Decimal("2.5")
    assert result.cleaned["paid"] is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", True),
        ("否", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("Y", True),
        ("n", False),
        (True, True),
    ],
)
def test_booleans_as_departments_write_them(schema, text, expected):
    # when
    result = validate_row(schema=schema, values=row(paid=text), row_number=3, today=TODAY)

    # then
    assert result.cleaned["paid"] is expected


def test_wrong_check_character_is_one_error_without_the_number(schema):
    # given
    wrong = ID_NUMBER[:-1] + "2"

    # when
    result = validate_row(schema=schema, values=row(id_number=wrong), row_number=12, today=TODAY)

    # then
    assert result.errors == [
        RowError(
            row=12,
            field="id_number",
            code=identity_codes.ID_CHECKSUM,
            message="第12行“身份证号码”：身份证号码校验码不正确，请核对号码。",
            message_en="Row 12, column “身份证号码” (id_number): "
            "The check character of the identity number is wrong; please check the number.",
        )
    ]
    assert "id_number" not in result.cleaned
    assert wrong not in result.errors[0].message + result.errors[0].message_en


def test_fifteen_digit_number_is_converted_with_a_warning(schema):
    # when
    result = validate_row(
        schema=schema, values=row(id_number=LEGACY_ID_NUMBER), row_number=3, today=TODAY
    )

    # then
    assert result.errors == []
    assert result.cleaned["id_number"] == ID_NUMBER
    assert [warning.code for warning in result.warnings] == [identity_codes.ID_CONVERTED_15]


def test_lowercase_x_and_spaces_are_normalised(schema):
    # given
    number = "11010519491231002X"

    # when
    result = validate_row(
        schema=schema, values=row(id_number=" 110105 19491231002x "), row_number=3, today=TODAY
    )

    # then
    assert result.errors == []
    assert result.cleaned["id_number"] == number


def test_every_problem_of_a_row_is_reported_once(schema):
    # given
    values = row(
        source_id="",
        name="",
        decided_on="2026-02-30",
        case_no="a1",
        role="丙",
        workers="3.5",
        amount="-1",
        listed_until="2019-12-31",
        paid="也许",
    )

    # when
    result = validate_row(schema=schema, values=values, row_number=7, today=TODAY)

    # then
    assert [(error.field, error.code) for error in result.errors] == [
        ("source_id", row_error_codes.FIELD_REQUIRED),
        ("name", row_error_codes.FIELD_REQUIRED),
        ("decided_on", row_error_codes.DATE_INVALID),
        ("case_no", row_error_codes.FIELD_PATTERN),
        ("role", row_error_codes.FIELD_ENUM),
        ("workers", row_error_codes.FIELD_TYPE),
        ("amount", row_error_codes.FIELD_MINIMUM),
        ("listed_until", row_error_codes.FIELD_MINIMUM),
        ("paid", row_error_codes.FIELD_TYPE),
    ]
    assert {error.row for error in result.errors} == {7}
    assert set(result.cleaned) == {"id_number", "authority"}


@pytest.mark.parametrize(
    ("changes", "code", "message", "message_en"),
    [
        (
            {"source_id": "   "},
            row_error_codes.FIELD_REQUIRED,
            "第5行“记录编号”：必填项为空，请填写。",
            "Row 5, column “记录编号” (source_id): This value is required.",
        ),
        (
            {"workers": "很多"},
            row_error_codes.FIELD_TYPE,
            "第5行“涉及人数”：应为整数，例如12。",
            "Row 5, column “涉及人数” (workers): A whole number is expected, for example 12.",
        ),
        (
            {"amount": "五万"},
            row_error_codes.FIELD_TYPE,
            "第5行“拖欠金额（万元）”：应为数字，例如12.5。",
            "Row 5, column “拖欠金额（万元）” (amount): A number is expected, for example 12.5.",
        ),
        (
            {"workers": "1001"},
            row_error_codes.FIELD_MAXIMUM,
            "第5行“涉及人数”：不能大于1000。",
            "Row 5, column “涉及人数” (workers): Must not be greater than 1000.",
        ),
        (
            {"workers": 0},
            row_error_codes.FIELD_MINIMUM,
            "第5行“涉及人数”：不能小于1。",
            "Row 5, column “涉及人数” (workers): Must not be less than 1.",
        ),
        (
            {"role": "丙"},
            row_error_codes.FIELD_ENUM,
            "第5行“责任身份”：不是可选的值，应为：甲、乙。",
            "Row 5, column “责任身份” (role): Not one of the allowed values: 甲、乙.",
        ),
        (
            {"case_no": "A-" + "1" * 99},
            row_error_codes.FIELD_MAX_LENGTH,
            "第5行“案号”：超过100个字符（现有101个），请缩短。",
            "Row 5, column “案号” (case_no): Longer than 100 characters (101); shorten it.",
        ),
        (
            {"decided_on": "2026/3/11"},
            row_error_codes.DECIDED_ON_FUTURE,
            "第5行“决定日期”：决定日期晚于今天，请核对。",
            "Row 5, column “决定日期” (decided_on): "
            "The decision date is later than today; please check it.",
        ),
        (
            {"listed_until": 60},
            row_error_codes.DATE_INVALID,
            "第5行“列入期限截止日”：不是有效的日期，请写成2026-03-01的形式。",
            "Row 5, column “列入期限截止日” (listed_until): "
            "This is not a valid date; write it as 2026-03-01.",
        ),
        (
            {"id_number": "12345"},
            identity_codes.ID_LENGTH,
            "第5行“身份证号码”：身份证号码应为18位（或15位旧号码）。",
            "Row 5, column “身份证号码” (id_number): "
            "An identity number has 18 characters (or 15 digits for an old number).",
        ),
    ],
)
def test_messages_name_the_row_the_column_and_what_is_expected(
    schema, changes, code, message, message_en
):
    # when
    result = validate_row(schema=schema, values=row(**changes), row_number=5, today=TODAY)

    # then
    assert [(error.code, error.message, error.message_en) for error in result.errors] == [
        (code, message, message_en)
    ]


def test_decided_on_today_is_accepted(schema):
    # when
    result = validate_row(schema=schema, values=row(decided_on=TODAY), row_number=3, today=TODAY)

    # then
    assert result.errors == []


def test_unknown_key_of_a_json_row_is_an_error(schema):
    # when
    result = validate_row(
        schema=schema, values={**row(), "nickname": "三儿"}, row_number=1, today=TODAY
    )

    # then
    assert result.errors == [
        RowError(
            row=1,
            field="nickname",
            code=row_error_codes.FIELD_UNKNOWN,
            message="第1行：字段“nickname”不属于该目录项，请删除或改用目录中的字段名。",
            message_en="Row 1: the field “nickname” does not belong to the catalog item; "
            "remove it or use a field name of the catalog.",
        )
    ]


def test_absent_optional_fields_are_left_out_of_the_cleaned_values(schema):
    # given
    values = {key: value for key, value in row().items() if key not in {"role", "paid"}}

    # when
    result = validate_row(schema=schema, values=values, row_number=3, today=TODAY)

    # then
    assert result.errors == []
    assert "role" not in result.cleaned
    assert "paid" not in result.cleaned


def test_a_validator_reused_for_many_rows_answers_as_validate_row(schema, monkeypatch):
    # given: one validator for several rows; numbers repeat, with a cache of two numbers
    from chengxin.collection.ingest import rows as rows_module

    monkeypatch.setattr(rows_module, "ID_CACHE_LIMIT", 2)
    validator = RowValidator(schema, today=TODAY)
    wrong = ID_NUMBER[:-1] + "2"
    numbers = [wrong, LEGACY_ID_NUMBER, wrong, "11010519491231002X", wrong, LEGACY_ID_NUMBER]
    cases = [
        row(id_number=number, workers=str(index), role="丙" if index % 2 else "甲")
        for index, number in enumerate(numbers, 1)
    ]

    # when
    reused = [validator.validate(values, row_number=number) for number, values in enumerate(cases)]

    # then
    assert reused == [
        validate_row(schema=schema, values=values, row_number=number, today=TODAY)
        for number, values in enumerate(cases)
    ]
    assert [error.row for error in reused[4].errors] == [4, 4]


_RAW_VALUES = [
    " A-1 ",
    "a-1",
    "甲",
    "丙",
    "x" * 2001,
    "0",
    "1001",
    "1,250.50",
    "-1",
    "2026-03-01",
    "2026-02-30",
    "2019-12-31",
    "2030-01-01",
    "２０２６-０３-０１",
    "20260301",
    46447,
    "是",
    "maybe",
    True,
    date(2026, 3, 1),
    ID_NUMBER,
    LEGACY_ID_NUMBER,
    "230202198005010122",
]


def test_each_compiled_field_check_finds_what_the_field_check_finds(schema):
    # given
    validator = RowValidator(schema, today=TODAY)

    for check, clean in validator._steps:
        for raw in _RAW_VALUES:
            # when
            value, problems, remarks = validator._check(check, raw)

            # then: the same value, or the same problems and remarks in the same order
            if not problems and not remarks:
                assert clean(raw) == value, (check.name, raw)
                continue
            with pytest.raises(_Refused) as refused:
                clean(raw)
            assert (refused.value.problems, refused.value.remarks) == (problems, remarks)
            if not problems:
                assert refused.value.value == value
