"""The report's figures are kept a while: a closed year until a recorded change (a late
import or a correction writes history), the year in progress for a few minutes, and the
dashboard says when its figures were worked out."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.cache import records_fingerprint, report_cached, year_so_far_forgotten
from reporting.models import PopulationEstimate
from reviews.services import lac_review_record
from tests.factories import ChildFactory
from tests.reviews.test_services import enter_care

pytestmark = pytest.mark.django_db
D = dt.date
SUMMER_2025 = D(2025, 6, 2)


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def in_care():
    child = ChildFactory()
    enter_care(child, D(2024, 6, 3))
    lac_review_record(child=child, held_on=D(2024, 7, 1), participation_code="PN1")
    return child


def reviews_held(year: int) -> int:
    report = report_cached(year, as_of=SUMMER_2025).report
    return report["looked_after"]["reviews_held"]


def test_a_closed_year_is_worked_out_once_and_again_after_a_correction(in_care):
    assert reviews_held(2024) == 1
    with CaptureQueriesContext(connection) as second:
        assert reviews_held(2024) == 1
    assert len(second) <= 3, "the fingerprint and the small tables, no case records"

    lac_review_record(
        child=in_care, held_on=D(2024, 12, 2), participation_code="PN1", permanence_plan="f"
    )
    assert reviews_held(2024) == 2, "a late record is counted at once"


def test_the_fingerprint_moves_with_a_recorded_change_and_a_new_population(in_care):
    before = records_fingerprint()
    assert records_fingerprint() == before
    PopulationEstimate.objects.create(year=2024, children_0_to_17=50_000)
    after_population = records_fingerprint()
    assert after_population != before
    in_care.first_name = "Corrected"
    in_care.save()
    assert records_fingerprint() != after_population


def test_the_year_in_progress_is_kept_for_the_minutes_set(settings, in_care):
    settings.OVERSIGHT_REPORT_CACHE_SECONDS = 300
    first, worked_out, _ = report_cached(2025, as_of=SUMMER_2025)
    held = first["looked_after"]["reviews_held"]
    lac_review_record(
        child=in_care, held_on=D(2025, 5, 1), participation_code="PN1", permanence_plan="f"
    )
    kept, again, _ = report_cached(2025, as_of=SUMMER_2025)
    assert kept["looked_after"]["reviews_held"] == held and again == worked_out
    fresh = report_cached(2025, as_of=SUMMER_2025 + dt.timedelta(days=1)).report
    assert fresh["looked_after"]["reviews_held"] == held + 1, "a new day is a new key"


def test_the_year_in_progress_forgotten_is_worked_out_again_and_a_closed_year_stays_kept(
    settings, in_care
):
    settings.OVERSIGHT_REPORT_CACHE_SECONDS = 300
    so_far = report_cached(2025, as_of=SUMMER_2025)
    closed = report_cached(2024, as_of=SUMMER_2025)

    year_so_far_forgotten(2025, as_of=SUMMER_2025)

    assert report_cached(2025, as_of=SUMMER_2025).version != so_far.version
    assert report_cached(2024, as_of=SUMMER_2025).version == closed.version


def test_the_dashboard_says_when_its_figures_were_worked_out(
    client, head_of_service, settings, in_care
):
    settings.OVERSIGHT_REPORT_CACHE_SECONDS = 300
    client.force_login(head_of_service)
    page = client.get("/dashboard/").content.decode()
    assert "Figures worked out on 2 June 2025 at 10am." in page
    assert "The year so far is worked out again every 5 minutes." in page


def test_the_dashboards_tables_are_drawn_once_while_its_figures_stand(
    client, head_of_service, settings, in_care, monkeypatch
):
    import reporting.views

    settings.OVERSIGHT_REPORT_CACHE_SECONDS = 300
    drawn = []
    real = reporting.views.report_sections
    monkeypatch.setattr(
        reporting.views, "report_sections", lambda report: drawn.append(1) or real(report)
    )
    client.force_login(head_of_service)
    first = client.get("/dashboard/?year=2024").content.decode()
    again = client.get("/dashboard/?year=2024").content.decode()
    assert len(drawn) == 1

    def tables(page):
        return page.split('id="contents-heading"')[1].split("</main>")[0]

    assert "Looked-after reviews" in tables(again) and tables(again) == tables(first)

    lac_review_record(
        child=in_care, held_on=D(2024, 12, 2), participation_code="PN1", permanence_plan="f"
    )
    client.get("/dashboard/?year=2024")
    assert len(drawn) == 2, "figures worked out again are drawn again"


def test_the_year_so_far_counts_only_itself_once_the_closed_years_are_kept(in_care):
    """The trend tables' earlier years and the monthly series' earlier months are closed:
    worked out once and kept, so the next working-out of the year so far counts the year."""
    from django.core.cache import cache

    from reporting.annual_report import report_build

    with CaptureQueriesContext(connection) as first:
        fresh = report_build(2025, as_of=SUMMER_2025)
    with CaptureQueriesContext(connection) as again:
        assert report_build(2025, as_of=SUMMER_2025) == fresh
    cache.clear()
    assert report_build(2025, as_of=SUMMER_2025) == fresh, "kept or not, the same figures"

    def earlier_years_read(queries):
        return [q["sql"] for q in queries if "'2021-04-01'" in q["sql"]]

    assert earlier_years_read(first.captured_queries)
    assert earlier_years_read(again.captured_queries) == []
    assert len(again) < len(first)


def test_a_correction_in_a_closed_year_reaches_the_year_so_fars_trend_table(in_care):
    from reporting.annual_report import report_build

    def trend_reviews(report, label):
        return next(h for h in report["history"] if h["year"] == label)["looked_after"][
            "reviews_held"
        ]

    assert trend_reviews(report_build(2025, as_of=SUMMER_2025), "2024-25") == 1
    lac_review_record(
        child=in_care, held_on=D(2024, 12, 2), participation_code="PN1", permanence_plan="f"
    )
    assert trend_reviews(report_build(2025, as_of=SUMMER_2025), "2024-25") == 2
