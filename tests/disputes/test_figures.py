"""The challenge figures (Report ¶38-41): raised, by category and route, resolved by the
level that resolved them, open by stage, timeliness and Cafcass referrals."""

import datetime as dt

import pytest

from disputes import figures
from disputes.services import (
    dispute_raise,
    dispute_refer_to_cafcass,
    dispute_resolve,
    dispute_withdraw,
)
from tests.disputes.test_services import escalate, level
from tests.factories import ChildFactory, IROFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def raise_on(day, category="drift"):
    return dispute_raise(
        child=ChildFactory(),
        raised_by=IROFactory(),
        raised_on=day,
        category=category,
        summary="Drift",
    )


def test_challenges_raised_in_the_year_by_category_and_route():
    informal = raise_on(D(2024, 5, 1), "care_planning")
    formal = raise_on(D(2024, 6, 3))
    escalate(formal, 1, D(2024, 6, 10))
    raise_on(D(2025, 4, 1))
    assert figures.raised(2024).count() == 2
    assert figures.raised(2024, category="care_planning").count() == 1
    assert list(figures.raised_and_stayed_informal(2024).records()) == [informal]
    assert list(figures.raised_and_went_formal(2024).records()) == [formal]


def test_resolved_challenges_count_at_the_level_that_resolved_them_and_withdrawn_ones_do_not():
    informally = raise_on(D(2024, 5, 1))
    dispute_resolve(dispute=informally, resolved_on=D(2024, 5, 8), outcome="Agreed")
    at_two = raise_on(D(2024, 6, 3))
    escalate(at_two, 1, D(2024, 6, 4))
    escalate(at_two, 2, D(2024, 6, 12))
    dispute_resolve(dispute=at_two, resolved_on=D(2024, 6, 20), outcome="Plan agreed")
    withdrawn = raise_on(D(2024, 7, 1))
    dispute_withdraw(dispute=withdrawn, withdrawn_on=D(2024, 7, 2), reason="Raised in error")
    assert figures.resolved(2024).count() == 2
    assert list(figures.resolved_at(2024, None).records()) == [informally]
    assert list(figures.resolved_at(2024, level(2)).records()) == [at_two]
    assert figures.resolved_at(2024, level(1)).count() == 0
    assert figures.formal_resolved_within_20_working_days(2024).count() == 1
    # 1 to 8 May 2024 is 4 working days: 6 May was a bank holiday.
    assert figures.working_days_to_resolve(2024) == [4, 13]
    assert figures.median_working_days([4, 13]) == 8.5


def test_open_challenges_are_counted_at_the_highest_stage_reached_by_the_day():
    dispute = raise_on(D(2025, 3, 3))
    escalate(dispute, 1, D(2025, 3, 10))
    escalate(dispute, 3, D(2025, 4, 7))
    assert figures.open_at_stage(D(2025, 3, 5), None).count() == 1
    assert figures.open_at_stage(D(2025, 3, 31), level(1)).count() == 1
    assert figures.open_at_stage(D(2025, 3, 31), None).count() == 0
    assert figures.open_at_stage(D(2025, 4, 30), level(1)).count() == 0
    assert figures.open_at_stage(D(2025, 4, 30), level(3)).count() == 1


def test_referrals_to_cafcass_count_in_the_year_they_were_made():
    dispute = raise_on(D(2024, 3, 4))
    dispute_refer_to_cafcass(dispute=dispute, referred_on=D(2024, 4, 2))
    assert figures.cafcass_referrals(2023).count() == 0
    assert figures.cafcass_referrals(2024).count() == 1
