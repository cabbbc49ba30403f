"""The looked-after figures (RULES.md §7, indicators 1-7): each selector counts what its
definition says, and its drill-down lists exactly the children or reviews it counted."""

import datetime as dt

import pytest

from reviews import figures
from reviews.models import IROContact, LookedAfterReview, PeriodOfCare
from reviews.services import iro_contact_record, lac_review_record
from tests.factories import ChildFactory, IROFactory
from tests.reviews.test_services import enter_care

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def leave_care(child, start, end):
    return enter_care(child, start, ended_on=end, reason_ceased="E4A")


def test_a_child_is_looked_after_from_entering_care_until_the_day_before_leaving():
    child = ChildFactory()
    leave_care(child, D(2024, 3, 31), D(2025, 3, 31))
    assert figures.looked_after(D(2024, 3, 30)).count() == 0
    assert figures.looked_after(D(2024, 3, 31)).count() == 1
    assert figures.looked_after(D(2025, 3, 30)).count() == 1
    assert figures.looked_after(D(2025, 3, 31)).count() == 0


def test_children_on_short_breaks_alone_are_never_counted_as_looked_after():
    enter_care(ChildFactory(), D(2024, 6, 3), legal_status="V3")
    enter_care(ChildFactory(), D(2024, 6, 3))
    assert PeriodOfCare.objects.count() == 2
    assert figures.looked_after(D(2025, 3, 31)).count() == 1


def test_the_drill_down_lists_the_children_counted():
    in_care, left = ChildFactory(), ChildFactory()
    enter_care(in_care, D(2024, 6, 3))
    leave_care(left, D(2024, 6, 3), D(2025, 1, 6))
    figure = figures.looked_after(D(2025, 3, 31))
    assert list(figure.children()) == [in_care]
    assert figure.count() == 1


def test_age_bands_are_completed_years_on_the_day():
    first_birthday_on_the_day = ChildFactory(date_of_birth=D(2024, 3, 31))
    sixteen_tomorrow = ChildFactory(date_of_birth=D(2009, 4, 1))
    for child in (first_birthday_on_the_day, sixteen_tomorrow):
        enter_care(child, D(2024, 6, 3))
    day = D(2025, 3, 31)
    counts = {
        band: figures.looked_after_in_age_band(day, band).count()
        for band, *_ in figures.LAC_AGE_BANDS
    }
    assert counts == {"under_1": 0, "1_to_4": 1, "5_to_9": 0, "10_to_15": 1, "16_to_17": 0}
    assert list(figures.looked_after_in_age_band(day, "1_to_4").children()) == [
        first_birthday_on_the_day
    ]


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("WBRI", "white"),
        ("WROM", "white"),
        ("MWBA", "mixed"),
        ("APKN", "asian"),
        ("BCRB", "black"),
        ("CHNE", "other"),
        ("OOTH", "other"),
        ("REFU", "not_recorded"),
        ("NOBT", "not_recorded"),
    ],
)
def test_ethnic_groups_follow_the_dfe_codes(code, group):
    enter_care(ChildFactory(ethnicity=code), D(2024, 6, 3))
    counts = {
        g: figures.looked_after_in_ethnic_group(D(2025, 3, 31), g).count()
        for g in figures.ETHNIC_GROUPS
    }
    assert counts == {g: int(g == group) for g in figures.ETHNIC_GROUPS}


def test_periods_started_and_ended_in_the_year_count_from_1_april_to_31_march():
    leave_care(ChildFactory(), D(2024, 3, 31), D(2024, 4, 1))
    leave_care(ChildFactory(), D(2024, 4, 1), D(2025, 4, 1))
    assert figures.periods_started(2024).count() == 1
    assert figures.periods_ceased(2024).count() == 1
    assert figures.periods_ceased(2025).count() == 1


def test_a_review_held_on_its_due_date_is_in_time_and_a_day_later_is_late():
    on_time, late = ChildFactory(), ChildFactory()
    for child in (on_time, late):
        enter_care(child, D(2024, 6, 3))  # first review due 20 working days later: 1 July
    lac_review_record(child=on_time, held_on=D(2024, 7, 1), participation_code="PN1")
    lac_review_record(child=late, held_on=D(2024, 7, 2), participation_code="PN1")
    assert LookedAfterReview.objects.get(child=on_time).due_on == D(2024, 7, 1)
    assert figures.reviews_held(2024).count() == 2
    assert list(figures.reviews_in_time(2024).children()) == [on_time]
    assert list(figures.reviews_late(2024).children()) == [late]
    assert figures.children_with_a_late_review(2024).count() == 1


