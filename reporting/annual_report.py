"""The annual IRO report's figures for any year, assembled from each area's figures.

Every count is a named selector in that area's figures.py, listed under its report key
in reporting.catalogue; this module counts them all (a fixed number of aggregate
queries, whatever the data) and adds what is derived from the counts: rates per 10,000
children, percentages, the monthly series, the four-year tables and the benchmarks.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Hashable
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from core.dates import year_start
from core.figures import Figure, count_all
from core.report_notes import report_notes_for
from reporting.cache import ClosedYears
from reporting.catalogue import Period, catalogue

# Years in the Report's trend tables: four for most, five for children on plans (¶46).
TREND_YEARS = 5
MONTHLY_SERIES_MONTHS = 48

# Indicators a benchmark may be entered for (Benchmark.indicator), with where the
# council's own value sits in the report.
BENCHMARK_INDICATORS = {
    "lac_rate": ("Children looked after per 10,000 children", "looked_after.rate_per_10000"),
    "lac_reviews_in_time": (
        "Looked-after reviews held in time (%)",
        "looked_after.reviews_in_time_pct",
    ),
    "cp_rate": (
        "Children on child protection plans per 10,000 children",
        "child_protection.rate_per_10000",
    ),
    "icpc_within_15_working_days": (
        "Initial conferences within 15 working days (%)",
        "child_protection.icpc_within_15_working_days_pct",
    ),
    "rcpc_in_time": (
        "Review conferences within timescales (%)",
        "child_protection.review_conferences_in_time_pct",
    ),
    "cp_second_or_subsequent": (
        "Plans that were second or subsequent (%)",
        "child_protection.plans_started_second_or_subsequent_pct",
    ),
    "cp_ended_after_2_years": (
        "Plans ending that had lasted 2 years or more (%)",
        "child_protection.plans_ended_after_2_years_or_more_pct",
    ),
    "iro_caseload": ("Children per full-time IRO", "service.children_per_fte"),
}


def year_label(year: int) -> str:
    return Period.of(year).label


def rate(count: int | None, population: int | None) -> float | None:
    """Per 10,000 children aged 0-17, to one decimal place."""
    if count is None or not population:
        return None
    exact = Decimal(count) * 10_000 / Decimal(population)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def pct(part: int | None, whole: int | None) -> float | None:
    """A percentage to one decimal place; None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    exact = Decimal(part) * 100 / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _nest(flat: dict[str, int]) -> dict:
    out: dict = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def _derived(counts: dict, population: int | None) -> dict:
    """Rates and percentages beside the counts they come from (in place)."""
    lac, cp = counts["looked_after"], counts["child_protection"]
    lac["rate_per_10000"] = rate(lac["at_year_end"], population)
    # Reviews whose due date is not known (convention 4, records begin) are left out.
    lac["reviews_in_time_pct"] = pct(
        lac["reviews_in_time"], lac["reviews_in_time"] + lac["reviews_late"]
    )
    if "children_reviewed" in lac:
        lac["children_reviewed_all_in_time"] = (
            lac["children_reviewed"] - lac["children_with_a_late_review"]
        )
        lac["children_reviewed_all_in_time_pct"] = pct(
            lac["children_reviewed_all_in_time"], lac["children_reviewed"]
        )
    cp["rate_per_10000"] = rate(cp["at_year_end"], population)
    # Issue 12's names for two figures the catalogue counts under its own keys.
    cp["transfer_in_conference_children"] = cp["icpc_transfer_in_children"]
    cp["plans_started_second_or_subsequent_within_2_years"] = cp[
        "plans_started_within_24_months_of_previous"
    ]
    cp["icpc_within_15_working_days_pct"] = pct(
        cp["icpc_within_15_working_days"], cp["icpc_with_duration"]
    )
    cp["icpc_children_no_plan_pct"] = pct(cp["icpc_children_no_plan"], cp["icpc_children"])
    cp["review_conferences_in_time_pct"] = pct(
        cp["review_conferences_in_time"], cp["review_conferences_children"]
    )
    cp["plans_started_second_or_subsequent_pct"] = pct(
        cp["plans_started_second_or_subsequent"], cp["plans_started"]
    )
    cp["plans_started_within_24_months_of_previous_pct"] = pct(
        cp["plans_started_within_24_months_of_previous"], cp["plans_started"]
    )
    cp["plans_ended_after_2_years_or_more_pct"] = pct(
        cp["plans_ended_after_2_years_or_more"], cp["plans_ended"]
    )
    family = cp["family"]
    family["icpc_family_attended_pct"] = pct(
        family["icpc_family_attended"], family["icpc_family_invitations"]
    )
    family["rcpc_family_attended_pct"] = pct(
        family["rcpc_family_attended"], family["rcpc_family_invitations"]
    )
    return counts


