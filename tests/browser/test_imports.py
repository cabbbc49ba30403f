"""Journey: business support uploads the year's SSDA903 return in the browser, sees what it
loaded, then uploads a broken file and sees where to fix it; the data-quality page lists
a child's issues by the DfE's rules.

Celery runs the load in-process here, as in development with no broker; the DfE rules
after the load are left out (tests/returns/test_data_quality.py runs them).
"""

import shutil

import pytest

from core.services import today
from iro.models import Child
from returns import imports
from returns.data_quality import Finding, RulesResult, issues_replace, live_years
from returns.models import DataQualityCheck, ImportRun, ImportStatus, ReturnName
from tests.browser.conftest import assert_accessible, sign_in
from tests.returns.ssda903 import csv_rows, csv_write, sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_loading(settings, tmp_path, monkeypatch):
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(imports, "_data_quality_after_import", lambda: None)
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def upload(page, kind: str, files, year: str = "") -> None:
    page.goto("/imports/upload/")
    page.get_by_label(kind).check()
    if year:
        page.get_by_label("Collection year (SSDA903 only)").select_option(label=year)
    page.get_by_label("Files").set_input_files(files)
    page.get_by_role("button", name="Upload and load").click()


def test_business_support_loads_the_ssda903_return_and_sees_where_a_broken_file_is_wrong(
    page, business_support, eager_loading, tmp_path
):
    sign_in(page, "support")
    page.goto("/imports/")
    assert page.get_by_role("heading", level=1).inner_text() == "Uploaded returns"
    assert_accessible(page)
    page.get_by_role("link", name="Upload a return").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Upload a return"
    assert_accessible(page)

    # A file of the wrong kind is refused before anything is loaded.
    notes = tmp_path / "notes.txt"
    notes.write_text("not a return")
    upload(page, "SSDA903 (children looked after)", [notes])
    summary = page.locator(".govuk-error-summary")
    assert "notes.txt is not a CSV file" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    assert not ImportRun.objects.exists()

    # The year's CSVs, all at once.
    files = sorted(sample("2024-25").glob("*.csv"))
    upload(page, "SSDA903 (children looked after)", files, year="2024-25")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "The SSDA903 return is loaded"
    table = page.locator("table").first.inner_text()
    children = Child.objects.count()
    assert "What changed (2024-25)" in table
    assert f"Children\t{children}\t0\t0" in table
    assert_accessible(page)
    assert ImportRun.objects.get().status == ImportStatus.SUCCEEDED

    # The same year with a code no one recognises: nothing is saved, the cell is named.
    broken = tmp_path / "2024-25"
    shutil.copytree(sample("2024-25"), broken)
    for path in broken.iterdir():
        path.chmod(0o644)
    rows = csv_rows(broken / "episodes.csv")
    rows[1]["LS"] = "Z9"
    csv_write(broken / "episodes.csv", rows)
    # Files whose names give no year need the year chosen.
    upload(page, "SSDA903 (children looked after)", sorted(broken.glob("*.csv")))
    assert imports.CHOOSE_YEAR in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    upload(page, "SSDA903 (children looked after)", sorted(broken.glob("*.csv")), year="2024-25")
    assert page.get_by_role("heading", level=1).inner_text() == "Nothing was loaded"
    problems = page.locator("#problems").inner_text()
    assert "episodes.csv, row 3, column LS: 'Z9' is not a recognised LS code" in problems
    assert_accessible(page)
    assert Child.objects.count() == children

    page.get_by_role("link", name="Uploaded returns").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "Not loaded" in rows.nth(0).inner_text() and "Loaded" in rows.nth(1).inner_text()
    assert_accessible(page)

    # The year written back out, as the DfE's CSVs in a zip.
    page.get_by_role("link", name="Download a return").click()
    assert_accessible(page)
    page.get_by_role("button", name="Download the return").click()
    assert "Select which return to download" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("SSDA903 return (CSV files in a zip)").check()
    page.get_by_label("Collection year").select_option(label="2024-25")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the return").click()
    assert download.value.suggested_filename == "ssda903-2024-25.zip"


def test_the_data_quality_page_lists_a_childs_issues_and_the_missing_rules(
    page, iro, business_support
):
    from tests.factories import ChildFactory

    child = ChildFactory(child_id="C1", first_name="Amy", last_name="Brown")
    year = live_years(today())[0]
    issues_replace(
        return_name=ReturnName.SSDA903,
        year=year,
        result=RulesResult(
            DataQualityCheck.Outcome.CHECKED,
            "",
            [
                Finding(
                    "C1",
                    "440",
                    "Participation method indicates child was under 4 years old at the time "
                    "of the review, but date of birth and review date indicates the child "
                    "was 4 years old or over.",
                    ("DOB", "REVIEW", "REVIEW_CODE"),
                    "Reviews",
                    "DOB 01/06/2019, REVIEW 20/05/2026, REVIEW_CODE PN0",
                )
            ],
        ),
    )
    issues_replace(
        return_name=ReturnName.CIN,
        year=year,
        result=RulesResult(
            DataQualityCheck.Outcome.NOT_INSTALLED,
            "The DfE rules for the CIN census are not installed on this server",
        ),
    )
    sign_in(page, "iro")
    page.goto("/data-quality/")
    assert page.get_by_role("heading", level=1).inner_text() == "Data quality"
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "The DfE rules for the CIN census are not installed on this server" in banner
    card = page.locator(".govuk-summary-card").inner_text()
    assert "Amy Brown, child C1" in card and "SSDA903 rule 440" in card
    assert_accessible(page)

    page.get_by_label("Return").select_option(label="CIN census")
    page.get_by_role("button", name="Show issues").click()
    assert page.locator(".govuk-summary-card").count() == 0
    assert_accessible(page)

    page.goto(f"/children/{child.child_id}/")
    section = page.locator("#data-quality")
    assert section.inner_text() == "Data quality"
    assert "SSDA903 rule 440" in page.locator("main").inner_text()
    assert_accessible(page)
