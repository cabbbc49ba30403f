"""The unit's staffing and caseload figures for the annual IRO report (indicator 8).

Each count is a selector returning a `Figure` (core.figures); the staffing sums
(full-time equivalents) are aggregates of their own. Its docstring is its definition.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from core.figures import Figure, counted_rows, open_on
from iro.models import Employment, IndependentReviewingOfficer, IROAllocation


def _held_on(day: dt.date) -> Q:
    return open_on(day, start="started_on", end="ended_on")


@counted_rows
def allocations() -> QuerySet[IROAllocation]:
    return IROAllocation.objects.all()


def children_allocated(day: dt.date) -> Figure:
    """Children held by an IRO on a day: the caseload (Report ¶16 counts looked-after and
    child protection children together: (214 + 115) / 5.0 = 66)."""
    return Figure(allocations(), _held_on(day), of="child")


def children_allocated_to(day: dt.date, iro_pk: int) -> Figure:
    """Children one IRO held on a day."""
    return Figure(allocations(), _held_on(day) & Q(iro_id=iro_pk), of="child")


def iros_in_post(day: dt.date) -> QuerySet[IndependentReviewingOfficer]:
    """IROs holding children on the day, and every IRO still active (a post such as the
    foster carer reviewer's holds no children). Oversight keeps no employment dates, so
    for a past year an IRO who has since left counts only if they held children then."""
    holding = allocations().filter(_held_on(day)).values("iro")
    return IndependentReviewingOfficer.objects.filter(Q(active=True) | Q(pk__in=holding))


def service_on(day: dt.date) -> dict:
    """IRO posts on a day: FTE, permanent and agency, and children per FTE of the IROs
    carrying a caseload, against the Handbook's 50-70 (three queries)."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=5, decimal_places=2))
    holding = allocations().filter(_held_on(day)).values("iro")
    staff = iros_in_post(day).aggregate(
        iros=Count("pk"),
        permanent=Count("pk", filter=Q(employment=Employment.PERMANENT)),
        agency=Count("pk", filter=Q(employment=Employment.AGENCY)),
        # (Aliases other than "fte": an alias may not shadow the field it sums.)
        total_fte=Coalesce(Sum("fte"), zero),
        permanent_fte=Coalesce(Sum("fte", filter=Q(employment=Employment.PERMANENT)), zero),
        agency_fte=Coalesce(Sum("fte", filter=Q(employment=Employment.AGENCY)), zero),
        caseload_fte=Coalesce(Sum("fte", filter=Q(pk__in=holding)), zero),
    )
    children = children_allocated(day).count()
    caseload_fte = staff["caseload_fte"]
    low, high = settings.OVERSIGHT_CASELOAD_RANGE
    return {
        "iros": staff["iros"],
        "permanent": staff["permanent"],
        "agency": staff["agency"],
        "fte": float(staff["total_fte"]),
        **{k: float(staff[k]) for k in ("permanent_fte", "agency_fte", "caseload_fte")},
        "children_allocated": children,
        "children_per_fte": float(round(children / caseload_fte, 1)) if caseload_fte else None,
        "caseload_range": [low, high],
    }


def caseloads_on(day: dt.date) -> list[dict]:
    """Each IRO's caseload on a day: children held, of whom looked after and on plans, and
    children per full-time post (one query)."""
    from protection.figures import on_plans
    from reviews.figures import looked_after

    held = allocations().filter(_held_on(day))
    looked_after_children = looked_after(day).records().values("child")
    on_plan_children = on_plans(day).records().values("child")
    rows = (
        held.values(
            "iro",
            "iro__fte",
            "iro__employment",
            "iro__user__first_name",
            "iro__user__last_name",
            "iro__user__username",
        )
        .annotate(
            children=Count("child", distinct=True),
            looked_after=Count("child", distinct=True, filter=Q(child__in=looked_after_children)),
            protection=Count("child", distinct=True, filter=Q(child__in=on_plan_children)),
        )
        .order_by("iro__user__last_name", "iro__user__first_name", "iro")
    )
    low, high = settings.OVERSIGHT_CASELOAD_RANGE
    out = []
    for row in rows:
        fte = row["iro__fte"]
        name = f"{row['iro__user__first_name']} {row['iro__user__last_name']}".strip()
        per_fte = float(round(Decimal(row["children"]) / fte, 1))
        out.append(
            {
                "iro": row["iro"],
                "name": name or row["iro__user__username"],
                "fte": float(fte),
                "employment": row["iro__employment"],
                "children": row["children"],
                "looked_after": row["looked_after"],
                "protection": row["protection"],
                "children_per_fte": per_fte,
                "within_range": low <= per_fte <= high,
            }
        )
    return out
