"""A count of figures reads only the rows their dates can reach (issue 14): the report's
year sits in the query's WHERE, over indexed dates, not only in each figure's FILTER."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from core.figures import dates_reached, in_year, open_on
from protection.models import ConferenceChild
from reporting.annual_report import report_build
from reviews.models import LookedAfterReview, PeriodOfCare

APRIL_2024 = dt.date(2024, 4, 1)
MARCH_2025 = dt.date(2025, 3, 31)
APRIL_2025 = dt.date(2025, 4, 1)
MARCH_2026 = dt.date(2026, 3, 31)


def test_figures_of_one_date_in_two_years_read_both_years_and_no_more():
    reached = dates_reached(
        LookedAfterReview,
        [in_year("held_on", 2024), in_year("held_on", 2025) & Q(participation_code="PN1")],
    )
    assert reached == Q(held_on__gte=APRIL_2024) & Q(held_on__lte=MARCH_2026)


def test_a_snapshot_reads_what_began_by_the_day_and_had_not_ended_before_it():
    reached = dates_reached(
        PeriodOfCare, [open_on(MARCH_2025, start="first_recorded_on", end="ended_on")]
    )
    assert reached == (Q(ended_on__gte=MARCH_2025) | Q(ended_on__isnull=True)) & Q(
        first_recorded_on__lte=MARCH_2025
    )


def test_figures_of_different_dates_read_either():
    reached = dates_reached(PeriodOfCare, [in_year("started_on", 2025), in_year("ended_on", 2025)])
    assert reached == (Q(ended_on__gte=APRIL_2025) & Q(ended_on__lte=MARCH_2026)) | (
        Q(started_on__gte=APRIL_2025) & Q(started_on__lte=MARCH_2026)
    )


def test_a_figure_of_all_time_reads_every_row():
    assert dates_reached(LookedAfterReview, [in_year("held_on", 2025), Q(status="held")]) == Q()


def test_a_date_reached_through_a_single_record_bounds_the_rows():
    reached = dates_reached(ConferenceChild, [in_year("conference__held_on", 2025)])
    assert reached == Q(conference__held_on__gte=APRIL_2025) & Q(
        conference__held_on__lte=MARCH_2026
    )


def test_a_date_reached_through_many_records_bounds_nothing():
    """Filtering through a many-valued relation would count a row once per related one."""
    assert dates_reached(PeriodOfCare, [in_year("reviews__held_on", 2025)]) == Q()


def test_an_or_or_a_negation_bounds_nothing():
    either = in_year("held_on", 2025) | Q(participation_code="PN1")
    assert dates_reached(LookedAfterReview, [either]) == Q()
    assert dates_reached(LookedAfterReview, [~in_year("held_on", 2025)]) == Q()


@pytest.mark.django_db
def test_every_count_of_the_annual_report_is_bounded_by_its_years():
    with CaptureQueriesContext(connection) as queries:
        report_build(2025, as_of=dt.date(2026, 6, 1))
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert counts
    unbounded = [sql[:120] for sql in counts if "WHERE" not in sql.rpartition(" FROM ")[2]]
    assert unbounded == []
