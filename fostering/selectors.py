from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fostering.models import FosterCarerHousehold
from iro.models import Child


def children_placed(*, household: FosterCarerHousehold, on: dt.date):
    """Children with an episode in this household on a date."""
    return Child.objects.filter(
        Q(episodes__ended_on__isnull=True) | Q(episodes__ended_on__gt=on),
        episodes__foster_household=household,
        episodes__started_on__lte=on,
    ).distinct()


def reviewing_officer_conflicts(*, household: FosterCarerHousehold, officer, on: dt.date):
    """Children placed with the household whose IRO is the proposed reviewing officer.

    The unit keeps carer reviews apart from the IROs of children placed there (Report ¶15).
    """
    if officer is None:
        return Child.objects.none()
    return (
        children_placed(household=household, on=on)
        .filter(
            Q(allocations__ended_on__isnull=True) | Q(allocations__ended_on__gt=on),
            allocations__iro__user=officer,
            allocations__started_on__lte=on,
        )
        .distinct()
    )
