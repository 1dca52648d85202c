"""Shared pieces of the platform's PDF documents (credit reports, training certificates, the work
plan's annual assessment).

Chinese text is set in reportlab's built-in CID font ``STSong-Light`` (no system font needed,
ARCHITECTURE: "PDF and QR: reportlab with its built-in Chinese CID font, segno"); the QR code of
a document's public verification address is drawn by segno. Documents are rendered with
``invariant=1`` so the same content gives the same bytes, whose hash the verification page shows.
"""

from __future__ import annotations

import io

import segno
from django.utils.safestring import mark_safe
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, TableStyle

FONT = "STSong-Light"
QR_SIZE = 32 * mm
PAGE_MARGIN = 15 * mm

pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=11)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=17, leading=24, alignment=1)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=12, leading=18, spaceBefore=8)
GRID_COLOUR = colors.grey
HEADER_BACKGROUND = colors.HexColor("#eef2f6")
GRID = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def document(buffer: io.BytesIO, *, title: str, landscape: bool = False) -> SimpleDocTemplate:
    """An A4 document (portrait, or ``landscape``) with the platform's margins, writing into
    ``buffer``."""
    return SimpleDocTemplate(
        buffer,
        pagesize=(A4[1], A4[0]) if landscape else A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN,
        title=title,
        invariant=1,
    )


def escape(text: str) -> str:
    """``text`` safe inside a reportlab paragraph (which reads a little markup)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain ``text`` (a dash when empty)."""
    return Paragraph(escape(text) or "—", style)


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=1)
    return buffer.getvalue()


def qr_image(url: str, *, size: float = QR_SIZE) -> Image:
    """The QR code of ``url`` as a flowable of ``size`` points square."""
    return Image(io.BytesIO(qr_png(url)), width=size, height=size)


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG for a page."""
    # segno writes the SVG itself from the URL; nothing user-typed is interpolated.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3))  # noqa: S308
