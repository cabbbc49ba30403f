"""The unit's staffing figures (indicator 8): posts, permanent and agency, and children per
full-time post carrying a caseload, against the Handbook's 50-70."""

import datetime as dt
from decimal import Decimal

import pytest

from reporting import iro_figures as figures
from tests.case_factories import IROAllocationFactory
from tests.factories import ChildFactory, IROFactory

pytestmark = pytest.mark.django_db
D = dt.date


def test_caseload_per_fte_counts_children_held_by_iros_carrying_a_caseload():
    full, part = IROFactory(fte=Decimal("1.00")), IROFactory(fte=Decimal("0.50"))
    IROFactory(fte=Decimal("0.20"), employment="agency")  # reviews foster carers only
    for _ in range(60):
        IROAllocationFactory(iro=full, started_on=D(2024, 4, 1))
    for _ in range(30):
        IROAllocationFactory(iro=part, started_on=D(2024, 4, 1))
    IROAllocationFactory(iro=part, started_on=D(2024, 4, 1), ended_on=D(2025, 3, 31))
    service = figures.service_on(D(2025, 3, 31))
    assert (service["iros"], service["permanent"], service["agency"]) == (3, 2, 1)
    assert (service["fte"], service["permanent_fte"], service["agency_fte"]) == (1.7, 1.5, 0.2)
    assert service["caseload_fte"] == 1.5
    assert service["children_allocated"] == 90
    assert service["children_per_fte"] == 60.0


def test_each_iros_caseload_splits_children_looked_after_and_on_plans():
    iro = IROFactory(fte=Decimal("0.50"))
    IROAllocationFactory(iro=iro, child=ChildFactory(), started_on=D(2024, 4, 1))
    [row] = figures.caseloads_on(D(2025, 3, 31))
    assert (row["children"], row["looked_after"], row["protection"]) == (1, 0, 0)
    assert row["children_per_fte"] == 2.0
    assert row["within_range"] is False
    assert list(figures.children_allocated_to(D(2025, 3, 31), iro.pk).children()) == list(
        figures.children_allocated(D(2025, 3, 31)).children()
    )
