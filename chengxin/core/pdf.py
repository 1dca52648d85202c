"""What the platform's PDF documents share: reportlab's built-in Chinese CID font (no system
fonts needed, ARCHITECTURE "PDF and QR"), the paragraph and table styles, an A4 document with
the house margins, and a table cell that escapes its text.

Credit reports (``inquiry.pdf``) and the work plan's annual assessment (``workplan.exports``)
are drawn with these."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle

FONT = "STSong-Light"
PAGE_MARGIN = 15 * mm

pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=11)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=17, leading=24, alignment=1)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=12, leading=18, spaceBefore=8)
GRID = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def a4_document(buffer, *, title: str, landscape: bool = False) -> SimpleDocTemplate:
    """An A4 document with the house margins; ``invariant`` so that the same content gives
    the same bytes."""
    size = (A4[1], A4[0]) if landscape else A4
    return SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN,
        title=title,
        invariant=1,
    )


def escape(text: str) -> str:
    """Text made safe for a reportlab paragraph (its markup is XML-like)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of ``text`` (escaped), or a dash for an empty one."""
    return Paragraph(escape(text) or "—", style)
