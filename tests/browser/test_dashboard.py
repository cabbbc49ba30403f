"""Journey: the Head of Service opens the dashboard, looks at last year, drills down from
a figure to the children behind it and downloads the list."""

import datetime as dt

import pytest
from django.urls import include, path

from config import urls as project
from core.services import today
from reporting.views import reporting_year
from reviews.services import episode_record
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ChildFactory

# Until config/urls.py mounts the dashboard, this journey mounts it itself.
urlpatterns = list(project.urlpatterns)
if not any(getattr(p, "namespace", None) == "dashboard" for p in urlpatterns):
    urlpatterns.append(path("dashboard/", include("reporting.urls")))
handler403 = project.handler403
handler404 = project.handler404

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]


def enter_care(child, started_on):
    episode_record(
        child=child,
        started_on=started_on,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )


def test_head_of_service_drills_down_from_last_years_figure_and_downloads_the_children(
    page, head_of_service, tmp_path
):
    this_year = reporting_year(today())
    last_year = f"{this_year - 1}-{this_year % 100:02d}"
    enter_care(ChildFactory(child_id="D1", first_name="Ada"), dt.date(this_year - 1, 5, 6))
    enter_care(ChildFactory(child_id="D2", first_name="Ben"), dt.date(this_year - 1, 9, 2))

    sign_in(page, "head")
    page.goto("/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Dashboard {this_year}-{(this_year + 1) % 100:02d}"
    )
    assert "The year so far" in page.locator("main").inner_text()
    assert (
        page.get_by_role("img", name="Children looked after at the end of each month").count() == 1
    )
    assert_accessible(page)

    page.get_by_label("Reporting year").select_option(label=last_year)
    page.get_by_role("button", name="Show year").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Dashboard {last_year}"
    summary = page.locator(".govuk-summary-list__row", has_text="Children looked after")
    assert summary.locator("dd").inner_text() == "2"
    assert_accessible(page)

    summary.get_by_role("link", name="2").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Children looked after: 2"
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "Ada Example" in rows.nth(0).inner_text()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    saved = tmp_path / "children.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Child ID,Name,Date of birth")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["D1", "D2"]

    page.get_by_role("link", name="Back to the dashboard").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Dashboard {last_year}"
