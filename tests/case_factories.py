"""Factories for case records the service tests start from (synthetic, no real people).

Rows whose due dates matter are made through the services instead, so the stored
deadlines are the ones the services compute.
"""

import datetime as dt

import factory

from disputes.models import Dispute, DisputeCategory
from iro.models import IROAllocation
from tests.factories import ChildFactory, IROFactory


class IROAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IROAllocation

    child = factory.SubFactory(ChildFactory)
    iro = factory.SubFactory(IROFactory)
    started_on = dt.date(2024, 1, 8)
    ended_on = None
    reason = "Allocated at entry to care"


class DisputeFactory(factory.django.DjangoModelFactory):
    """A challenge still at the informal stage."""

    class Meta:
        model = Dispute

    child = factory.SubFactory(ChildFactory)
    raised_by = factory.SubFactory(IROFactory)
    raised_on = dt.date(2025, 1, 6)
    category = DisputeCategory.DRIFT
    summary = "Permanence planning has drifted since the last review."