def _lookup(report: dict, path: str):
    node = report
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _benchmarks(report: dict, year: int) -> list[dict]:
    """Each indicator's comparators for the year, or the latest year before it that has
    them (published benchmarks lag a year, Report ¶46): one query."""
    from reporting.models import Benchmark

    latest: dict[tuple[str, str], Benchmark] = {}
    for b in Benchmark.objects.filter(year__lte=year).order_by("year"):
        latest[(b.indicator, b.comparator)] = b
    indicators = list(BENCHMARK_INDICATORS)
    indicators += sorted({i for i, _ in latest} - set(indicators))
    rows = []
    for indicator in indicators:
        label, path = BENCHMARK_INDICATORS.get(indicator, (indicator, ""))
        row = {
            "indicator": indicator,
            "label": label,
            "ours": _lookup(report, path) if path else None,
        }
        for comparator in Benchmark.Comparator:
            b = latest.get((indicator, comparator.value))
            row[comparator.value] = float(b.value) if b else None
            row[f"{comparator.value}_year"] = year_label(b.year) if b else None
        rows.append(row)
    return rows


def _trend_counts(years: list[int], *, as_of: dt.date | None) -> dict[int, dict[str, int]]:
    """The counts of each year's trend figures (the Report's four-year tables), together."""
    figures: dict[Hashable, Figure] = {
        (y, key): entry.figure
        for y in years
        for key, entry in catalogue(Period.of(y, as_of=as_of), trend_only=True).items()
    }
    counts = cast("dict[tuple[int, str], int]", count_all(figures))
    return {y: {key: n for (yy, key), n in counts.items() if yy == y} for y in years}


