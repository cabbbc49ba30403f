"""A letter as a PDF: an address, a date, a title and paragraphs of plain text.

Every piece of text is data, never markup: it reaches reportlab's Paragraph escaped
(as reporting/document.py does), so a name such as `<img src=...>` is printed as typed
and reportlab neither fetches nor opens anything.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from core.dates import long_date

# Characters XML 1.0 cannot hold (tab, line feed and carriage return it can).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _markup(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def letter_pdf(
    *,
    title: str,
    paragraphs: Sequence[str],
    address: str = "",
    dated: dt.date | None = None,
    sender: str = "",
) -> bytes:
    """The letter as PDF bytes (A4, one column, plain type for reading ease)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    body = ParagraphStyle(
        "letter", parent=styles["BodyText"], fontName="Helvetica", fontSize=12, leading=16
    )
    heading = ParagraphStyle(
        "letter-title",
        parent=body,
        fontName="Helvetica-Bold",
        fontSize=14,
        leading=18,
        spaceBefore=12,
        spaceAfter=6,
    )
    story = []
    if sender:
        story.append(Paragraph(_markup(sender), body))
        story.append(Spacer(1, 0.6 * cm))
    for line in address.splitlines():
        if line.strip():
            story.append(Paragraph(_markup(line.strip()), body))
    if dated is not None:
        story.append(Spacer(1, 0.6 * cm))
        story.append(Paragraph(_markup(long_date(dated)), body))
    story.append(Paragraph(_markup(title), heading))
    for text in paragraphs:
        story.append(Paragraph(_markup(text).replace("\n", "<br/>"), body))
        story.append(Spacer(1, 0.3 * cm))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        title=_NOT_XML.sub("", title),
    ).build(story)
    return out.getvalue()
