"""Tonight's SSD extract after last night's: only what changed is loaded, and the kept
import run says exactly what (added, changed, ended, missing), with the child.

The second extract is council-b's sample with ten changes, made on copies of its CSVs."""

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from iro.models import Child
from protection.models import ChildProtectionPlan, Section47Enquiry
from returns.models import SsdExtractRow, SsdImportRun, SsdImportStatus, SsdRowState
from returns.ssd.reader import NOT_A_DATE
from reviews.models import Episode, LookedAfterReview, PeriodOfCare
from tests.returns.census import records
from tests.returns.ssda903 import records_snapshot
from tests.returns.test_ssd_sample import EXTRACT, ssd_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # each loads the sample extract

# The ten changes, as the run must report them: (table, kind, row id, child).
TEN_CHANGES = {
    ("ssd_cla_episodes", "added", "C00597-EP-20250303", "C00597"),  # enters care again
    ("ssd_cla_reviews", "added", "C00118-REV-20250328", "C00118"),  # a review held
    ("ssd_cp_plans", "ended", "C01521-CPP-20250128", "C01521"),  # a plan ends
    ("ssd_cla_episodes", "missing", "C00117-EP-20230107", "C00117"),  # an episode removed
    ("ssd_person", "changed", "C00118", "C00118"),  # the child's name
    ("ssd_s47_enquiry", "added", "C02678-S47-20250325", "C02678"),  # a new enquiry
    ("ssd_initial_cp_conference", "added", "C02528-ICPC-20250328", "C02528"),  # ICPC held
    ("ssd_cla_episodes", "changed", "C00170-EP-20250120", "C00170"),  # an IRO visit
    ("ssd_legal_status", "added", "C00170-LS-20250301", "C00170"),  # a legal status change
    ("ssd_cla_placement", "changed", "C00512-PL-20230822", "C00512"),  # placement provider
}
CHANGED_CHILDREN = {c for *_, c in TEN_CHANGES}


class Csv:
    """One table of an extract copy, to edit and write back."""

    def __init__(self, directory: Path, table: str):
        self.path = directory / f"{table}.csv"
        with self.path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            self.columns = list(reader.fieldnames or [])
            self.rows = list(reader)

    def row(self, column: str, value: str) -> dict:
        return next(r for r in self.rows if r[column] == value)

    def add(self, **values: str) -> None:
        self.rows.append({c: values.get(c, "") for c in self.columns})

    def remove(self, column: str, value: str) -> None:
        self.rows = [r for r in self.rows if r[column] != value]

    def save(self) -> None:
        with self.path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows(self.rows)


def second_extract(directory: Path) -> Path:
    """council-b's extract, a night later: the ten changes of TEN_CHANGES."""
    shutil.copytree(EXTRACT, directory)
    episodes = Csv(directory, "ssd_cla_episodes")
    episodes.add(
        clae_cla_episode_id="C00597-EP-20250303",
        clae_person_id="C00597",
        clae_cla_episode_start_date="2025-03-03",
        clae_cla_episode_start_reason="S",
        clae_cla_primary_need_code="N1",
        clae_cla_id="C00597-POC-20250303",
        clae_cla_placement_id="C00597-PL-20230913",
    )
    episodes.remove("clae_cla_episode_id", "C00117-EP-20230107")
    visited = episodes.row("clae_cla_episode_id", "C00170-EP-20250120")
    visited["clae_cla_last_iro_contact_date"] = "2025-03-25"
    episodes.save()

    reviews = Csv(directory, "ssd_cla_reviews")
    reviews.add(
        clar_cla_review_id="C00118-REV-20250328",
        clar_cla_id="C00118-POC-20210212",
        clar_cla_review_date="2025-03-28",
        clar_cla_review_cancelled="N",
        clar_cla_review_participation="PN1",
    )
    reviews.save()

    plans = Csv(directory, "ssd_cp_plans")
    plans.row("cppl_cp_plan_id", "C01521-CPP-20250128")["cppl_cp_plan_end_date"] = "2025-03-20"
    plans.save()

    people = Csv(directory, "ssd_person")
    person = people.row("pers_person_id", "C00118")
    person["pers_forename"], person["pers_surname"] = "Amira", "Testchild"
    people.save()

    enquiries = Csv(directory, "ssd_s47_enquiry")
    enquiries.add(
        s47e_s47_enquiry_id="C02678-S47-20250325",
        s47e_referral_id="C02678-REF-20250203",
        s47e_person_id="C02678",
        s47e_s47_start_date="2025-03-25",
    )
    enquiries.save()

    conferences = Csv(directory, "ssd_initial_cp_conference")
    conferences.add(
        icpc_icpc_id="C02528-ICPC-20250328",
        icpc_s47_enquiry_id="C02528-S47-20250324",
        icpc_person_id="C02528",
        icpc_referral_id="C02528-REF-20250317",
        icpc_icpc_transfer_in="N",
        icpc_icpc_date="2025-03-28",
        icpc_icpc_outcome_cp_flag="N",
    )
    conferences.save()

    legal = Csv(directory, "ssd_legal_status")
    legal.add(
        lega_legal_status_id="C00170-LS-20250301",
        lega_person_id="C00170",
        lega_legal_status="C1",
        lega_legal_status_start_date="2025-03-01",
    )
    legal.save()

    placements = Csv(directory, "ssd_cla_placement")
    placements.row("clap_cla_placement_id", "C00512-PL-20230822")["clap_cla_placement_provider"] = (
        "PR2"
    )
    placements.save()
    return directory


