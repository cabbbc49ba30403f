"""Council-b's SSD extract, loaded on an empty database, gives the due dates and report
figures council-b's returns give (expected.json); loading it again changes nothing."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from protection.models import ChildProtectionPlan, Section47Enquiry
from reporting.annual_report import report_build
from returns.models import SsdImportRun, SsdImportStatus
from reviews.models import PeriodOfCare
from reviews.records_begin import records_begin_on
from tests.returns.census import records
from tests.returns.ssda903 import records_snapshot

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data"
EXTRACT = DATA / "council-b-ssd"
EXPECTED = json.loads((DATA / "council-b" / "expected.json").read_text())
SNAPSHOT = dt.date.fromisoformat(EXPECTED["deadlines_as_of"])
# The SSD carries no CIN census count of earlier plans (NumberOfPreviousCPP).
NOT_IN_THE_SSD = {"plans_started_second_or_subsequent"}


def ssd_load(directory: Path = EXTRACT) -> str:
    out = io.StringIO()
    call_command("import_ssd", str(directory), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def council_b(django_db_setup, django_db_blocker):
    """The extract loaded once for this module; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        ssd_load()
        yield
        transaction.set_rollback(True)


def test_every_child_looked_after_has_the_next_review_due_council_b_expects(council_b):
    open_periods = PeriodOfCare.objects.filter(ended_on__isnull=True, is_short_breaks=False)
    due = {p.child.child_id: p.next_review_due for p in open_periods.select_related("child")}
    expected = {c: dt.date.fromisoformat(d) for c, d in EXPECTED["lac_next_review_due"].items()}
    assert {c: (due.get(c), d) for c, d in expected.items() if due.get(c) != d} == {}
    assert set(due) == set(expected)


def test_every_child_on_a_plan_has_the_next_review_conference_due_council_b_expects(council_b):
    on_a_plan = ChildProtectionPlan.objects.filter(started_on__lte=SNAPSHOT).exclude(
        ended_on__lte=SNAPSHOT
    )
    due = {
        p.child.child_id: p.next_review_due.isoformat() for p in on_a_plan.select_related("child")
    }
    assert due == EXPECTED["cp_next_review_conference_due"]


def test_every_enquiry_waiting_for_its_initial_conference_is_due_when_council_b_expects(
    council_b,
):
    waiting = Section47Enquiry.objects.filter(concluded_on__isnull=True, icpc_not_required=False)
    due = {e.child.child_id: e.icpc_due.isoformat() for e in waiting.select_related("child")}
    assert due == EXPECTED["icpc_due"]


def _differences(expected: dict, actual: dict, path: str = "") -> list[str]:
    out = []
    for key, value in expected.items():
        if key in NOT_IN_THE_SSD:
            continue
        got = actual.get(key) if isinstance(actual, dict) else None
        if isinstance(value, dict):
            out += _differences(value, got or {}, f"{path}{key}.")
        elif got != value:
            out.append(f"{path}{key}: expected {value}, got {got}")
    return out


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_annual_report_gives_council_b_s_figures_but_the_count_of_earlier_plans(
    council_b, year
):
    assert _differences(EXPECTED[f"annual_report_{year}"], report_build(year)) == []


def test_loading_the_same_extract_again_changes_nothing_and_says_so(council_b):
    before = (records_snapshot(), records())

    printed = ssd_load()

    assert "Nothing changed since the last extract." in printed
    assert (records_snapshot(), records()) == before
    run = SsdImportRun.objects.first()
    assert (run.status, run.changes) == (SsdImportStatus.SUCCEEDED, [])


# The extract's ssd_missing and ssd_immigration_status fill the same records the returns'
# Missing and UASC tables do.
FROM_MISSING_AND_UASC = (
    "uasc_looked_after_at_year_end",
    "missing_episodes_started",
    "children_missing_or_away",
)


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_extract_gives_council_b_s_uasc_and_missing_figures(council_b, year):
    extra = EXPECTED["extra"][f"{year}-{(year + 1) % 100:02d}"]
    looked_after = report_build(year)["looked_after"]
    assert {k: looked_after[k] for k in FROM_MISSING_AND_UASC} == {
        k: extra[k] for k in FROM_MISSING_AND_UASC
    }


def test_the_records_begin_on_1_april_of_the_year_of_the_extract_s_earliest_review(council_b):
    assert records_begin_on() == dt.date(2021, 4, 1)


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_annual_report_says_the_count_of_earlier_plans_is_not_known_from_the_ssd(
    council_b, year
):
    from returns.ssd.selectors import FIGURE, PLANS_BEFORE_NOT_KNOWN

    assert report_build(year)["notes"] == [{"figure": FIGURE, "text": PLANS_BEFORE_NOT_KNOWN}]
