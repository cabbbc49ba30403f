"""Council-b's four years of returns, loaded in order or shuffled with a year given
twice, give every next due date and every annual-report figure its expected.json has."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import transaction

from protection.models import ChildProtectionPlan
from reporting.annual_report import report_build
from returns.cin_census.importer import cin_census_import
from returns.ssda903.importer import returns_import
from reviews.models import PeriodOfCare
from reviews.records_begin import records_begin_on
from worklists.deadlines import open_deadlines

COUNCIL_B = Path(__file__).resolve().parent.parent / "data" / "council-b"
EXPECTED = json.loads((COUNCIL_B / "expected.json").read_text())
IN_ORDER = ["2021-22", "2022-23", "2023-24", "2024-25"]
SHUFFLED_ONE_TWICE = ["2023-24", "2021-22", "2024-25", "2022-23", "2023-24"]
YEAR_END = dt.date(2025, 3, 31)


# council-b-dirty: the same returns as a council's system writes them (its QUIRKS.md: BOMs,
# CRLF, lower-case headers, council file names, other date forms, an extra column); its
# expected.json is a byte copy of council-b's.
COUNCIL_B_DIRTY = COUNCIL_B.parent / "council-b-dirty"
LOADS = [
    (COUNCIL_B, IN_ORDER),
    (COUNCIL_B, SHUFFLED_ONE_TWICE),
    (COUNCIL_B_DIRTY, SHUFFLED_ONE_TWICE),
]


@pytest.fixture(scope="module", params=LOADS, ids=["in order", "shuffled", "dirty, shuffled"])
def council_b(request, django_db_setup, django_db_blocker):
    """The four years loaded once per order (and once from the dirty copy) for this module."""
    folder, years = request.param
    with django_db_blocker.unblock(), transaction.atomic():
        returns_import(directories=[folder / "ssda903" / y for y in years])
        cin_census_import(paths=[folder / "cin" / f"{y}.xml" for y in years])
        yield
        transaction.set_rollback(True)


def _mismatches(expected: dict, actual: dict, path: str = "") -> list[str]:
    out = []
    for key, value in expected.items():
        got = actual.get(key) if isinstance(actual, dict) else None
        if isinstance(value, dict):
            out += _mismatches(value, got or {}, f"{path}{key}.")
        elif got != value:
            out.append(f"{path}{key}: expected {value}, got {got}")
    return out


@pytest.mark.django_db
def test_every_child_looked_after_at_31_march_2025_has_the_expected_next_review(council_b):
    open_periods = PeriodOfCare.objects.filter(ended_on__isnull=True, is_short_breaks=False)
    due = {
        p.child.child_id: p.next_review_due.isoformat()
        for p in open_periods.select_related("child")
    }
    assert len(EXPECTED["lac_next_review_due"]) == 630
    assert _mismatches(EXPECTED["lac_next_review_due"], due) == []
    assert set(due) == set(EXPECTED["lac_next_review_due"])


@pytest.mark.django_db
def test_every_child_on_a_plan_at_31_march_2025_has_the_expected_next_conference(council_b):
    on_a_plan = ChildProtectionPlan.objects.filter(started_on__lte=YEAR_END).exclude(
        ended_on__lte=YEAR_END
    )
    due = {
        p.child.child_id: p.next_review_due.isoformat() for p in on_a_plan.select_related("child")
    }
    assert _mismatches(EXPECTED["cp_next_review_conference_due"], due) == []
    assert set(due) == set(EXPECTED["cp_next_review_conference_due"])


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_annual_report_gives_every_figure_council_b_expects(council_b, year):
    assert _mismatches(EXPECTED[f"annual_report_{year}"], report_build(year)) == []


@pytest.mark.django_db
def test_every_open_initial_conference_deadline_at_31_march_2025_is_the_expected_one(council_b):
    deadlines = open_deadlines(as_of=YEAR_END)
    due = {d.child: d.due.isoformat() for d in deadlines if d.kind == "icpc"}
    assert _mismatches(EXPECTED["icpc_due"], due) == []
    assert set(due) == set(EXPECTED["icpc_due"])


# Where the report JSON keeps each of expected.json's `extra` figures (issue 12).
EXTRA_SECTION = {
    "transfer_in_conference_children": "child_protection",
    "icpc_children_excluding_transfer_in": "child_protection",
    "plans_started_second_or_subsequent_within_2_years": "child_protection",
    "uasc_looked_after_at_year_end": "looked_after",
    "missing_episodes_started": "looked_after",
    "children_missing_or_away": "looked_after",
    "short_break_children": "looked_after",
}


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_annual_report_gives_every_extra_figure_council_b_expects(council_b, year):
    extra = EXPECTED["extra"][f"{year}-{(year + 1) % 100:02d}"]
    assert set(extra) == set(EXTRA_SECTION)
    report = report_build(year)
    mismatches = [
        f"{EXTRA_SECTION[key]}.{key}: expected {extra[key]}, got "
        f"{report[EXTRA_SECTION[key]].get(key)}"
        for key in EXTRA_SECTION
        if report[EXTRA_SECTION[key]].get(key) != extra[key]
    ]
    assert mismatches == []


@pytest.mark.django_db
def test_the_records_begin_on_1_april_of_the_earliest_year_loaded_in_any_order(council_b):
    assert records_begin_on() == dt.date(2021, 4, 1)
