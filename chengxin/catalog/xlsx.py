"""The XLSX import template of a catalog item (SPEC §3: headers, Chinese titles, validation).

Layout, which the importer relies on (see ``docs/catalog.md``):

- Sheet ``数据`` (the first sheet): row 1 holds the Chinese field titles, row 2 (hidden) the field
  names, data starts on row 3. Both header rows are frozen. A required field's title is bold and
  dark red; each title carries a comment with the field's description, type and constraints.
- Drop-down lists for enum and boolean fields, whose values sit in the hidden last sheet
  ``选项`` (one column per field, field name on row 1); date columns are formatted ``yyyy-mm-dd`` and
  validated as dates; whole numbers, decimals and text lengths are validated as well.
- Sheet ``填写说明``: how to fill the template, and one row per field.
- The workbook's ``subject`` property reads ``<item code> v<version number>``.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from chengxin.catalog.choices import FieldType
from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.presentation import constraints_text
from chengxin.catalog.selectors import catalog_item_current_version

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_SHEET = "数据"
INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
TITLE_ROW = 1
FIELD_NAME_ROW = 2
FIRST_DATA_ROW = 3
LAST_VALIDATED_ROW = 10002
DATE_FORMAT = "yyyy-mm-dd"
BOOLEAN_OPTIONS = ["是", "否"]
EARLIEST_DATE = "DATE(1900,1,1)"
LATEST_DATE = "DATE(2099,12,31)"
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDE6F0", end_color="FFDDE6F0")
_REQUIRED_FONT = Font(bold=True, color="FF9C0006")
_OPTIONAL_FONT = Font(bold=True)


def catalog_item_template_xlsx(item: CatalogItem) -> bytes:
    """The import template of ``item``'s current version, as XLSX bytes."""
    version = catalog_item_current_version(item)
    fields = version.snapshot["table_schema"]["fields"]
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    options = workbook.create_sheet(OPTIONS_SHEET)
    _write_headers(data, fields)
    _write_validations(data, options, fields)
    _write_instructions(instructions, version, fields)
    options.sheet_state = "hidden"
    workbook.properties.title = version.snapshot["name"]
    workbook.properties.subject = f"{version.snapshot['code']} v{version.number}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_filename(item: CatalogItem) -> str:
    """The file name a download of the template carries (ASCII: the item code)."""
    return f"{item.code}-template.xlsx"


def _write_headers(sheet: Worksheet, fields: list[dict[str, Any]]) -> None:
    for column, descriptor in enumerate(fields, start=1):
        required = descriptor.get("constraints", {}).get("required", False)
        title = sheet.cell(row=TITLE_ROW, column=column, value=descriptor["title"])
        title.font = _REQUIRED_FONT if required else _OPTIONAL_FONT
        title.fill = _HEADER_FILL
        title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        title.comment = Comment(_field_note(descriptor), "chengxin", width=320, height=160)
        sheet.cell(row=FIELD_NAME_ROW, column=column, value=descriptor["name"])
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = _column_width(descriptor["title"])
        if descriptor["type"] == FieldType.DATE:
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
    sheet.row_dimensions[FIELD_NAME_ROW].hidden = True
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)


def _write_validations(sheet: Worksheet, options: Worksheet, fields: list[dict[str, Any]]) -> None:
    option_column = 0
    for column, descriptor in enumerate(fields, start=1):
        values = _drop_down_values(descriptor)
        if values:
            option_column += 1
            validation = _list_validation(options, option_column, descriptor["name"], values)
        else:
            validation = _value_validation(descriptor)
        if validation is None:
            continue
        letter = get_column_letter(column)
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}")
        sheet.add_data_validation(validation)


def _drop_down_values(descriptor: dict[str, Any]) -> list[Any]:
    if descriptor["type"] == FieldType.BOOLEAN:
        return BOOLEAN_OPTIONS
    return list(descriptor.get("constraints", {}).get("enum", []))


def _list_validation(
    options: Worksheet, column: int, field_name: str, values: list[Any]
) -> DataValidation:
    options.cell(row=1, column=column, value=field_name)
    for row, value in enumerate(values, start=2):
        options.cell(row=row, column=column, value=value)
    letter = get_column_letter(column)
    source = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    return _validation(
        "list",
        formula1=source,
        error=_("请从下拉列表中选择。"),
        prompt=_("请从下拉列表中选择。"),
    )