@pytest.fixture(scope="module")
def tonight(tmp_path_factory) -> Path:
    return second_extract(tmp_path_factory.mktemp("ssd") / "tonight")


@pytest.fixture(scope="module")
def last_night(django_db_setup, django_db_blocker):
    """The sample loaded once for this module; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        ssd_load()
        yield
        transaction.set_rollback(True)


def snapshot() -> dict:
    """Every record a load writes, per child (a return row without its place in the file,
    which a row added before it moves)."""
    return_rows = records_snapshot()
    return_rows["return rows"] = [
        (child, year, table, values)
        for child, year, table, _position, values in return_rows["return rows"]
    ]
    census = records()
    return {
        **return_rows,
        **{f"census {k}": v for k, v in census.items() if k not in {"conference_count", "returns"}},
    }


def children_differing(before: dict, after: dict) -> set[str]:
    """The children (each row's first value) whose records differ between two snapshots."""
    differing = set()
    for kind in before:
        was = {repr(row): row for row in before[kind]}
        now = {repr(row): row for row in after[kind]}
        differing |= {(was.get(key) or now[key])[0] for key in was.keys() ^ now.keys()}
    return differing


def reported(run: SsdImportRun) -> set[tuple]:
    return {(c["table"], c["kind"], c["id"], c["child"]) for c in run.changes}


def test_tonights_extract_reports_exactly_its_ten_changes_and_changes_only_those_children(
    last_night, tonight
):
    before = snapshot()

    printed = ssd_load(tonight)

    run = SsdImportRun.objects.first()
    assert run.status == SsdImportStatus.SUCCEEDED
    assert reported(run) == TEN_CHANGES
    assert len(run.changes) == 10
    assert "awaiting confirmation" in printed
    assert children_differing(before, snapshot()) <= CHANGED_CHILDREN


def test_tonights_changes_reach_the_records(last_night, tonight):
    ssd_load(tonight)

    entered = PeriodOfCare.objects.get(child__child_id="C00597", ended_on__isnull=True)
    assert entered.first_recorded_on == dt.date(2025, 3, 3)
    assert entered.next_review_due is not None
    assert LookedAfterReview.objects.filter(
        child__child_id="C00118", held_on=dt.date(2025, 3, 28)
    ).exists()
    plan = ChildProtectionPlan.objects.get(
        child__child_id="C01521", started_on=dt.date(2025, 1, 28)
    )
    assert plan.ended_on == dt.date(2025, 3, 20)
    assert Section47Enquiry.objects.get(
        child__child_id="C02678", strategy_discussion_on=dt.date(2025, 3, 25)
    ).icpc_due
    assert Section47Enquiry.objects.get(
        child__child_id="C02528", strategy_discussion_on=dt.date(2025, 3, 24)
    ).concluded_on == dt.date(2025, 3, 28)
    child = Child.objects.get(child_id="C00118")
    assert (child.first_name, child.last_name) == ("Amira", "Testchild")
    assert (
        Episode.objects.get(child__child_id="C00512", started_on=dt.date(2023, 8, 22))
    ).placement_provider == "PR2"


def test_an_episode_missing_from_the_extract_is_kept_and_awaits_confirmation(last_night, tonight):
    ssd_load(tonight)

    assert Episode.objects.filter(child__child_id="C00117", started_on=dt.date(2023, 1, 7)).exists()
    row = SsdExtractRow.objects.get(table="ssd_cla_episodes", row_id="C00117-EP-20230107")
    assert row.state == SsdRowState.MISSING
    assert row.missing_since == SsdImportRun.objects.first()


def test_loading_tonights_extract_twice_reports_no_changes_and_changes_nothing(last_night, tonight):
    ssd_load(tonight)
    before = snapshot()

    printed = ssd_load(tonight)

    assert "Nothing changed since the last extract." in printed
    assert SsdImportRun.objects.first().changes == []
    assert snapshot() == before
    # Still missing: it waits for a person, however many nights pass.
    row = SsdExtractRow.objects.get(table="ssd_cla_episodes", row_id="C00117-EP-20230107")
    assert row.state == SsdRowState.MISSING


def test_one_bad_date_in_one_table_refuses_the_whole_extract_naming_table_row_and_column(
    last_night, tonight, tmp_path
):
    bad = tmp_path / "bad"
    shutil.copytree(tonight, bad)
    reviews = Csv(bad, "ssd_cla_reviews")
    reviews.row("clar_cla_review_id", "C00118-REV-20250328")["clar_cla_review_date"] = "28/13/2025"
    reviews.save()
    number = 2 + next(
        i for i, r in enumerate(reviews.rows) if r["clar_cla_review_id"] == "C00118-REV-20250328"
    )
    before = (snapshot(), list(SsdExtractRow.objects.values_list("table", "row_id", "state")))

    with pytest.raises(CommandError) as refused:
        call_command("import_ssd", str(bad))

    problem = (
        f"ssd_cla_reviews.csv, row {number}, column clar_cla_review_date: "
        + NOT_A_DATE.format(value="28/13/2025")
    )
    assert problem in str(refused.value)
    assert (
        snapshot(),
        list(SsdExtractRow.objects.values_list("table", "row_id", "state")),
    ) == before
    run = SsdImportRun.objects.first()
    assert run.status == SsdImportStatus.FAILED
    assert run.problems == [problem]
