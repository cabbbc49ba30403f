"""A believable synthetic Children's Safeguarding Unit for demonstrations and trials.

Everything here is invented: names are common first names and surnames paired at
random. The shape and the numbers follow a real council's IRO annual report (RULES.md's
"Report"), so every screen and figure has something true-to-life to show.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from demo.builder import DEMO_PASSWORD, IRO_POSTS, STAFF_ACCOUNTS, DemoBuilder
from demo.disputes import Disputes
from demo.fostering import Fostering
from demo.looked_after import LookedAfter
from demo.protection import Protection
from demo.reset import case_data_clear
from disputes.models import Dispute
from fostering.models import FosterCarerHousehold
from iro.models import Child, IndependentReviewingOfficer
from protection.models import ChildProtectionPlan
from worklists.deadlines import open_deadlines

__all__ = ["DEMO_PASSWORD", "DemoSummary", "demo_build", "demo_summary"]


@dataclass
class DemoSummary:
    as_of: dt.date
    children: int
    looked_after: int
    on_plans: int
    iros: int
    iro_fte: Decimal
    households: int
    households_approved: int
    disputes: dict[str, int]
    # (kind, "overdue" or "due") -> count
    deadlines: dict[tuple[str, str], int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, role)


@transaction.atomic
def demo_build(*, seed: int, as_of: dt.date, password: str = DEMO_PASSWORD) -> DemoSummary:
    """Replace all case data with a synthetic unit as it stands on `as_of`."""
    case_data_clear()
    b = DemoBuilder(seed=seed, as_of=as_of, password=password)
    b.people_build()
    looked_after = LookedAfter(b)
    looked_after.build()
    Protection(b).build()
    Fostering(b, looked_after).build()
    Disputes(b, looked_after).build()
    b.allocations_build()
    b.save()
    b.schedules_refresh()
    _restricted_record_add()
    return demo_summary(as_of=as_of)


def _restricted_record_add() -> None:
    """One restricted record, so the break-glass page can be seen: the first allocated
    child by ID (iro.restricted)."""
    from iro.models import Child
    from iro.services import child_restriction_set

    child = Child.objects.filter(allocations__ended_on__isnull=True).order_by("child_id").first()
    if child is not None:
        child_restriction_set(child=child, restricted=True, reason="A member of staff's child")


def demo_summary(*, as_of: dt.date) -> DemoSummary:
    """The unit's headline counts on a day, read back from the database."""
    looked_after = (
        Child.objects.filter(
            periods_of_care__first_recorded_on__lte=as_of,
            periods_of_care__ended_on__isnull=True,
            periods_of_care__is_short_breaks=False,
        )
        .distinct()
        .count()
    )
    on_plans = (
        ChildProtectionPlan.objects.filter(started_on__lte=as_of, ended_on__isnull=True)
        .values("child")
        .distinct()
        .count()
    )
    iros = IndependentReviewingOfficer.objects.filter(active=True)
    deadlines = Counter((d.kind, d.status) for d in open_deadlines(as_of=as_of))
    accounts = [(username, "Independent reviewing officer") for username, _, _ in IRO_POSTS]
    accounts += [(username, role.label) for username, role, _ in STAFF_ACCOUNTS]
    return DemoSummary(
        as_of=as_of,
        children=Child.objects.count(),
        looked_after=looked_after,
        on_plans=on_plans,
        iros=iros.count(),
        iro_fte=iros.aggregate(total=Sum("fte"))["total"] or Decimal(0),
        households=FosterCarerHousehold.objects.count(),
        households_approved=FosterCarerHousehold.objects.filter(
            approval_ended_on__isnull=True
        ).count(),
        disputes=dict(Counter(Dispute.objects.values_list("status", flat=True))),
        deadlines=dict(deadlines),
        accounts=accounts,
    )