def _value_validation(descriptor: dict[str, Any]) -> DataValidation | None:
    constraints = descriptor.get("constraints", {})
    field_type = descriptor["type"]
    if field_type == FieldType.DATE:
        return _validation(
            "date",
            operator="between",
            formula1=EARLIEST_DATE,
            formula2=LATEST_DATE,
            error=_("请填写日期，格式为 yyyy-mm-dd，例如 2026-03-01。"),
            prompt=_("日期格式：yyyy-mm-dd"),
        )
    if field_type in (FieldType.INTEGER, FieldType.NUMBER):
        return _number_validation(field_type, constraints)
    if field_type == FieldType.STRING and "maxLength" in constraints:
        return _validation(
            "textLength",
            operator="lessThanOrEqual",
            formula1=str(constraints["maxLength"]),
            error=_("内容过长，最多 %(count)s 个字符。") % {"count": constraints["maxLength"]},
        )
    return None


def _number_validation(field_type: str, constraints: dict[str, Any]) -> DataValidation:
    kind = "whole" if field_type == FieldType.INTEGER else "decimal"
    minimum, maximum = constraints.get("minimum"), constraints.get("maximum")
    error = _("请填写整数。") if kind == "whole" else _("请填写数字。")
    if minimum is not None and maximum is not None:
        return _validation(
            kind, operator="between", formula1=str(minimum), formula2=str(maximum), error=error
        )
    if minimum is not None:
        return _validation(kind, operator="greaterThanOrEqual", formula1=str(minimum), error=error)
    if maximum is not None:
        return _validation(kind, operator="lessThanOrEqual", formula1=str(maximum), error=error)
    return _validation(kind, operator="between", formula1="-1E+15", formula2="1E+15", error=error)


def _validation(kind: str, *, error: str, prompt: str = "", **formulas: str) -> DataValidation:
    validation = DataValidation(type=kind, allow_blank=True, **formulas)
    validation.error = str(error)
    validation.errorTitle = str(_("输入有误"))
    validation.showErrorMessage = True
    if prompt:
        validation.prompt = str(prompt)
        validation.showInputMessage = True
    return validation


def _write_instructions(
    sheet: Worksheet, version: CatalogVersion, fields: list[dict[str, Any]]
) -> None:
    snapshot = version.snapshot
    lines = [
        _("《%(name)s》数据导入模板") % {"name": snapshot["name"]},
        _("目录项代码：%(code)s；目录版本：%(number)s。")
        % {"code": snapshot["code"], "number": version.number},
        _("1. 在“数据”工作表第3行起逐行填写，每行一条记录；第1行为字段标题，请勿修改或删除。"),
        _("2. 标题为深红色加粗的列为必填项；鼠标移到标题上可查看该字段的说明和要求。"),
        _("3. 日期按 yyyy-mm-dd 填写（例如 2026-03-01）；有下拉列表的列请从列表中选择。"),
        _("4. “记录编号”是本单位自己的记录主键：同一编号再次报送即更新该记录。"),
        _("5. 身份证号码请完整填写18位，末位为X的请填写大写X。"),
        _("6. 本模板由平台根据信息目录自动生成，目录更新后请重新下载。"),
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=str(line))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    _write_field_table(sheet, fields, first_row=len(lines) + 2)
    sheet.column_dimensions["A"].width = 30
    for letter, width in zip("BCDEFGH", (24, 10, 8, 40, 40, 60, 10), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_field_table(sheet: Worksheet, fields: list[dict[str, Any]], *, first_row: int) -> None:
    headings = [
        _("字段标题"),
        _("字段名"),
        _("类型"),
        _("必填"),
        _("约束"),
        _("可识别的别名"),
        _("说明"),
        _("列"),
    ]
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=first_row, column=column, value=str(heading))
        cell.font = _OPTIONAL_FONT
        cell.fill = _HEADER_FILL
    for offset, descriptor in enumerate(fields, start=1):
        values = [
            descriptor["title"],
            descriptor["name"],
            str(FieldType(descriptor["type"]).label),
            str(_("是") if descriptor.get("constraints", {}).get("required") else _("否")),
            constraints_text(descriptor),
            "、".join(descriptor.get("aliases", [])),
            descriptor.get("description", ""),
            get_column_letter(offset),
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=first_row + offset, column=column, value=value)


def _field_note(descriptor: dict[str, Any]) -> str:
    required = descriptor.get("constraints", {}).get("required", False)
    lines = [
        f"{descriptor['name']}（{FieldType(descriptor['type']).label}，"
        f"{_('必填') if required else _('选填')}）",
        descriptor.get("description", ""),
        constraints_text(descriptor),
    ]
    return "\n".join(str(line) for line in lines if line)


def _column_width(title: str) -> float:
    """Width in characters: CJK characters take two columns; between 12 and 40."""
    width = sum(2 if ord(character) > 0x2E80 else 1 for character in title) + 4
    return float(min(max(width, 12), 40))
