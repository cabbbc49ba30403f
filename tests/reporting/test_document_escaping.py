"""The annual report's Word and PDF documents hold every name, label and table cell as
the text it is: markup in the data (`<img src=...>`, `<b>`, `<para>`, `&`) is printed as
typed, and building a document neither opens a file nor makes a connection."""

import base64
import datetime as dt
import io
import re
import socket
import urllib.request
import zlib

import pytest
from docx import Document

from reporting import document as report_document_module
from reporting.annual_report import report_build
from reporting.document import report_document
from reporting.tables import Cell, Chart, Section, Table
from tests.case_factories import IROAllocationFactory
from tests.factories import IROFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = 'X <img src="http://127.0.0.1:9/x.png"> & <b>bold</b>'
PARA = "<para>"
LOCAL_FILE = '<img src="/etc/hostname" width="10" height="10"/>'


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def no_fetching(monkeypatch):
    """Every connection, URL read and reportlab file read is refused and recorded."""
    attempts = []

    def refuse(what):
        def refused(*args, **kwargs):
            attempts.append((what, args))
            raise AssertionError(f"{what} attempted: {args!r}")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(urllib.request, "urlopen", refuse("urlopen"))
    import reportlab.lib.utils as rl_utils

    monkeypatch.setattr(rl_utils, "rlUrlRead", refuse("reportlab URL read"))
    monkeypatch.setattr(rl_utils, "open_for_read_by_name", refuse("reportlab file read"))
    return attempts


def hostile_iro(name: str):
    """An IRO holding a child on 31 March 2025, whose surname is `name`."""
    iro = IROFactory(user=UserFactory(first_name="Ann", last_name=name))
    IROAllocationFactory(iro=iro, started_on=dt.date(2024, 6, 3))
    return iro


def pdf_text(pdf: bytes) -> str:
    """The text the PDF's pages show, in drawing order, with no whitespace (a cell's text
    wraps over lines)."""
    shown = []
    for chunk in re.split(rb"\n\d+ 0 obj\n", pdf):
        found = re.search(rb"stream\r?\n(.*?)endstream", chunk, re.S)
        if not found or b"/Subtype /Image" in chunk[: found.start()]:
            continue
        data = found.group(1).strip()
        if b"/ASCII85Decode" in chunk[: found.start()]:
            data = base64.a85decode(data, adobe=True)
        if b"/FlateDecode" in chunk[: found.start()]:
            data = zlib.decompress(data)
        for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", data):
            shown.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return re.sub(r"\s+", "", "".join(shown))


def images_in(pdf: bytes) -> int:
    return pdf.count(b"/Subtype /Image")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_texts(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return texts


@pytest.mark.parametrize("name", [f"{HOSTILE} {PARA}", PARA, LOCAL_FILE])
def test_an_iro_name_with_markup_is_printed_as_typed_in_the_pdf(no_fetching, name):
    plain = report_document(report_build(2024), fmt="pdf")
    hostile_iro(name)

    pdf = report_document(report_build(2024), fmt="pdf")

    assert pdf[:5] == b"%PDF-"
    assert no_fetching == []
    assert squeezed(f"Ann {name}") in pdf_text(pdf)
    # The two charts and nothing more: no image was made from the name.
    assert images_in(pdf) == images_in(plain) > 0


@pytest.mark.parametrize("name", [f"{HOSTILE} {PARA}", LOCAL_FILE])
def test_an_iro_name_with_markup_is_printed_as_typed_in_the_word_document(no_fetching, name):
    hostile_iro(name)

    content = report_document(report_build(2024), fmt="docx")

    assert no_fetching == []
    assert f"Ann {name}" in docx_texts(content)
    document = Document(io.BytesIO(content))
    assert len(document.inline_shapes) == 2  # the charts only
    assert not any("hyperlink" in r.reltype for r in document.part.rels.values())


def hostile_sections(report: dict) -> list[Section]:
    """Markup in every place text enters the documents: section title, narrative, chart
    title, caption, column heading, table cell and note."""
    table = Table(
        "hostile",
        f"Caption {HOSTILE}",
        ["Name <b>", "Count &"],
        [[Cell(f"Cell {HOSTILE}"), Cell(3)], [Cell(PARA), Cell("&amp; <i>")]],
        note=f"Note {PARA} {HOSTILE}",
    )
    chart = Chart(
        "hostile-chart",
        f"Chart {HOSTILE}",
        [(dt.date(2024, 4, 30), 1), (dt.date(2024, 5, 31), 2)],
        Table("hostile-chart-table", f"Chart table {PARA}", ["Month <u>"], [[Cell("May")]]),
        y_label="Children $x^2$ <b>",
    )
    return [
        Section(
            "hostile",
            f"Section {HOSTILE} {PARA}",
            narrative=[f"[Narrative {HOSTILE}]"],
            blocks=[chart, table],
        ),
        Section("empty", "Empty <para>", blocks=[Table("none", PARA, ["A", "B"], [])]),
    ]


EVERY_TEXT = [
    f"Section {HOSTILE} {PARA}",
    f"Chart {HOSTILE}",
    f"Chart table {PARA}",
    "Month <u>",
    f"Caption {HOSTILE}",
    "Name <b>",
    "Count &",
    f"Cell {HOSTILE}",
    PARA,
    "&amp; <i>",
    f"Note {PARA} {HOSTILE}",
]


def test_every_text_of_the_pdf_is_escaped(no_fetching, monkeypatch):
    monkeypatch.setattr(report_document_module, "report_sections", hostile_sections)

    pdf = report_document(report_build(2024), fmt="pdf")

    assert no_fetching == []
    shown = pdf_text(pdf)
    for text in [*EVERY_TEXT, "2. Empty <para>", "Nothing to show for this year."]:
        assert squeezed(text) in shown, text
    assert images_in(pdf) == 2  # the one chart and its transparency mask


def test_every_text_of_the_word_document_is_plain(no_fetching, monkeypatch):
    monkeypatch.setattr(report_document_module, "report_sections", hostile_sections)

    content = report_document(report_build(2024), fmt="docx")

    assert no_fetching == []
    texts = docx_texts(content)
    # (Word heads a chart's table with the chart's title, not the table's caption.)
    shown = [t for t in EVERY_TEXT if not t.startswith("Chart table")]
    for text in [*shown, f"1. Section {HOSTILE} {PARA}", f"[Narrative {HOSTILE}]"]:
        assert any(text in t for t in texts), text


def test_characters_xml_cannot_hold_are_dropped_not_fatal(no_fetching):
    # NUL cannot reach the database at all (PostgreSQL refuses it); these two can.
    hostile_iro("Null\x0bBell\x07 <b>")
    report = report_build(2024)

    pdf = report_document(report, fmt="pdf")
    content = report_document(report, fmt="docx")

    assert "AnnNullBell<b>" in pdf_text(pdf)
    assert "Ann NullBell <b>" in docx_texts(content)
