"""The Head of Service's dashboards: the year so far or any past year, drill-down from a
figure to the children behind it, every table as CSV or Excel, the report as Word or
PDF, a fixed number of queries however much data, and nobody else let in."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from openpyxl import load_workbook

from config import urls as project
from demo.council import council_build
from reviews.services import lac_review_record
from tests.factories import ChildFactory
from tests.reviews.test_services import enter_care

# Until config/urls.py mounts the dashboard, these tests mount it themselves.
urlpatterns = list(project.urlpatterns)
if not any(getattr(p, "namespace", None) == "dashboard" for p in urlpatterns):
    urlpatterns.append(path("dashboard/", include("reporting.urls")))
handler403 = project.handler403
handler404 = project.handler404

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
D = dt.date


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def head(client, head_of_service):
    client.force_login(head_of_service)
    return client


@pytest.fixture
def two_in_care():
    """Two children looked after since 2024, one reviewed on time, one late."""
    on_time, late = ChildFactory(first_name="Olive"), ChildFactory(first_name="Lenny")
    for child in (on_time, late):
        enter_care(child, D(2024, 6, 3))
    lac_review_record(child=on_time, held_on=D(2024, 7, 1), participation_code="PN1")
    lac_review_record(child=late, held_on=D(2024, 7, 2), participation_code="PN6")
    return on_time, late


def test_the_head_of_service_sees_the_year_so_far_by_default(head, two_in_care):
    page = head.get("/dashboard/")
    assert page.status_code == 200
    assert page.context["year"] == 2025
    assert page.context["period"].snapshot == D(2025, 6, 2)
    assert "The year so far: 1 April 2025 to 2 June 2025" in page.content.decode()


def test_a_past_year_counts_at_31_march(head, two_in_care):
    page = head.get("/dashboard/?year=2024")
    report = page.context["report"]
    assert report["snapshot"] == "2025-03-31"
    assert report["looked_after"]["at_year_end"] == 2
    assert (report["looked_after"]["reviews_held"], report["looked_after"]["reviews_in_time"]) == (
        2,
        1,
    )
    body = page.content.decode()
    assert '<svg class="app-chart"' in body
    assert "Children looked after at the end of each month, by reporting year" in body


@pytest.mark.parametrize("persona", ["head_of_service", "administrator"])
def test_the_head_of_service_and_administrators_may_see_the_dashboards(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/dashboard/?year=2024").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/2024/looked-after/at-year-end/",
        "/dashboard/2024/tables/lac-age.csv",
        "/dashboard/2024/report.pdf",
    ],
)
@pytest.mark.parametrize("persona", ["iro", "business_support", "no_role"])
def test_everyone_else_is_refused(request, client, persona, url):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    assert client.get(url).status_code == 403


def test_a_count_links_to_the_children_behind_it(head, two_in_care):
    on_time, late = two_in_care
    dashboard = head.get("/dashboard/?year=2024").content.decode()
    assert 'href="/dashboard/2024/looked-after/reviews-late/"' in dashboard
    page = head.get("/dashboard/2024/looked-after/at-year-end/")
    assert page.context["count"] == 2
    listed = [row["child"] for row in page.context["rows"]]
    assert set(listed) == {on_time, late}
    late_reviews = head.get("/dashboard/2024/looked-after/reviews-late/")
    assert [row["child"] for row in late_reviews.context["rows"]] == [late]
    assert late_reviews.context["drill"].label == "Reviews held late"


def test_a_drill_down_downloads_as_csv_and_excel(head, two_in_care):
    response = head.get("/dashboard/2024/looked-after/participation/pn6/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Child ID", "Name", "Review held"]
    assert [r[2] for r in rows[1:]] == ["2 July 2024"]
    book = load_workbook(
        io.BytesIO(head.get("/dashboard/2024/looked-after/at-year-end/?format=xlsx").content)
    )
    assert book.active.max_row == 3


def test_any_table_downloads_as_csv_and_excel(head, two_in_care):
    response = head.get("/dashboard/2024/tables/lac-participation.csv")
    assert response["Content-Disposition"] == 'attachment; filename="lac-participation-2024-25.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Participation", "Reviews", "%"]
    assert ["PN6: did not attend, views sent", "1", "50"] in rows
    book = load_workbook(io.BytesIO(head.get("/dashboard/2024/tables/cp-age.xlsx").content))
    assert [c.value for c in book.active[1]] == ["Age", "Children", "%"]


def test_the_report_downloads_as_word_and_pdf(head, two_in_care):
    word = head.get("/dashboard/2024/report.docx")
    assert word.content[:2] == b"PK"
    assert "iro-annual-report-2024-25.docx" in word["Content-Disposition"]
    assert head.get("/dashboard/2024/report.pdf").content[:5] == b"%PDF-"


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/?year=2026",
        "/dashboard/?year=soon",
        "/dashboard/2024/looked-after/nothing/",
        "/dashboard/2024/tables/nothing.csv",
        "/dashboard/2024/tables/lac-age.pdf",
    ],
)
def test_unknown_years_figures_and_tables_are_not_found(head, url):
    assert head.get(url).status_code == 404


def _queries(client, url) -> int:
    cache.clear()  # worked out, not read from the cache (tests/reporting/test_report_cache.py)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboard_runs_the_same_few_queries_however_much_data(
    head, two_in_care, django_assert_max_num_queries
):
    small = _queries(head, "/dashboard/?year=2024")
    council_build(children=400, years=3, as_of=D(2025, 6, 1), seed=3)
    with django_assert_max_num_queries(small):
        head.get("/dashboard/?year=2024")
    # 40, three for the cache (its fingerprint, the populations and the comparators), and
    # eight for the earlier years' trend figures, counted apart from the year's so that
    # they are kept (reporting.cache.ClosedYears).
    assert _queries(head, "/dashboard/?year=2024") == small <= 51
    # One more than before records begin (reviews.RecordsBegin) was read for the notes.
    assert _queries(head, "/dashboard/2024/child-protection/at-year-end/") <= 13


def test_a_long_table_shows_its_first_rows_and_downloads_them_all(head):
    """A big unit's caseloads are hundreds of IROs: the dashboard shows the first
    DASHBOARD_ROWS of a table, its downloads every row."""
    from iro.services import iro_allocate
    from reporting.views import DASHBOARD_ROWS
    from tests.factories import IROFactory

    many = DASHBOARD_ROWS + 5
    for _ in range(many):
        iro_allocate(child=ChildFactory(), iro=IROFactory(), started_on=D(2025, 4, 7))
    page = head.get("/dashboard/").content.decode()
    assert f"Showing the first {DASHBOARD_ROWS} of {many} rows" in page
    response = head.get("/dashboard/2025/tables/service-caseloads.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == many + 1
