"""The PDF of a credit report: Chinese text in reportlab's built-in CID font, a QR code (segno)
of the public verification address. Rendered once, when the report is issued (ARCHITECTURE:
"PDF and QR: reportlab with its built-in Chinese CID font, segno")."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from chengxin.core.pdf import GRID as _GRID
from chengxin.core.pdf import HEADING as _HEADING
from chengxin.core.pdf import SMALL as _SMALL
from chengxin.core.pdf import TITLE as _TITLE
from chengxin.core.pdf import cell as _cell
from chengxin.core.pdf import document, qr_image
from chengxin.core.verification import formatted_code
from chengxin.inquiry.content import CATEGORY_TITLES


def report_pdf(*, content: dict, full_name: str, verification_code: str) -> bytes:
    """The report as a PDF. ``full_name`` is printed for the person and the entitled officer who
    requested it; the ID number is always masked."""
    buffer = io.BytesIO()
    pdf = document(buffer, title=_("公共信用信息报告"))
    story = [
        Paragraph(_("%(issuer)s 公共信用信息报告（个人）") % {"issuer": content["issuer"]}, _TITLE),
        Spacer(1, 4 * mm),
        _header_table(content, full_name=full_name, verification_code=verification_code),
        *_summary(content),
    ]
    for category, entries in content["sections"].items():
        story += _section(category, entries)
    story += _statements(content.get("statements") or [])
    story += _history(content["query_history"])
    story += _notes(content)
    pdf.build(story)
    return buffer.getvalue()


def _header_table(content: dict, *, full_name: str, verification_code: str) -> Table:
    identity = content["identity"]
    rows = [
        (_("报告编号"), content["number"], _("出具时间"), content["issued_at"]),
        (_("姓名"), full_name or identity["name_masked"], _("证件号码"), identity["id_masked"]),
        (
            _("查询事由"),
            content["purpose"]["name"],
            _("案件编号"),
            content["case_no"] or _("（本人查询）"),
        ),
        (
            _("查询单位"),
            content["requested_by"]["name"] or _("本人"),
            _("验证码"),
            formatted_code(verification_code),
        ),
    ]
    qr = qr_image(content["verification_url"])
    cells = [[_cell(text) for text in row] for row in rows]
    details = Table(cells, colWidths=[20 * mm, 52 * mm, 20 * mm, 52 * mm])
    details.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    return Table([[details, qr]], colWidths=[146 * mm, 34 * mm])


def _summary(content: dict) -> list:
    counts = content["counts"]
    text = "；".join(f"{CATEGORY_TITLES.get(key, key)} {value} 条" for key, value in counts.items())
    disputed = content["disputed"]
    lines = [Paragraph(_("一、概要"), _HEADING), _cell(text + "。")]
    if disputed:
        lines.append(_cell(_("其中 %(count)d 条记录正在异议处理中。") % {"count": disputed}))
    lines.append(_cell(_("法律依据：%(basis)s") % {"basis": content["purpose"]["legal_basis"]}))
    return lines


def _section(category: str, entries: list[dict]) -> list:
    title = CATEGORY_TITLES.get(category, category)
    story: list = [Paragraph(str(title), _HEADING)]
    if not entries:
        return [*story, _cell(_("无在有效期内的记录。"))]
    header = [
        _("信息项目"),
        _("决定机关及文号"),
        _("决定日期"),
        _("法律依据"),
        _("期限"),
        _("状态"),
    ]
    rows = [[_cell(text, _SMALL) for text in header]]
    rows += [[_cell(text, _SMALL) for text in _record_row(entry)] for entry in entries]
    table = Table(rows, colWidths=[30 * mm, 40 * mm, 20 * mm, 46 * mm, 28 * mm, 16 * mm])
    table.setStyle(_GRID)
    return [*story, table]


def _record_row(entry: dict) -> list[str]:
    item = entry["item_name"] + (
        f"（{entry['severity_label']}）" if entry["severity_label"] else ""
    )
    authority = "\n".join(part for part in (entry["authority"], entry["document_no"]) if part)
    periods = []
    if entry["repairable_from"]:
        periods.append(_("可申请修复：%(date)s") % {"date": entry["repairable_from"]})
    if entry["disclosure_ends_on"]:
        periods.append(_("公示截止：%(date)s") % {"date": entry["disclosure_ends_on"]})
    if entry["valid_until"]:
        periods.append(_("有效期至：%(date)s") % {"date": entry["valid_until"]})
    status = _("异议中") if entry["disputed"] else _("有效")
    if entry.get("statement"):
        status += "\n" + _("附本人声明")
    return [item, authority, entry["decided_on"], entry["legal_basis"], "；".join(periods), status]


def _statements(statements: list[dict]) -> list:
    """The person's statements (异议声明) on records in force, as the person wrote them."""
    if not statements:
        return []
    story: list = [Paragraph(_("本人异议声明"), _HEADING)]
    for statement in statements:
        line = _("%(item)s（记录编号 %(record)s）：%(text)s") % {
            "item": statement["item_name"],
            "record": statement["record_id"],
            "text": statement["text"],
        }
        story.append(_cell(line))
    return story


def _history(history: dict) -> list:
    story: list = [
        Paragraph(_("查询记录（%(since)s 以来）") % {"since": history["since"]}, _HEADING)
    ]
    if not history["entries"]:
        return [*story, _cell(_("无查询记录。"))]
    header = [_("查询时间"), _("查询单位"), _("查询事由"), _("案件编号")]
    rows = [[_cell(text, _SMALL) for text in header]]
    rows += [
        [_cell(entry[key], _SMALL) for key in ("at", "department", "purpose", "case_no")]
        for entry in history["entries"]
    ]
    table = Table(rows, colWidths=[36 * mm, 56 * mm, 48 * mm, 40 * mm])
    table.setStyle(_GRID)
    return [*story, table]


def _notes(content: dict) -> list:
    return [
        Paragraph(_("说明"), _HEADING),
        _cell(
            _(
                "本报告内容以出具时平台记录为准。查询人员姓名不予显示。"
                "扫描二维码或访问以下地址，输入验证码可核验本报告：%(url)s"
            )
            % {"url": content["verification_url"]},
            _SMALL,
        ),
    ]
