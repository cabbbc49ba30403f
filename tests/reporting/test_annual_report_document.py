"""`annual_report --format docx|pdf` writes the report itself: the sample report's sections
in order, every table, a chart for each monthly series, and (in Word) the narrative
left for the author to write."""

import datetime as dt

import pytest
from django.core.management import call_command
from docx import Document

from reporting.annual_report import report_build
from reporting.tables import Chart, report_sections
from reviews.services import lac_review_record
from tests.factories import ChildFactory
from tests.reviews.test_services import enter_care

pytestmark = pytest.mark.django_db
SECTIONS = [
    "Introduction",
    "The service: staffing and caseloads",
    "Looked after children",
    "Child protection",
    "Dispute resolution",
    "Foster carer reviews",
    "Benchmarks",
]


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def one_in_care():
    child = ChildFactory()
    enter_care(child, dt.date(2024, 6, 3))
    lac_review_record(child=child, held_on=dt.date(2024, 6, 20), participation_code="PN1")


def test_the_word_document_has_the_reports_sections_tables_charts_and_narrative_to_edit(
    one_in_care, tmp_path
):
    path = tmp_path / "report.docx"
    call_command("annual_report", "--year", "2024", "--format", "docx", "--output", str(path))
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{n}. {title}" for n, title in enumerate(SECTIONS, start=1)]
    assert document.paragraphs[0].text == "Independent Reviewing Officer annual report 2024-25"
    sections = report_sections(report_build(2024))
    assert len(document.tables) == sum(len(s.tables) for s in sections)
    charts = [b for s in sections for b in s.blocks if isinstance(b, Chart)]
    assert len(document.inline_shapes) == len(charts) == 2
    placeholders = [p.text for p in document.paragraphs if p.text.startswith("[")]
    assert len(placeholders) == sum(len(s.narrative) for s in sections) >= len(SECTIONS)
    participation = next(t for t in document.tables if t.rows[0].cells[0].text == "Participation")
    assert [c.text for c in participation.rows[2].cells] == [
        "PN1: attended and spoke for self",
        "1",
        "100%",
    ]


def test_the_pdf_is_written_for_any_year(one_in_care, tmp_path):
    for year in (2019, 2024, 2025):
        path = tmp_path / f"report-{year}.pdf"
        call_command("annual_report", "--year", str(year), "--format", "pdf", "--output", str(path))
        assert path.read_bytes()[:5] == b"%PDF-"
