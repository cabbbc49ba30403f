"""The looked-after figures of the annual IRO report (RULES.md §7, indicators 1-7).

Each figure is one function computed in the database; its docstring is its definition.
Short-break periods (V3/V4 only) are never counted as looked after.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet

from core.codes import ParticipationCode
from core.dates import add_years, year_end, year_start

from .models import LookedAfterReview, PeriodOfCare, ReviewStatus

LAC_AGE_BANDS = [("under_1", 0, 1), ("1_to_4", 1, 5), ("5_to_9", 5, 10), ("10_to_15", 10, 16)]
ETHNIC_PREFIXES = {"white": "W", "mixed": "M", "asian": "A", "black": "B"}


def periods_open_on(day: dt.date) -> QuerySet[PeriodOfCare]:
    """Periods of care running on a day: begun on or before it, not ended on or before it."""
    return PeriodOfCare.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day),
        first_recorded_on__lte=day,
        is_short_breaks=False,
    )


def looked_after_on(day: dt.date) -> int:
    """Children looked after on a day (indicator 1 at 31 March), short breaks excluded."""
    return periods_open_on(day).values("child").distinct().count()


def looked_after_by_month(first_day: dt.date, months: int) -> list[tuple[dt.date, int]]:
    """Children looked after at the end of each month, in one query."""
    ends = [_month_end(first_day, i) for i in range(months)]
    counts = PeriodOfCare.objects.filter(is_short_breaks=False).aggregate(
        **{
            f"m{i}": Count(
                "child",
                distinct=True,
                filter=Q(first_recorded_on__lte=end)
                & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)),
            )
            for i, end in enumerate(ends)
        }
    )
    return [(end, counts[f"m{i}"]) for i, end in enumerate(ends)]


def _month_end(first_day: dt.date, offset: int) -> dt.date:
    year, month = divmod(first_day.month - 1 + offset, 12)
    start = dt.date(first_day.year + year, month + 1, 1)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def looked_after_by_age_band(day: dt.date) -> dict[str, int]:
    """Children looked after on a day by age in completed years: under 1, 1-4, 5-9, 10-15, 16-17."""
    from iro.models import Child

    base = Child.objects.filter(pk__in=periods_open_on(day).values("child"))
    aggregates = {}
    for name, low, high in LAC_AGE_BANDS:
        aggregates[name] = Count(
            "pk",
            filter=Q(
                date_of_birth__lte=add_years(day, -low), date_of_birth__gt=add_years(day, -high)
            ),
        )
    aggregates["16_to_17"] = Count("pk", filter=Q(date_of_birth__lte=add_years(day, -16)))
    counts = base.aggregate(**aggregates)
    return {name: counts[name] for name, *_ in LAC_AGE_BANDS} | {"16_to_17": counts["16_to_17"]}


def looked_after_by_ethnic_group(day: dt.date) -> dict[str, int]:
    """Children looked after on a day by DfE ethnic group (pinned convention 10)."""
    from iro.models import Child

    base = Child.objects.filter(pk__in=periods_open_on(day).values("child"))
    aggregates = {
        group: Count("pk", filter=Q(ethnicity__startswith=prefix))
        for group, prefix in ETHNIC_PREFIXES.items()
    }
    aggregates["other"] = Count("pk", filter=Q(ethnicity__in=["CHNE", "OOTH"]))
    aggregates["not_recorded"] = Count("pk", filter=Q(ethnicity__in=["REFU", "NOBT"]))
    return base.aggregate(**aggregates)


def periods_started(year: int) -> int:
    """Periods of care that began in the year (1 April to 31 March)."""
    return PeriodOfCare.objects.filter(
        is_short_breaks=False, started_on__range=(year_start(year), year_end(year))
    ).count()


def periods_ceased(year: int) -> int:
    """Periods of care that ended in the year."""
    return PeriodOfCare.objects.filter(
        is_short_breaks=False, ended_on__range=(year_start(year), year_end(year))
    ).count()


def reviews_held_in(year: int) -> QuerySet[LookedAfterReview]:
    return LookedAfterReview.objects.filter(
        status=ReviewStatus.HELD,
        held_on__range=(year_start(year), year_end(year)),
        period__is_short_breaks=False,
    )


def review_timeliness(year: int) -> dict[str, int]:
    """Reviews held in the year, and those held on or before their due date (indicator 5).

    A review with no due date on record (the first on record of a period whose start is
    not on record) cannot be judged late, so it counts as in time.
    """
    return reviews_held_in(year).aggregate(
        reviews_held=Count("pk"),
        reviews_in_time=Count("pk", filter=Q(due_on__isnull=True) | Q(held_on__lte=F("due_on"))),
    )


def participation(year: int) -> dict[str, int]:
    """Reviews held in the year by participation code, PN0 to PN7 (indicator 6)."""
    counts = reviews_held_in(year).aggregate(
        **{
            code: Count("pk", filter=Q(participation_code=code))
            for code in ParticipationCode.values
        }
    )
    return {code: counts[code] for code in ParticipationCode.values}


def permanence_at_second_review(year: int) -> dict[str, int]:
    """Children whose second review fell in the year, and those with a permanence plan then."""
    return (
        reviews_held_in(year)
        .filter(number=2, period__started_on__isnull=False)
        .aggregate(
            second_reviews=Count("pk"),
            with_permanence_plan=Count("pk", filter=~Q(permanence_plan="")),
        )
    )


def iro_contacts(year: int) -> dict[str, int]:
    """IRO visits and other contacts with children between reviews in the year."""
    from .models import IROContact

    return IROContact.objects.filter(
        occurred_on__range=(year_start(year), year_end(year))
    ).aggregate(
        contacts=Count("pk"),
        visits=Count("pk", filter=Q(kind="visit")),
        seen_alone=Count("pk", filter=Q(seen_alone=True)),
        children=Count("child", distinct=True),
    )