def _month_counts(years: list[int]) -> dict[int, dict[str, list[tuple[dt.date, int]]]]:
    """Children looked after and on plans at each month's end of each year, together."""
    from protection.figures import on_plans_by_month
    from reviews.figures import looked_after_by_month

    if not years:
        return {}
    first, last = min(years), max(years)
    months = 12 * (last - first + 1)
    lac = looked_after_by_month(year_start(first), months)
    cp = on_plans_by_month(year_start(first), months)

    def of(y: int, series: list[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
        return [(d, n) for d, n in series if year_start(y) <= d < year_start(y + 1)]

    return {y: {"lac": of(y, lac), "cp": of(y, cp)} for y in years}


def report_build(year: int, *, as_of: dt.date | None = None) -> dict:
    """Every figure of the annual report for the year starting 1 April `year`.

    Snapshots are at 31 March; for a year still in progress, at `as_of` (the year so far).
    What it reads of earlier, closed years is counted once and kept (reporting.cache).
    """
    from disputes.figures import median_working_days, working_days_to_resolve
    from reporting.iro_figures import caseloads_on, service_on
    from reporting.models import PopulationEstimate
    from reviews.records_begin import records_begin_on

    period = Period.of(year, as_of=as_of)
    periods = [Period.of(y, as_of=as_of) for y in range(year - TREND_YEARS + 1, year + 1)]
    populations = dict(
        PopulationEstimate.objects.filter(year__in=[p.year for p in periods]).values_list(
            "year", "children_0_to_17"
        )
    )

    closed = ClosedYears()
    earlier = [p.year for p in periods[:-1]]  # closed years: counted once and kept
    trend = closed.kept("trend", earlier, functools.partial(_trend_counts, as_of=as_of))
    counts: dict[Hashable, int] = {
        (year, key): n
        for key, n in count_all({k: e.figure for k, e in catalogue(period).items()}).items()
    }
    for y, kept in trend.items():
        counts.update({(y, key): n for key, n in kept.items()})

    def of_year(y: int) -> dict:
        return _nest({key: n for (yy, key), n in counts.items() if yy == y})

    this = _derived(of_year(year), populations.get(year))
    series_years = range(year - MONTHLY_SERIES_MONTHS // 12 + 1, year + 1)
    done = [y for y in series_years if Period.of(y, as_of=as_of).is_complete]
    months = closed.kept("months", done, _month_counts)
    months.update(_month_counts([y for y in series_years if y not in months]))
    lac_months = [m for y in series_years for m in months[y]["lac"]]
    cp_months = [m for y in series_years for m in months[y]["cp"]]
    lac_months = [(d, n) for d, n in lac_months if d <= period.snapshot]
    cp_months = [(d, n) for d, n in cp_months if d <= period.snapshot]
    durations = working_days_to_resolve(year)
    fostering = this["fostering"]
    report = {
        "year": period.label,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "snapshot": period.snapshot.isoformat(),
        "complete": period.is_complete,
        "population_0_to_17": populations.get(year),
        # Reviews are on record from this day (convention 4); the report's notes say so.
        "records_begin": (begins := records_begin_on()) and begins.isoformat(),
        "looked_after": {
            **this["looked_after"],
            "by_month": [{"month_end": d.isoformat(), "children": n} for d, n in lac_months],
        },
        "child_protection": {
            **this["child_protection"],
            "by_month": [{"month_end": d.isoformat(), "children": n} for d, n in cp_months],
        },
        "service": {
            **service_on(period.snapshot),
            "caseloads": caseloads_on(period.snapshot),
        },
        "disputes": {
            **this["disputes"],
            "median_working_days_to_resolve": median_working_days(durations),
        },
        "fostering": {
            "reviews_due": fostering["reviews_due_held"] + fostering["reviews_due_not_held"],
            **fostering,
            "reviews_in_time_pct": pct(fostering["reviews_in_time"], fostering["reviews_held"]),
        },
        "history": [],
    }
    for p in periods:
        past = this if p.year == year else _derived(of_year(p.year), populations.get(p.year))
        report["history"].append(
            {
                "year": p.label,
                "snapshot": p.snapshot.isoformat(),
                "population_0_to_17": populations.get(p.year),
                "looked_after": {k: v for k, v in past["looked_after"].items() if k in _TREND_LAC},
                "child_protection": {
                    k: v for k, v in past["child_protection"].items() if k in _TREND_CP
                },
            }
        )
    report["benchmarks"] = _benchmarks(report, year)
    # Where a figure could not be known from the records' source (an SSD extract).
    report["notes"] = report_notes_for(year)
    return report


_TREND_LAC = {
    "at_year_end",
    "rate_per_10000",
    "started",
    "ceased",
    "age_bands",
    "ethnic_groups",
    "reviews_held",
    "reviews_in_time",
    "reviews_late",
    "reviews_due_date_not_known",
    "reviews_in_time_pct",
}
_TREND_CP = {
    "at_year_end",
    "rate_per_10000",
    "plans_started",
    "plans_ended",
    "conferences",
    "icpc_children",
    "icpc_transfer_in_children",
    "icpc_with_duration",
    "icpc_within_15_working_days",
    "icpc_within_15_working_days_pct",
    "icpc_children_no_plan",
    "icpc_children_no_plan_pct",
    "review_conferences_children",
    "review_conferences_in_time",
    "review_conferences_in_time_pct",
    "plans_started_second_or_subsequent",
    "plans_started_second_or_subsequent_pct",
    "plans_started_within_24_months_of_previous",
    "plans_started_within_24_months_of_previous_pct",
    "plans_ended_after_2_years_or_more",
    "plans_ended_after_2_years_or_more_pct",
    "family",
}
