"""The Table Schema subset validator and header matching."""

from __future__ import annotations

import pytest

from chengxin.catalog import error_codes
from chengxin.catalog.choices import FieldSet
from chengxin.catalog.fields import COMMON_FIELD_NAMES, full_table_schema
from chengxin.catalog.schema import (
    ambiguous_header_problems,
    match_header_in_schema,
    normalise_header,
    validate_table_schema,
)
from chengxin.catalog.tests.factories import own_field


def codes_and_paths(problems):
    return [(problem.code, problem.path) for problem in problems]


def test_a_schema_with_every_supported_field_type_and_constraint_is_valid():
    # given
    schema = {
        "fields": [
            own_field("case_no", "案号", constraints={"required": True, "pattern": "^[0-9]+$"}),
            own_field("kind", "类型", constraints={"enum": ["甲", "乙"], "maxLength": 2}),
            {
                "name": "count",
                "title": "人数",
                "type": "integer",
                "constraints": {"minimum": 1, "maximum": 100},
            },
            {"name": "amount", "title": "金额", "type": "number", "constraints": {"minimum": 0.5}},
            {
                "name": "until",
                "title": "截止日",
                "type": "date",
                "format": "default",
                "constraints": {"minimum": "2017-01-01", "maximum": "2099-12-31"},
            },
            {"name": "done", "title": "是否履约", "type": "boolean", "aliases": ["履约"]},
        ],
        "primaryKey": ["case_no"],
        "missingValues": [""],
    }

    # when
    problems = validate_table_schema(schema)

    # then
    assert problems == []


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ([], [(error_codes.SCHEMA_NOT_OBJECT, "")]),
        ({}, [(error_codes.SCHEMA_FIELDS_MISSING, "fields")]),
        (
            {"fields": [], "foreignKeys": []},
            [(error_codes.SCHEMA_UNKNOWN_PROPERTY, "foreignKeys")],
        ),
        (
            {"fields": [own_field("CaseNo")]},
            [(error_codes.SCHEMA_FIELD_NAME, "fields[0].name")],
        ),
        (
            {"fields": [own_field(), own_field()]},
            [(error_codes.SCHEMA_FIELD_NAME_TAKEN, "fields[1].name")],
        ),
        (
            {"fields": [own_field(title=" ")]},
            [(error_codes.SCHEMA_FIELD_TITLE, "fields[0].title")],
        ),
        (
            {"fields": [own_field(type="datetime")]},
            [(error_codes.SCHEMA_FIELD_TYPE, "fields[0].type")],
        ),
        (
            {"fields": [own_field(format="%Y/%m/%d")]},
            [(error_codes.SCHEMA_FIELD_FORMAT, "fields[0].format")],
        ),
        (
            {"fields": [own_field(rdfType="x")]},
            [(error_codes.SCHEMA_UNKNOWN_PROPERTY, "fields[0].rdfType")],
        ),
        (
            {"fields": [own_field(constraints={"unique": True})]},
            [(error_codes.SCHEMA_CONSTRAINT_UNKNOWN, "fields[0].constraints.unique")],
        ),
        (
            {"fields": [own_field(constraints={"required": "yes"})]},
            [(error_codes.SCHEMA_CONSTRAINT_TYPE, "fields[0].constraints.required")],
        ),
        (
            {"fields": [own_field(constraints={"pattern": "[0-9"})]},
            [(error_codes.SCHEMA_PATTERN_INVALID, "fields[0].constraints.pattern")],
        ),
        (
            {"fields": [own_field(type="integer", constraints={"pattern": "^1$"})]},
            [(error_codes.SCHEMA_CONSTRAINT_NOT_APPLICABLE, "fields[0].constraints.pattern")],
        ),
        (
            {"fields": [own_field(type="date", constraints={"maxLength": 10})]},
            [(error_codes.SCHEMA_CONSTRAINT_NOT_APPLICABLE, "fields[0].constraints.maxLength")],
        ),
        (
            {"fields": [own_field(constraints={"maxLength": 0})]},
            [(error_codes.SCHEMA_CONSTRAINT_TYPE, "fields[0].constraints.maxLength")],
        ),
        (
            {"fields": [own_field(constraints={"enum": []})]},
            [(error_codes.SCHEMA_ENUM_INVALID, "fields[0].constraints.enum")],
        ),
        (
            {"fields": [own_field(constraints={"enum": ["甲", "甲"]})]},
            [(error_codes.SCHEMA_ENUM_INVALID, "fields[0].constraints.enum")],
        ),
        (
            {"fields": [own_field(type="integer", constraints={"enum": [1, "2"]})]},
            [(error_codes.SCHEMA_ENUM_INVALID, "fields[0].constraints.enum")],
        ),
        (
            {"fields": [own_field(type="integer", constraints={"minimum": 1.5})]},
            [(error_codes.SCHEMA_CONSTRAINT_TYPE, "fields[0].constraints.minimum")],
        ),
        (
            {"fields": [own_field(type="integer", constraints={"minimum": True})]},
            [(error_codes.SCHEMA_CONSTRAINT_TYPE, "fields[0].constraints.minimum")],
        ),
        (
            {"fields": [own_field(type="date", constraints={"minimum": "2026/03/01"})]},
            [(error_codes.SCHEMA_CONSTRAINT_TYPE, "fields[0].constraints.minimum")],
        ),
        (
            {"fields": [own_field(constraints={"minimum": 1})]},
            [(error_codes.SCHEMA_CONSTRAINT_NOT_APPLICABLE, "fields[0].constraints.minimum")],
        ),
        (
            {"fields": [own_field(type="number", constraints={"minimum": 5, "maximum": 1})]},
            [(error_codes.SCHEMA_RANGE_INVALID, "fields[0].constraints.minimum")],
        ),
        (
            {"fields": [own_field(aliases=["案号", "案号"])]},
            [(error_codes.SCHEMA_ALIASES_INVALID, "fields[0].aliases")],
        ),
        (
            {"fields": [own_field(aliases="案号")]},
            [(error_codes.SCHEMA_ALIASES_INVALID, "fields[0].aliases")],
        ),
        (
            {"fields": [own_field()], "primaryKey": ["missing"]},
            [(error_codes.SCHEMA_CONSTRAINT_TYPE, "primaryKey")],
        ),
    ],
)
def test_the_validator_names_each_problem_with_its_code_and_path(schema, expected):
    # when
    problems = validate_table_schema(schema)

    # then
    assert codes_and_paths(problems) == expected


