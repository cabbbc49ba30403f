"""The annual IRO report's figures for any year, assembled from each area's figures.

Every figure is a named function in that area's figures.py (computed in the database);
this module only puts them together under the report's keys.
"""

from __future__ import annotations

import datetime as dt

from core.dates import year_end, year_start


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _rate(count: int, population: int | None) -> float | None:
    return round(count * 10_000 / population, 1) if population else None


def report_build(year: int) -> dict:
    """Every figure of the annual report for the year starting 1 April `year`."""
    from disputes.figures import disputes_in
    from fostering.figures import carer_reviews_in
    from iro.figures import service_on
    from protection import figures as cp
    from reviews import figures as lac

    from .models import Benchmark, PopulationEstimate

    end = year_end(year)
    population = (
        PopulationEstimate.objects.filter(year=year)
        .values_list("children_0_to_17", flat=True)
        .first()
    )
    looked_after = lac.looked_after_on(end)
    on_plans = cp.on_plans_on(end)
    icpc = cp.initial_conference_timeliness(year)
    starts = cp.plan_starts_and_ends(year)
    first_month = dt.date(year - 3, 4, 1)
    report = {
        "year": year_label(year),
        "period": {"from": year_start(year).isoformat(), "to": end.isoformat()},
        "population_0_to_17": population,
        "looked_after": {
            "at_year_end": looked_after,
            "rate_per_10000": _rate(looked_after, population),
            "started": lac.periods_started(year),
            "ceased": lac.periods_ceased(year),
            "age_bands": lac.looked_after_by_age_band(end),
            "ethnic_groups": lac.looked_after_by_ethnic_group(end),
            **lac.review_timeliness(year),
            "participation": lac.participation(year),
            "permanence_at_second_review": lac.permanence_at_second_review(year),
            "iro_contacts": lac.iro_contacts(year),
            "by_month": [
                {"month_end": d.isoformat(), "children": n}
                for d, n in lac.looked_after_by_month(first_month, 48)
            ],
        },
        "child_protection": {
            "at_year_end": on_plans,
            "rate_per_10000": _rate(on_plans, population),
            "plans_started": starts["plans_started"],
            "plans_ended": starts["plans_ended"],
            "initial_category": cp.on_plans_by_initial_category(end),
            "age_bands": cp.on_plans_by_age_band(end),
            **icpc,
            "plans_started_second_or_subsequent": starts["plans_started_second_or_subsequent"],
            "plans_ended_after_2_years_or_more": starts["plans_ended_after_2_years_or_more"],
            **cp.review_conference_timeliness(year),
            "conferences": cp.conferences_held(year),
            "family": cp.family_participation(year),
            "by_month": [
                {"month_end": d.isoformat(), "children": n}
                for d, n in cp.on_plans_by_month(first_month, 48)
            ],
        },
        "service": service_on(end),
        "disputes": disputes_in(year),
        "fostering": carer_reviews_in(year),
        "benchmarks": [
            {
                "indicator": b.indicator,
                "comparator": b.comparator,
                "value": float(b.value),
            }
            for b in Benchmark.objects.filter(year=year)
        ],
    }
    return report
