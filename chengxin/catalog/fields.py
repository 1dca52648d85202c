"""The fields every catalog item shares, and the national field sets items may follow (SPEC §3).

An item's full Table Schema is built here: the six common fields first (with the titles and
aliases of the item's field set, if any), then the field set's own fields, then the item's own
fields. Field titles are the Chinese column titles of the exchange specification; they are data
that files are matched against, so they are not translated with the interface.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from chengxin.catalog.choices import FieldSet

PRIMARY_KEY = ["source_id"]
MISSING_VALUES = [""]
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
IDENTITY_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"

COMMON_FIELD_NAMES = ("source_id", "id_number", "name", "decided_on", "authority", "document_no")

_COMMON_FIELDS: list[dict[str, Any]] = [
    {
        "name": "source_id",
        "title": "记录编号",
        "type": "string",
        "description": "报送单位自己的记录主键；同一单位、同一目录项下唯一，重复报送即更新该记录。",
        "constraints": {"required": True, "maxLength": 64},
        "aliases": ["业务编号", "数据编号", "记录标识", "唯一标识", "本单位记录编号", "信息编号"],
    },
    {
        "name": "id_number",
        "title": "身份证号码",
        "type": "string",
        "description": (
            "公民身份号码（18位）。导入前先规范化：去除空格，全角字符转半角，小写x转大写，"
            "15位号码转换为18位。"
        ),
        "constraints": {"required": True, "pattern": IDENTITY_NUMBER_PATTERN},
        "aliases": [
            "证件号码",
            "身份证号",
            "居民身份证号码",
            "居民身份证号",
            "公民身份号码",
            "证件号",
            "行政相对人代码_5(居民身份证号)",
            "证件号码(居民身份证号)",
            "行政相对人证件号码",
        ],
    },
    {
        "name": "name",
        "title": "姓名",
        "type": "string",
        "description": "信息主体的姓名，与身份证件一致。",
        "constraints": {"required": True, "maxLength": 100},
        "aliases": ["行政相对人名称", "当事人姓名", "当事人", "被执行人姓名", "人员姓名"],
    },
    {
        "name": "decided_on",
        "title": "决定日期",
        "type": "date",
        "description": "作出决定或认定的日期；各类期限自此日起算。",
        "constraints": {"required": True},
        "aliases": [
            "认定日期",
            "作出决定日期",
            "处罚决定日期",
            "许可决定日期",
            "发布日期",
            "表彰日期",
        ],
    },
    {
        "name": "authority",
        "title": "决定机关",
        "type": "string",
        "description": "作出决定或认定的机关或组织的全称。",
        "constraints": {"required": True, "maxLength": 200},
        "aliases": ["认定机关", "认定单位", "作出决定机关", "处罚机关", "许可机关", "执行法院"],
    },
    {
        "name": "document_no",
        "title": "决定文书号",
        "type": "string",
        "description": "决定书、认定文件或表彰文件的文号。",
        "constraints": {"required": False, "maxLength": 100},
        "aliases": [
            "文书号",
            "文号",
            "决定书文号",
            "行政处罚决定书文号",
            "行政许可决定文书号",
            "认定文书号",
            "表彰文件号",
        ],
    },
]


@dataclass(frozen=True)
class FieldSetDefinition:
    """A national field set: new titles for common fields where they coincide, and its own fields.

    ``common_overrides`` maps a common field name to the properties it takes in this set (its
    title in the national standard, and ``required`` where the standard demands it). The common
    field's usual title becomes one of its aliases, so both spellings match.
    """

    common_overrides: dict[str, dict[str, Any]]
    fields: list[dict[str, Any]] = field(default_factory=list)


def _text(
    name: str,
    title: str,
    *,
    required: bool = False,
    max_length: int = 200,
    enum: list[str] | None = None,
    aliases: list[str] | None = None,
    description: str = "",
) -> dict[str, Any]:
    """A string field descriptor (the most common kind in the national field sets)."""
    constraints: dict[str, Any] = {"required": required, "maxLength": max_length}
    if enum:
        constraints["enum"] = enum
    descriptor: dict[str, Any] = {"name": name, "title": title, "type": "string"}
    if description:
        descriptor["description"] = description
    descriptor["constraints"] = constraints
    descriptor["aliases"] = aliases or []
    return descriptor


_PARTY_CATEGORY = _text(
    "party_category",
    "行政相对人类别",
    max_length=20,
    enum=["自然人", "个体工商户"],
    description="双公示标准中的行政相对人类别；个人信息平台只收自然人和个体工商户。",
)
_ID_TYPE = _text(
    "id_type",
    "证件类型",
    max_length=30,
    enum=["身份证", "港澳居民居住证", "台湾居民居住证", "外国人永久居留身份证"],
    description="为空时视为身份证。",
)
_SHARED_TAIL = [
    _text(
        "data_source",
        "数据来源单位",
        aliases=["数据来源单位名称"],
        description="报送该数据的单位全称。",
    ),
    {
        "name": "data_source_uscc",
        "title": "数据来源单位统一社会信用代码",
        "type": "string",
        "constraints": {"required": False, "pattern": USCC_PATTERN},
        "aliases": [],
    },
    _text("remarks", "备注", max_length=1000, aliases=["说明"]),
]

_PENALTY = FieldSetDefinition(
    common_overrides={
        "name": {"title": "行政相对人名称"},
        "id_number": {"title": "证件号码"},
        "decided_on": {"title": "处罚决定日期"},
        "authority": {"title": "处罚机关"},
        "document_no": {"title": "行政处罚决定书文号", "required": True},
    },
    fields=[
        _PARTY_CATEGORY,
        _ID_TYPE,
        _text("violation_type", "违法行为类型", required=True, aliases=["违法行为"]),
        _text("violation_facts", "违法事实", required=True, max_length=2000),
        _text("penalty_basis", "处罚依据", required=True, max_length=2000),
        _text(
            "penalty_category",
            "处罚类别",
            required=True,
            description=(
                "《中华人民共和国行政处罚法》第九条所列种类：警告、通报批评、罚款、没收违法所得、"
                "没收非法财物、暂扣许可证件、降低资质等级、吊销许可证件、限制开展生产经营活动、"
                "责令停产停业、责令关闭、限制从业、行政拘留等；多项以分号分隔。"
            ),
        ),
        _text("penalty_content", "处罚内容", required=True, max_length=2000),
        {
            "name": "fine_amount",
            "title": "罚款金额（万元）",
            "type": "number",
            "constraints": {"required": False, "minimum": 0},
            "aliases": ["罚款金额"],
        },
        {
            "name": "penalty_valid_until",
            "title": "处罚有效期",
            "type": "date",
            "constraints": {"required": False},
            "aliases": [],
        },
        {
            "name": "publicity_until",
            "title": "公示截止期",
            "type": "date",
            "constraints": {"required": False},
            "aliases": ["公示截止日期"],
        },
        {
            "name": "authority_uscc",
            "title": "处罚机关统一社会信用代码",
            "type": "string",
            "constraints": {"required": False, "pattern": USCC_PATTERN},
            "aliases": [],
        },
        *_SHARED_TAIL,
    ],
)

_LICENCE = FieldSetDefinition(
    common_overrides={
        "name": {"title": "行政相对人名称"},
        "id_number": {"title": "证件号码"},
        "decided_on": {"title": "许可决定日期"},
        "authority": {"title": "许可机关"},
        "document_no": {"title": "行政许可决定文书号", "required": True},
    },
    fields=[
        _PARTY_CATEGORY,
        _ID_TYPE,
        _text("licence_document_name", "行政许可决定文书名称"),
        _text(
            "licence_category",
            "许可类别",
            required=True,
            max_length=10,
            enum=["普通", "特许", "认可", "核准", "登记", "其他"],
        ),
        _text("certificate_name", "许可证书名称"),
        _text("licence_no", "许可编号", max_length=100, aliases=["许可证编号", "证书编号"]),
        _text("licence_content", "许可内容", required=True, max_length=2000),
        {
            "name": "valid_from",
            "title": "有效期自",
            "type": "date",
            "constraints": {"required": True},
            "aliases": ["有效期起"],
        },
        {
            "name": "valid_to",
            "title": "有效期至",
            "type": "date",
            "constraints": {"required": False},
            "aliases": ["有效期止"],
        },
        {
            "name": "authority_uscc",
            "title": "许可机关统一社会信用代码",
            "type": "string",
            "constraints": {"required": False, "pattern": USCC_PATTERN},
            "aliases": [],
        },
        *_SHARED_TAIL,
    ],
)

FIELD_SETS: dict[str, FieldSetDefinition] = {
    FieldSet.PENALTY.value: _PENALTY,
    FieldSet.LICENCE.value: _LICENCE,
}


def common_fields(field_set: str = "") -> list[dict[str, Any]]:
    """The six common fields as Table Schema field descriptors, adapted to ``field_set``."""
    fields = copy.deepcopy(_COMMON_FIELDS)
    definition = FIELD_SETS.get(field_set)
    if definition is None:
        return fields
    for descriptor in fields:
        override = definition.common_overrides.get(descriptor["name"], {})
        _apply_override(descriptor, override)
    return fields


def field_set_fields(field_set: str) -> list[dict[str, Any]]:
    """The fields a national field set adds after the common fields (none for an empty set)."""
    definition = FIELD_SETS.get(field_set)
    return copy.deepcopy(definition.fields) if definition else []


def reserved_field_names(field_set: str = "") -> set[str]:
    """Names an item's own fields may not take: the common fields and the field set's."""
    return set(COMMON_FIELD_NAMES) | {d["name"] for d in field_set_fields(field_set)}


def full_table_schema(own_schema: dict[str, Any], field_set: str = "") -> dict[str, Any]:
    """The whole Table Schema of an item: common fields, field-set fields, then its own fields."""
    own_fields = [_complete(descriptor) for descriptor in own_schema.get("fields", [])]
    return {
        "fields": [*common_fields(field_set), *field_set_fields(field_set), *own_fields],
        "primaryKey": list(PRIMARY_KEY),
        "missingValues": list(MISSING_VALUES),
    }


def _complete(descriptor: dict[str, Any]) -> dict[str, Any]:
    """A copy of an own field with the optional ``constraints`` and ``aliases`` spelled out."""
    completed = copy.deepcopy(descriptor)
    completed.setdefault("constraints", {})
    completed.setdefault("aliases", [])
    return completed


def _apply_override(descriptor: dict[str, Any], override: dict[str, Any]) -> None:
    title = override.get("title")
    if title and title != descriptor["title"]:
        aliases = [descriptor["title"], *descriptor["aliases"]]
        descriptor["aliases"] = list(dict.fromkeys(alias for alias in aliases if alias != title))
        descriptor["title"] = title
    if "required" in override:
        descriptor["constraints"]["required"] = override["required"]