def test_every_problem_carries_a_chinese_and_an_english_message():
    # when
    [problem] = validate_table_schema({"fields": [own_field(type="datetime")]})

    # then
    assert problem.message == "字段类型必须是 string、integer、number、date 或 boolean。"
    assert problem.message_en == "The field type must be string, integer, number, date or boolean."


def test_the_full_schema_starts_with_the_common_fields_then_the_own_fields():
    # when
    schema = full_table_schema({"fields": [own_field()]})

    # then
    assert [field["name"] for field in schema["fields"]] == [*COMMON_FIELD_NAMES, "case_no"]
    assert schema["primaryKey"] == ["source_id"]
    assert validate_table_schema(schema) == []
    assert ambiguous_header_problems(schema) == []


def test_the_penalty_field_set_takes_the_double_publicity_titles_for_the_common_fields():
    # when
    schema = full_table_schema({"fields": []}, FieldSet.PENALTY)

    # then
    titles = {field["name"]: field["title"] for field in schema["fields"][:6]}
    assert titles == {
        "source_id": "记录编号",
        "id_number": "证件号码",
        "name": "行政相对人名称",
        "decided_on": "处罚决定日期",
        "authority": "处罚机关",
        "document_no": "行政处罚决定书文号",
    }
    assert [field["title"] for field in schema["fields"][6:]] == [
        "行政相对人类别",
        "证件类型",
        "违法行为类型",
        "违法事实",
        "处罚依据",
        "处罚类别",
        "处罚内容",
        "罚款金额（万元）",
        "处罚有效期",
        "公示截止期",
        "处罚机关统一社会信用代码",
        "数据来源单位",
        "数据来源单位统一社会信用代码",
        "备注",
    ]
    assert schema["fields"][5]["constraints"]["required"] is True
    assert validate_table_schema(schema) == []
    assert ambiguous_header_problems(schema) == []


def test_the_licence_field_set_is_a_valid_unambiguous_schema():
    # when
    schema = full_table_schema({"fields": []}, FieldSet.LICENCE)

    # then
    assert validate_table_schema(schema) == []
    assert ambiguous_header_problems(schema) == []
    assert schema["fields"][3]["title"] == "许可决定日期"
    assert "决定日期" in schema["fields"][3]["aliases"]


def test_an_own_field_titled_like_a_common_alias_is_an_ambiguous_header():
    # given
    schema = full_table_schema({"fields": [own_field("extra_id", "身份证号")]})

    # when
    problems = ambiguous_header_problems(schema)

    # then
    assert codes_and_paths(problems) == [(error_codes.SCHEMA_HEADER_AMBIGUOUS, "fields[6]")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("证件号码", "证件号码"),
        ("证件号码：", "证件号码"),
        ("证件号码:", "证件号码"),
        (" 证 件 号 码 ", "证件号码"),
        ("证件号码\u3000", "证件号码"),
        ("*证件号码", "证件号码"),
        ("行政相对人代码_5（居民身份证号）", "行政相对人代码_5(居民身份证号)"),
        ("罚款金额(万元)", "罚款金额(万元)"),
        ("ＩＤ_Number", "id_number"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_header(header, expected):
    # when / then
    assert normalise_header(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("id_number", "id_number"),
        ("身份证号码", "id_number"),
        ("证件号码：", "id_number"),
        ("证件号码:", "id_number"),
        ("身份证号", "id_number"),
        ("居民身份证号码", "id_number"),
        ("行政相对人代码_5(居民身份证号)", "id_number"),
        ("行政相对人代码_5（居民身份证号）", "id_number"),
        ("行政相对人代码_5 （ 居民身份证号 ） ：", "id_number"),
        ("证件号码(居民身份证号)", "id_number"),
        ("证件号码（居民身份证号）", "id_number"),
        ("证件号码 （居民身份证号）：", "id_number"),
        ("证件号码[居民身份证号]", None),
        ("行政相对人名称", "name"),
        ("处罚决定日期", "decided_on"),
        ("处罚机关", "authority"),
        ("行政处罚决定书文号", "document_no"),
        ("罚款金额(万元)", "fine_amount"),
        ("罚款金额（万元）：", "fine_amount"),
        ("案号", "case_no"),
        ("备注", "remarks"),
        ("姓名 ", "name"),
        ("不存在的列", None),
        ("", None),
    ],
)
def test_match_header_in_a_penalty_schema(header, expected):
    # given
    schema = full_table_schema({"fields": [own_field()]}, FieldSet.PENALTY)

    # when / then
    assert match_header_in_schema(schema, header) == expected
