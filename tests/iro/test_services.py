"""Allocation with effective dates: a move dated later waits for its day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.services import today
from iro.models import IROAllocation, PlannedMove
from iro.services import (
    ALREADY_HELD,
    FURTHEST_AHEAD_DAYS,
    STARTS_BEFORE_CURRENT,
    STARTS_TOO_FAR_AHEAD,
    family_allocate,
    iro_allocate,
    planned_move_cancel,
    planned_moves_apply,
)
from tests.factories import ChildFactory, FamilyFactory, IROFactory

pytestmark = pytest.mark.django_db

D = dt.date


def held_by(child):
    return child.allocations.get(ended_on__isnull=True).iro


def test_a_move_dated_in_the_future_waits_and_the_current_iro_keeps_the_child():
    first, second = IROFactory(), IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=first, started_on=D(2025, 1, 6))
    planned = iro_allocate(
        child=child, iro=second, started_on=D(2025, 3, 3), reason="Leaving", as_of=D(2025, 2, 1)
    )
    assert isinstance(planned, PlannedMove)
    assert held_by(child) == first
    assert child.allocations.count() == 1


def test_a_waiting_move_can_be_corrected_to_another_date_and_iro():
    first, second, third = IROFactory(), IROFactory(), IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=first, started_on=D(2025, 1, 6))
    on = D(2025, 2, 1)
    iro_allocate(child=child, iro=second, started_on=D(2025, 3, 3), reason="x", as_of=on)
    iro_allocate(child=child, iro=third, started_on=D(2025, 2, 20), reason="Sooner", as_of=on)
    planned = PlannedMove.objects.get(child=child)
    assert (planned.iro, planned.starts_on, planned.reason) == (third, D(2025, 2, 20), "Sooner")


def test_a_waiting_move_takes_effect_on_its_day_and_running_the_job_twice_moves_once():
    first, second = IROFactory(), IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=first, started_on=D(2025, 1, 6))
    iro_allocate(
        child=child, iro=second, started_on=D(2025, 3, 3), reason="Leaving", as_of=D(2025, 2, 1)
    )
    assert planned_moves_apply(as_of=D(2025, 3, 2)) == 0
    assert held_by(child) == first
    assert planned_moves_apply(as_of=D(2025, 3, 3)) == 1
    assert planned_moves_apply(as_of=D(2025, 3, 3)) == 0
    assert held_by(child) == second
    old = child.allocations.get(iro=first)
    assert old.ended_on == D(2025, 3, 3)
    assert child.allocations.get(iro=second).reason == "Leaving"
    assert not PlannedMove.objects.exists()


def test_a_cancelled_move_never_happens():
    first, second = IROFactory(), IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=first, started_on=D(2025, 1, 6))
    iro_allocate(child=child, iro=second, started_on=D(2025, 3, 3), reason="x", as_of=D(2025, 2, 1))
    planned_move_cancel(child=child)
    planned_moves_apply(as_of=D(2025, 4, 1))
    assert held_by(child) == first


def test_a_move_to_the_iro_who_holds_the_child_is_refused():
    iro = IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 6))
    with pytest.raises(ValidationError) as refused:
        iro_allocate(child=child, iro=iro, started_on=D(2025, 2, 1), reason="x")
    assert refused.value.message_dict["iro"] == [
        ALREADY_HELD.format(child=child.full_name, iro=iro)
    ]


def test_a_family_move_to_the_iro_who_holds_them_all_is_refused():
    iro = IROFactory()
    family = FamilyFactory()
    for _ in range(2):
        iro_allocate(child=ChildFactory(family=family), iro=iro, started_on=D(2025, 1, 6))
    with pytest.raises(ValidationError):
        family_allocate(family=family, iro=iro, started_on=D(2025, 2, 1), reason="x")


def test_a_move_before_the_current_iro_took_over_or_over_a_year_ahead_is_refused():
    first, second = IROFactory(), IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=first, started_on=D(2025, 1, 6))
    with pytest.raises(ValidationError) as early:
        iro_allocate(child=child, iro=second, started_on=D(2025, 1, 1), reason="x")
    assert early.value.message_dict["started_on"] == [
        STARTS_BEFORE_CURRENT.format(date="6 January 2025")
    ]
    with pytest.raises(ValidationError) as far:
        iro_allocate(
            child=child,
            iro=second,
            started_on=today() + dt.timedelta(days=FURTHEST_AHEAD_DAYS + 1),
            reason="x",
        )
    assert far.value.message_dict["started_on"] == [
        STARTS_TOO_FAR_AHEAD.format(days=FURTHEST_AHEAD_DAYS)
    ]
    assert IROAllocation.objects.count() == 1
    assert not PlannedMove.objects.exists()


def test_the_nightly_job_makes_the_moves_due_that_day(settings):
    from worklists.tasks import deadline_alerts_send

    first, second = IROFactory(), IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=first, started_on=D(2025, 1, 6))
    iro_allocate(child=child, iro=second, started_on=D(2025, 3, 3), reason="x", as_of=D(2025, 2, 1))
    deadline_alerts_send(as_of="2025-03-03")
    assert held_by(child) == second
