"""When looked-after reviews are due (RULES.md pinned convention 4), as a table of cases."""

import datetime as dt

import pytest

from core.dates import WorkingCalendar
from core.timescales import Timescales
from reviews.rules import CareHistory, EpisodeFacts, lac_schedule, periods_from_episodes

D = dt.date
ENGLAND = WorkingCalendar()
LAW = Timescales()


def schedule(**history):
    return lac_schedule(CareHistory(**history), calendar=ENGLAND, timescales=LAW)


def next_due(**history):
    return schedule(**history).next_due


def test_first_review_is_due_twenty_working_days_after_entering_care():
    due = next_due(started_on=D(2024, 3, 20))
    assert due.on == D(2024, 4, 19)
    assert due.reason == "20 working days after entering care on 20 March 2024"


def test_first_review_across_christmas():
    assert next_due(started_on=D(2024, 12, 2)).on == D(2025, 1, 2)


def test_second_review_is_due_three_months_after_the_first():
    due = next_due(started_on=D(2023, 4, 3), held_reviews=[D(2023, 5, 4)])
    assert due.on == D(2023, 8, 4)
    assert due.reason == "3 months after the first review on 4 May 2023"


def test_later_reviews_are_due_six_months_after_the_previous_review():
    due = next_due(
        started_on=D(2023, 4, 3), held_reviews=[D(2023, 5, 4), D(2023, 8, 1), D(2024, 1, 15)]
    )
    assert due.on == D(2024, 7, 15)
    assert due.reason == "6 months after the previous review on 15 January 2024"


def test_month_end_clamping_after_a_review_on_31_august():
    assert next_due(started_on=D(2023, 8, 1), held_reviews=[D(2023, 8, 31)]).on == D(2023, 11, 30)
    leap = next_due(started_on=D(2023, 6, 1), held_reviews=[D(2023, 6, 28), D(2023, 8, 31)])
    assert leap.on == D(2024, 2, 29)


def test_a_review_held_on_its_due_date_is_in_time_and_a_day_later_is_not():
    on_time = schedule(started_on=D(2024, 3, 20), held_reviews=[D(2024, 4, 19)])
    late = schedule(started_on=D(2024, 3, 20), held_reviews=[D(2024, 4, 22)])
    assert on_time.held[0].in_time is True
    assert late.held[0].in_time is False
    assert late.held[0].due.on == D(2024, 4, 19)


def test_an_early_review_resets_the_clock():
    # R2 was due 4 Aug 2023 but held early on 1 June: R3 is due 6 months after 1 June.
    result = schedule(started_on=D(2023, 4, 3), held_reviews=[D(2023, 5, 4), D(2023, 6, 1)])
    assert result.held[1].due.on == D(2023, 8, 4)
    assert result.held[1].in_time is True
    assert result.next_due.on == D(2023, 12, 1)


def test_an_extra_review_after_the_first_becomes_the_second():
    result = schedule(started_on=D(2023, 4, 3), held_reviews=[D(2023, 5, 4), D(2023, 5, 20)])
    assert [h.number for h in result.held] == [1, 2]
    assert result.next_due.on == D(2023, 11, 20)


def test_reviews_are_numbered_within_the_period_and_each_records_its_due_date():
    result = schedule(
        started_on=D(2024, 3, 20), held_reviews=[D(2024, 4, 18), D(2024, 7, 10), D(2025, 1, 9)]
    )
    assert [(h.number, h.due.on, h.in_time) for h in result.held] == [
        (1, D(2024, 4, 19), True),
        (2, D(2024, 7, 18), True),
        (3, D(2025, 1, 10), True),
    ]


def test_when_the_start_is_not_on_record_every_review_is_a_later_review():
    result = schedule(started_on=None, held_reviews=[D(2022, 5, 10), D(2022, 11, 1)])
    assert result.held[0].due is None  # nothing on record to measure the first against
    assert result.held[1].due.on == D(2022, 11, 10)
    assert result.next_due.on == D(2023, 5, 1)


def test_with_no_start_and_no_review_on_record_nothing_can_be_computed():
    assert next_due(started_on=None) is None


def test_a_period_that_has_ended_has_no_next_review():
    assert next_due(started_on=D(2024, 3, 20), ended_on=D(2024, 4, 1)) is None


def test_authority_to_place_for_adoption_brings_a_review_within_three_months():
    due = next_due(
        started_on=D(2023, 1, 9),
        held_reviews=[D(2023, 2, 1), D(2023, 4, 20)],
        authority_to_place=[D(2023, 6, 5)],
    )
    # 6 months after 20 Apr would be 20 Oct; the placement order makes it 5 Sep.
    assert due.on == D(2023, 9, 5)
    assert due.reason == "3 months after authority to place for adoption on 5 June 2023"


def test_after_a_review_following_authority_to_place_the_usual_six_months_apply():
    due = next_due(
        started_on=D(2023, 1, 9),
        held_reviews=[D(2023, 2, 1), D(2023, 4, 20), D(2023, 8, 1)],
        authority_to_place=[D(2023, 6, 5)],
    )
    assert due.on == D(2024, 2, 1)


