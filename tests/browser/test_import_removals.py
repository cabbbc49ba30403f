"""Journey: business support upload a year's SSDA903 return with its tables empty; nothing
is loaded, the page says what it would remove and from which children, they are asked
to confirm, and they discard it. Every page is scanned with axe-core."""

import csv

import pytest

from returns import imports
from returns.models import ImportRun, ImportStatus
from returns.ssda903.importer import returns_import
from reviews.models import Episode
from tests.browser.conftest import assert_accessible, sign_in
from tests.returns.ssda903 import sample, sample_copy

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


def test_a_return_with_empty_tables_is_held_and_discarded(
    page, business_support, eager_loading, tmp_path
):
    returns_import(directories=[sample("2024-25")])
    episodes = Episode.objects.filter(return_year=2024).count()
    emptied = sample_copy("2024-25", tmp_path)
    for path in emptied.glob("*.csv"):
        with path.open(newline="") as handle:
            columns = next(csv.reader(handle))
        path.write_text(",".join(columns) + "\n")

    sign_in(page, "support")
    page.goto("/imports/upload/")
    page.get_by_label("SSDA903 (children looked after)").check()
    page.get_by_label("Collection year (SSDA903 only)").select_option(label="2024-25")
    page.get_by_label("Files").set_input_files(sorted(emptied.glob("*.csv")))
    # The load runs in the request here (no broker), and takes a while on a busy machine.
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="Upload and load").click(no_wait_after=True)
    assert page.get_by_role("heading", level=1).inner_text() == "This return would remove records"
    assert f"Episodes\t{episodes}" in page.locator("table").first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Confirm or discard the removals").click()
    page.get_by_role("button", name="Continue").click()
    assert imports.CHOOSE_DECISION in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("No, discard this upload: nothing is loaded").check()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "The upload was discarded"
    assert_accessible(page)
    assert ImportRun.objects.get().status == ImportStatus.DISCARDED
    assert Episode.objects.filter(return_year=2024).count() == episodes