def test_a_review_whose_due_date_cannot_be_known_is_left_out_of_timeliness():
    """Convention 4: its earlier reviews are not on record, so it is neither in time nor late."""
    child = ChildFactory()
    period = PeriodOfCare.objects.create(child=child, first_recorded_on=D(2024, 1, 8))
    LookedAfterReview.objects.create(
        child=child, period=period, status="held", held_on=D(2024, 6, 3), participation_code="PN1"
    )
    assert figures.reviews_held(2024).count() == 1
    assert figures.reviews_in_time(2024).count() == 0
    assert figures.reviews_late(2024).count() == 0
    assert figures.children_with_a_late_review(2024).count() == 0
    assert list(figures.reviews_due_date_not_known(2024).children()) == [child]


def test_reviews_of_short_breaks_are_not_counted():
    child = ChildFactory()
    enter_care(child, D(2024, 6, 3), legal_status="V3")
    lac_review_record(child=child, held_on=D(2024, 8, 1), participation_code="PN1")
    assert figures.reviews_held(2024).count() == 0


def test_participation_counts_each_review_held_in_the_year_by_its_code():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 4))
    lac_review_record(child=child, held_on=D(2024, 3, 28), participation_code="PN6")
    lac_review_record(
        child=child, held_on=D(2024, 6, 20), participation_code="PN1", permanence_plan="f"
    )
    lac_review_record(
        child=child, held_on=D(2024, 12, 2), participation_code="PN6", permanence_plan="f"
    )
    counts = {
        code: figures.reviews_with_participation(2024, code).count()
        for code in ("PN1", "PN6", "PN7")
    }
    assert counts == {"PN1": 1, "PN6": 1, "PN7": 0}


def test_the_permanence_plan_counts_at_the_second_review_of_a_period_whose_start_is_known():
    child = ChildFactory()
    enter_care(child, D(2024, 4, 8))
    lac_review_record(child=child, held_on=D(2024, 4, 30), participation_code="PN1")
    lac_review_record(
        child=child, held_on=D(2024, 7, 25), participation_code="PN1", permanence_plan="b"
    )
    lac_review_record(
        child=child, held_on=D(2025, 1, 20), participation_code="PN1", permanence_plan="b"
    )
    assert figures.second_reviews(2024).count() == 1
    assert list(
        figures.second_reviews_with_permanence_plan(2024)
        .records()
        .values_list("held_on", flat=True)
    ) == [D(2024, 7, 25)]


def test_iro_contacts_between_reviews_are_counted_by_kind_and_child():
    child, iro = ChildFactory(), IROFactory()
    enter_care(child, D(2024, 4, 8))
    iro_contact_record(
        child=child, iro=iro, occurred_on=D(2024, 5, 1), kind="visit", seen_alone=True
    )
    iro_contact_record(child=child, iro=iro, occurred_on=D(2024, 9, 1), kind="call")
    iro_contact_record(child=child, iro=iro, occurred_on=D(2025, 4, 1), kind="call")
    assert IROContact.objects.count() == 3
    assert figures.iro_contacts(2024).count() == 2
    assert figures.iro_contacts(2024, kind="visit").count() == 1
    assert figures.iro_contacts(2024, seen_alone=True).count() == 1
    assert figures.children_contacted(2024).count() == 1


def test_the_monthly_series_counts_children_at_each_month_end_in_one_query(
    django_assert_num_queries,
):
    leave_care(ChildFactory(), D(2024, 4, 30), D(2024, 6, 30))
    with django_assert_num_queries(1):
        series = figures.looked_after_by_month(D(2024, 4, 1), 4)
    assert series == [
        (D(2024, 4, 30), 1),
        (D(2024, 5, 31), 1),
        (D(2024, 6, 30), 0),
        (D(2024, 7, 31), 0),
    ]


def test_short_break_children_are_those_with_a_v3_or_v4_period_at_any_time_in_the_year():
    ended_before, ended_on_1_april, open_at_year_end, started_after = (
        ChildFactory() for _ in range(4)
    )
    short_break = {"legal_status": "V3", "reason_ceased": "E4A"}
    enter_care(ended_before, D(2024, 3, 4), **short_break, ended_on=D(2024, 3, 31))
    enter_care(ended_on_1_april, D(2025, 3, 3), **short_break, ended_on=D(2025, 4, 1))
    enter_care(open_at_year_end, D(2025, 3, 31), legal_status="V4")
    enter_care(started_after, D(2025, 4, 1), legal_status="V3")
    enter_care(ChildFactory(), D(2024, 6, 3))  # looked after, not short breaks
    assert set(figures.short_break_children(2024).children()) == {
        ended_on_1_april,
        open_at_year_end,
    }
    assert set(figures.short_break_children(2025).children()) == {
        ended_on_1_april,
        open_at_year_end,
        started_after,
    }
