"""The unit's staffing figures for the annual IRO report (indicator 8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import Employment, IndependentReviewingOfficer, IROAllocation


def service_on(day: dt.date) -> dict:
    """IROs holding children on a day: FTE, permanent and agency, children per FTE."""
    held = IROAllocation.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day
    )
    iros = IndependentReviewingOfficer.objects.filter(pk__in=held.values("iro"))
    staff = iros.aggregate(
        iros=Count("pk"),
        fte=Sum("fte"),
        permanent=Count("pk", filter=Q(employment=Employment.PERMANENT)),
        agency=Count("pk", filter=Q(employment=Employment.AGENCY)),
    )
    children = held.values("child").distinct().count()
    fte = staff["fte"] or Decimal(0)
    return {
        "iros": staff["iros"],
        "fte": float(fte),
        "permanent": staff["permanent"],
        "agency": staff["agency"],
        "children_allocated": children,
        "children_per_fte": float(round(children / fte, 1)) if fte else None,
    }
