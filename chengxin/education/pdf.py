"""The PDF of a training certificate (docs/education.md, "Certificates"), built from the
shared pieces of ``core.pdf``: the holder's full name, the masked ID number, the course, its
hours and dates, the number, the verification code and the QR code of the public verification
page."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from chengxin.core.pdf import BODY, GRID_COLOUR, SMALL, TITLE, cell, document, qr_image
from chengxin.core.verification import formatted_code


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate prints."""

    issuer: str
    number: str
    full_name: str
    id_masked: str
    course_title: str
    hours: int
    organiser_name: str
    starts_on: str
    completed_on: str
    issued_on: str
    verification_code: str
    verification_url: str


def certificate_pdf(facts: CertificateFacts) -> bytes:
    """The certificate as a one-page PDF (the same facts give the same bytes)."""
    buffer = io.BytesIO()
    pdf = document(buffer, title=_("信用从业人员培训证书"))
    statement = _(
        "%(name)s（证件号码 %(id)s）于 %(start)s 至 %(end)s 参加%(organiser)s举办的"
        "“%(course)s”，完成全部 %(hours)d 学时，经考勤合格，特发此证。"
    ) % {
        "name": facts.full_name,
        "id": facts.id_masked,
        "start": facts.starts_on,
        "end": facts.completed_on,
        "organiser": facts.organiser_name,
        "course": facts.course_title,
        "hours": facts.hours,
    }
    rows = [
        (_("证书编号"), facts.number),
        (_("颁发日期"), facts.issued_on),
        (_("验证码"), formatted_code(facts.verification_code)),
    ]
    details = Table(
        [[cell(label), cell(value)] for label, value in rows], colWidths=[28 * mm, 90 * mm]
    )
    details.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR)]))
    pdf.build(
        [
            Paragraph(_("%(issuer)s 信用从业人员培训证书") % {"issuer": facts.issuer}, TITLE),
            Spacer(1, 10 * mm),
            cell(statement, BODY),
            Spacer(1, 8 * mm),
            Table([[details, qr_image(facts.verification_url)]], colWidths=[122 * mm, 36 * mm]),
            Spacer(1, 8 * mm),
            cell(
                _("扫描二维码或访问 %(url)s，输入验证码可核验本证书。")
                % {"url": facts.verification_url.split("?")[0]},
                SMALL,
            ),
        ]
    )
    return buffer.getvalue()
