"""The annual IRO report as a Word document (for the author to edit) or a PDF.

Both are drawn from `report_sections`: the sample report's sections in order, each
table, and a chart for each monthly series. The Word document carries the narrative
placeholders the author replaces; the PDF is the figures as they stand.

Every piece of text (names, captions, table cells, notes) is data, never markup: in the
PDF it reaches reportlab's Paragraph only through `_markup`, which escapes &, < and >, so
a name such as `X <img src="http://...">` is printed as typed and reportlab neither
fetches nor opens anything; python-docx is only ever given plain text. Both lose the
control characters XML cannot hold, which would otherwise stop the document being written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from xml.sax.saxutils import escape

from core.dates import long_date
from reporting.charts import line_chart_png
from reporting.tables import Chart, Section, Table, report_sections

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
COUNCIL = "Children's Safeguarding Unit"

# Characters XML 1.0 cannot hold (tab, line feed and carriage return it can).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _plain(value: object) -> str:
    """Text for the Word document: the value as a string, less what XML cannot hold."""
    return _NOT_XML.sub("", str(value))


def _markup(value: object) -> str:
    """Text for a reportlab Paragraph, which reads its text as markup: escaped, so that
    nothing in it is a tag (no <img>, <a href>, <font>) or an entity."""
    return escape(_plain(value))


def _title(report: dict) -> str:
    return f"Independent Reviewing Officer annual report {report['year']}"


def _subtitle(report: dict) -> str:
    first = long_date(dt.date.fromisoformat(report["period"]["from"]))
    if report["complete"]:
        last = long_date(dt.date.fromisoformat(report["period"]["to"]))
        return f"{COUNCIL}: figures for {first} to {last}"
    snapshot = long_date(dt.date.fromisoformat(report["snapshot"]))
    return f"{COUNCIL}: figures for the year so far, {first} to {snapshot} (provisional)"


def report_document(report: dict, *, fmt: str) -> bytes:
    """The report as .docx or .pdf bytes."""
    sections = report_sections(report)
    charts = {
        block.key: line_chart_png(block.points, title="", y_label=block.y_label)
        for section in sections
        for block in section.blocks
        if isinstance(block, Chart)
    }
    if fmt == "docx":
        return _docx(report, sections, charts)
    if fmt == "pdf":
        return _pdf(report, sections, charts)
    raise ValueError(f"Unknown format {fmt}")


def _docx(report: dict, sections: list[Section], charts: dict[str, bytes]) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    document.add_heading(_plain(_title(report)), level=0)
    document.add_paragraph(_plain(_subtitle(report)))

    for number, section in enumerate(sections, start=1):
        document.add_heading(_plain(f"{number}. {section.title}"), level=1)
        for text in section.narrative:
            paragraph = document.add_paragraph()
            run = paragraph.add_run(_plain(text))
            run.italic = True
            run.font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)
        for block in section.blocks:
            table = block.table if isinstance(block, Chart) else block
            if isinstance(block, Chart):
                document.add_heading(_plain(block.title), level=3)
                document.add_picture(io.BytesIO(charts[block.key]), width=Cm(16.5))
            else:
                document.add_heading(_plain(table.caption), level=3)
            grid = document.add_table(rows=1, cols=len(table.head))
            grid.style = "Light Grid Accent 1"
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            small = Pt(8) if len(table.head) > 6 else Pt(9.5)
            for cell, label in zip(grid.rows[0].cells, table.head, strict=True):
                cell.text = _plain(label)
                for run in cell.paragraphs[0].runs:
                    run.font.size = small
                    run.bold = True
            if not table.rows:
                grid.add_row().cells[0].text = "Nothing to show for this year."
            for row in table.rows:
                cells = grid.add_row().cells
                for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
                    cell.text = _plain(value.text)
                    paragraph = cell.paragraphs[0]
                    if i > 0:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    for run in paragraph.runs:
                        run.font.size = small
                        run.bold = i == 0
            if table.note:
                note = document.add_paragraph(_plain(table.note))
                note.runs[0].font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(report: dict, sections: list[Section], charts: dict[str, bytes]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        CondPageBreak,
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    styles["Heading1"].keepWithNext = True
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10)
    caption = ParagraphStyle(
        "caption",
        parent=body,
        fontName="Helvetica-Bold",
        fontSize=10.5,
        spaceBefore=10,
        keepWithNext=True,
    )
    note = ParagraphStyle("note", parent=body, fontSize=8.5, textColor=colors.HexColor("#505a5f"))
    width = A4[0] - 4 * cm

    def cell_style(size: float, *, bold: bool = False, right: bool = False) -> ParagraphStyle:
        return ParagraphStyle(
            f"cell-{size}-{bold}-{right}",
            parent=body,
            fontSize=size,
            leading=size + 2,
            fontName="Helvetica-Bold" if bold else "Helvetica",
            alignment=TA_RIGHT if right else 0,
        )

    def para(text: object, style: ParagraphStyle) -> Paragraph:
        """The only way text enters the PDF's flowables: escaped, never markup."""
        return Paragraph(_markup(text), style)

    def pdf_table(table: Table) -> PdfTable:
        size = 7.5 if len(table.head) > 6 else 9
        head = [
            para(label, cell_style(size, bold=True, right=i > 0))
            for i, label in enumerate(table.head)
        ]
        rows = [
            [
                para(cell.text, cell_style(size, bold=i == 0, right=i > 0))
                for i, cell in enumerate(row)
            ]
            for row in table.rows
        ] or [[para("Nothing to show for this year.", cell_style(size))] + [""] * (len(head) - 1)]
        first = width * (
            0.2
            if len(table.head) > 7
            else 0.25
            if len(table.head) > 6
            else 0.34
            if len(table.head) > 3
            else 0.6
        )
        rest = (width - first) / max(1, len(table.head) - 1)
        grid = PdfTable(
            [head, *rows], colWidths=[first] + [rest] * (len(table.head) - 1), repeatRows=1
        )
        grid.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.HexColor("#0b0c0c")),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor("#b1b4b6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return grid

    def page_number(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(2 * cm, 1.2 * cm, _plain(_title(report)))
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {doc.page}")
        canvas.restoreState()

    story = [
        para(_title(report), styles["Title"]),
        para(_subtitle(report), body),
        Spacer(1, 0.4 * cm),
    ]
    for number, section in enumerate((s for s in sections if s.blocks), start=1):
        story.append(CondPageBreak(6 * cm))
        # The heading travels with the section's first table or chart.
        heading = [para(f"{number}. {section.title}", styles["Heading1"])]
        for block in section.blocks:
            parts = heading
            heading = []
            if isinstance(block, Chart):
                parts.append(para(block.title, caption))
                picture = io.BytesIO(charts[block.key])
                parts.append(Image(picture, width=width, height=width * 3.2 / 7.5))
                table = block.table
            else:
                table = block
            parts.append(para(table.caption, caption))
            parts.append(pdf_table(table))
            if table.note:
                parts.append(para(table.note, note))
            story.append(KeepTogether(parts))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=_plain(_title(report)),
        author=COUNCIL,
    )
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()