def test_placement_for_adoption_brings_reviews_at_28_days_then_3_months_then_6():
    base = {
        "started_on": D(2023, 1, 9),
        "held_reviews": [D(2023, 2, 1), D(2023, 4, 20), D(2023, 8, 1)],
        "authority_to_place": [D(2023, 6, 5)],
        "adoption_placements": [(D(2023, 10, 2), None)],
    }
    first = next_due(**base)
    assert (first.on, first.reason) == (
        D(2023, 10, 30),
        "28 days after placement for adoption on 2 October 2023",
    )
    base["held_reviews"] = [*base["held_reviews"], D(2023, 10, 27)]
    second = next_due(**base)
    assert second.on == D(2024, 1, 27)
    assert second.rule == "adoption_placement_second"
    base["held_reviews"] = [*base["held_reviews"], D(2024, 1, 20)]
    assert next_due(**base).on == D(2024, 7, 20)


def test_the_adoption_overlay_applies_regardless_of_when_the_last_review_was_held():
    # A review two weeks before placement: the 28-day review is still due (Report ¶37).
    due = next_due(
        started_on=D(2023, 1, 9),
        held_reviews=[D(2023, 2, 1), D(2023, 9, 18)],
        adoption_placements=[(D(2023, 10, 2), None)],
    )
    assert due.on == D(2023, 10, 30)


def test_a_disrupted_adoption_placement_no_longer_brings_reviews_forward():
    due = next_due(
        started_on=D(2023, 1, 9),
        held_reviews=[D(2023, 2, 1), D(2023, 9, 18)],
        adoption_placements=[(D(2023, 10, 2), D(2023, 10, 10))],
    )
    assert due.on == D(2024, 3, 18)


def test_a_review_held_late_against_the_adoption_overlay_is_out_of_time():
    result = schedule(
        started_on=D(2023, 1, 9),
        held_reviews=[D(2023, 2, 1), D(2023, 9, 18), D(2023, 11, 6)],
        adoption_placements=[(D(2023, 10, 2), None)],
    )
    assert result.held[2].due.on == D(2023, 10, 30)
    assert result.held[2].in_time is False


def test_short_breaks_are_reviewed_three_months_after_the_first_break_then_six_monthly():
    first = next_due(started_on=D(2024, 1, 15), short_breaks=True)
    assert (first.on, first.reason) == (
        D(2024, 4, 15),
        "3 months after the first short break on 15 January 2024",
    )
    later = next_due(started_on=D(2024, 1, 15), held_reviews=[D(2024, 4, 2)], short_breaks=True)
    assert later.on == D(2024, 10, 2)


def test_configured_timescales_are_used():
    local = Timescales(lac_first_review_working_days=15)
    due = lac_schedule(CareHistory(started_on=D(2024, 3, 20)), calendar=ENGLAND, timescales=local)
    assert due.next_due.on == D(2024, 4, 12)


def ep(start, end=None, rne="P", rec="", ls="C2", place="U4"):
    return EpisodeFacts(start, end, rne, rec, ls, place)


def test_a_period_of_care_runs_from_rne_s_through_x1_links_to_a_ceased_episode():
    periods = periods_from_episodes(
        [
            ep(D(2022, 1, 10), D(2022, 5, 1), rne="S", rec="X1", ls="C1"),
            ep(D(2022, 5, 1), D(2023, 2, 1), rne="L", rec="E4A"),
        ]
    )
    assert len(periods) == 1
    assert (periods[0].started_on, periods[0].ended_on) == (D(2022, 1, 10), D(2023, 2, 1))


def test_a_new_period_of_care_restarts_the_clock():
    periods = periods_from_episodes(
        [
            ep(D(2022, 1, 10), D(2022, 5, 1), rne="S", rec="E4A"),
            ep(D(2023, 3, 1), None, rne="S"),
        ]
    )
    assert [p.started_on for p in periods] == [D(2022, 1, 10), D(2023, 3, 1)]
    assert periods[1].ended_on is None
    second = next_due(started_on=periods[1].started_on)
    assert second.on == D(2023, 3, 29)
    assert second.rule == "lac_first_review"


def test_history_that_begins_mid_period_has_no_start_on_record():
    periods = periods_from_episodes([ep(D(2022, 4, 1), None, rne="P")])
    assert periods[0].started_on is None
    assert periods[0].first_recorded_on == D(2022, 4, 1)


def test_a_period_made_only_of_v3_v4_episodes_is_short_breaks():
    periods = periods_from_episodes(
        [
            ep(D(2024, 1, 15), D(2024, 1, 18), rne="S", rec="E8", ls="V3", place="R1"),
            ep(D(2024, 3, 1), None, rne="S", ls="V4", place="R1"),
            ep(D(2024, 6, 1), None, rne="S", ls="C2"),
        ]
    )
    assert [p.is_short_breaks for p in periods] == [True, True, False]


@pytest.mark.parametrize("rec", ["E11", "E13", "E41", "E45", "E8"])
def test_any_reason_ceased_other_than_x1_ends_the_period(rec):
    periods = periods_from_episodes([ep(D(2022, 1, 10), D(2022, 5, 1), rne="S", rec=rec)])
    assert periods[0].ended_on == D(2022, 5, 1)
