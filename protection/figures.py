"""The child protection figures of the annual IRO report (RULES.md §7, indicators 9-20).

Each figure is one function computed in the database; its docstring is its definition.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from core.codes import CategoryOfAbuse
from core.dates import add_years, year_end, year_start

from .models import (
    Attendance,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    ConferenceKind,
    ConferenceStatus,
    InvitationKind,
)

CATEGORY_KEYS = {
    CategoryOfAbuse.NEGLECT: "neglect",
    CategoryOfAbuse.EMOTIONAL: "emotional",
    CategoryOfAbuse.PHYSICAL: "physical",
    CategoryOfAbuse.SEXUAL: "sexual",
    CategoryOfAbuse.MULTIPLE: "multiple",
}
CP_AGE_BANDS = [("under_5", 0, 5), ("5_to_10", 5, 11), ("11_to_15", 11, 16)]


def plans_open_on(day: dt.date) -> QuerySet[ChildProtectionPlan]:
    """Plans running on a day: started on or before it, not ended on or before it."""
    return ChildProtectionPlan.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day
    )


def on_plans_on(day: dt.date) -> int:
    """Children on a child protection plan on a day (indicator 9 at 31 March)."""
    return plans_open_on(day).values("child").distinct().count()


def on_plans_by_month(first_day: dt.date, months: int) -> list[tuple[dt.date, int]]:
    from reviews.figures import _month_end

    ends = [_month_end(first_day, i) for i in range(months)]
    counts = ChildProtectionPlan.objects.aggregate(
        **{
            f"m{i}": Count(
                "child",
                distinct=True,
                filter=Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)),
            )
            for i, end in enumerate(ends)
        }
    )
    return [(end, counts[f"m{i}"]) for i, end in enumerate(ends)]


def on_plans_by_initial_category(day: dt.date) -> dict[str, int]:
    """Plans running on a day by their initial category (pinned convention 11)."""
    counts = plans_open_on(day).aggregate(
        **{key: Count("pk", filter=Q(initial_category=code)) for code, key in CATEGORY_KEYS.items()}
    )
    return {key: counts[key] for key in CATEGORY_KEYS.values()}


def on_plans_by_age_band(day: dt.date) -> dict[str, int]:
    """Children on plans on a day: unborn, under 5, 5-10, 11-15, 16 and over."""
    from iro.models import Child

    base = Child.objects.filter(pk__in=plans_open_on(day).values("child"))
    aggregates = {
        "unborn": Count("pk", filter=Q(date_of_birth__isnull=True) | Q(date_of_birth__gt=day)),
    }
    for name, low, high in CP_AGE_BANDS:
        aggregates[name] = Count(
            "pk",
            filter=Q(
                date_of_birth__lte=add_years(day, -low), date_of_birth__gt=add_years(day, -high)
            ),
        )
    aggregates["16_and_over"] = Count("pk", filter=Q(date_of_birth__lte=add_years(day, -16)))
    counts = base.aggregate(**aggregates)
    # Born on the day itself counts as under 5 (age 0), not unborn.
    return {name: counts[name] for name in ["unborn", *[b[0] for b in CP_AGE_BANDS], "16_and_over"]}


def plan_starts_and_ends(year: int) -> dict[str, int]:
    """Plans started and ended in the year; repeat plans; plans ending after 2 years or more.

    "Second or subsequent" means any earlier plan: on record, or counted in an imported
    NumberOfPreviousCPP (indicator 17, the national "ever" measure).
    """
    start, end = year_start(year), year_end(year)
    earlier = ChildProtectionPlan.objects.filter(
        child=OuterRef("child"), started_on__lt=OuterRef("started_on")
    )
    started = ChildProtectionPlan.objects.filter(started_on__range=(start, end)).annotate(
        has_earlier=Exists(earlier)
    )
    ended = ChildProtectionPlan.objects.filter(ended_on__range=(start, end))
    long_plans = [
        p for p in ended.values_list("started_on", "ended_on") if p[1] >= add_years(p[0], 2)
    ]
    return {
        "plans_started": started.count(),
        "plans_ended": ended.count(),
        "plans_started_second_or_subsequent": started.filter(
            Q(previous_plans__gt=0) | Q(has_earlier=True)
        ).count(),
        "plans_ended_after_2_years_or_more": len(long_plans),
    }


def conference_children_in(year: int, *kinds: str) -> QuerySet[ConferenceChild]:
    return ConferenceChild.objects.filter(
        conference__status=ConferenceStatus.HELD,
        conference__kind__in=kinds,
        conference__held_on__range=(year_start(year), year_end(year)),
    )


def initial_conference_timeliness(year: int) -> dict[str, int]:
    """Children at initial (and transfer-in) conferences in the year, and those whose
    initial conference was within 15 working days of the strategy discussion.

    Transfer-ins are left out of timeliness; a conference dated before its strategy
    discussion has no valid duration and is left out too (indicator 15).
    """
    children = conference_children_in(year, ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN)
    initial = children.filter(
        conference__kind=ConferenceKind.INITIAL,
        section47__isnull=False,
        conference__held_on__gte=F("section47__strategy_discussion_on"),
    )
    return {
        "icpc_children": children.count(),
        "icpc_transfer_in_children": children.filter(
            conference__kind=ConferenceKind.TRANSFER_IN
        ).count(),
        "icpc_with_duration": initial.count(),
        "icpc_within_15_working_days": initial.filter(
            conference__held_on__lte=F("section47__icpc_due")
        ).count(),
        "icpc_children_no_plan": children.filter(outcome="no_plan").count(),
    }


def review_conference_timeliness(year: int) -> dict[str, int]:
    """Each child's review conference in the year, and those held by their due date."""
    children = conference_children_in(year, ConferenceKind.REVIEW)
    return {
        "review_conferences_children": children.count(),
        "review_conferences_in_time": children.filter(conference__held_on__lte=F("due_on")).count(),
    }


def conferences_held(year: int) -> dict[str, int]:
    """Conferences (meetings) held in the year by kind (indicator 13)."""
    from .models import ChildProtectionConference

    counts = ChildProtectionConference.objects.filter(
        status=ConferenceStatus.HELD, held_on__range=(year_start(year), year_end(year))
    ).aggregate(**{kind: Count("pk", filter=Q(kind=kind)) for kind in ConferenceKind.values})
    return {f"{kind}_conferences": n for kind, n in counts.items()}


def family_participation(year: int) -> dict[str, int]:
    """Conferences where family were invited, attended, and family members excluded."""
    invited = ConferenceInvitation.objects.filter(
        kind=InvitationKind.FAMILY,
        conference__status=ConferenceStatus.HELD,
        conference__held_on__range=(year_start(year), year_end(year)),
    )
    return {
        "conferences_family_invited": invited.values("conference").distinct().count(),
        "conferences_family_attended": invited.filter(attendance=Attendance.ATTENDED)
        .values("conference")
        .distinct()
        .count(),
        "family_excluded": invited.filter(attendance=Attendance.EXCLUDED).count(),
        "family_with_parental_responsibility_excluded": invited.filter(
            attendance=Attendance.EXCLUDED, has_parental_responsibility=True
        ).count(),
    }
