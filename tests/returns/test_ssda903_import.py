"""Loading SSDA903 returns: any order, twice over, corrections, and the hard cases one by one."""

import datetime as dt

import pytest
from django.db import transaction

from iro.models import Child
from returns.ssda903.exporter import return_export
from returns.ssda903.importer import ReturnRefused, returns_import
from reviews.models import AdoptionDecision, Episode, LookedAfterReview, PeriodOfCare
from reviews.services import episode_record, lac_review_record
from tests.factories import ChildFactory
from tests.returns.ssda903 import (
    csv_rows,
    episode,
    header,
    records_snapshot,
    return_write,
    review,
    sample,
)

D = dt.date
pytestmark = pytest.mark.django_db


def load(*directories):
    return returns_import(directories=list(directories))


def snapshot_after(*loads) -> dict:
    """The records after some loads, then forgotten (rolled back) for the next try."""
    with transaction.atomic():
        for directories in loads:
            load(*directories)
        snapshot = records_snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_the_three_years_loaded_in_any_order_and_twice_over_give_the_same_records():
    y22, y23, y24 = (sample(y) for y in ("2022-23", "2023-24", "2024-25"))
    in_order = snapshot_after([y22], [y23], [y24])
    shuffled_twice = snapshot_after([y24, y22], [y23], [y22, y24, y23])
    assert shuffled_twice == in_order
    assert len(in_order["children"]) == 456
    assert len(in_order["reviews"]) == 1676


def test_a_year_loaded_alone_exports_back_the_same_files(tmp_path):
    load(sample("2024-25"))
    return_export(year=2024, directory=tmp_path)
    for original in sample("2024-25").iterdir():
        assert (tmp_path / original.name).read_text() == original.read_text(), original.name


def test_loading_the_same_year_again_changes_nothing():
    first = load(sample("2024-25"))
    again = load(sample("2024-25"))
    assert str(first.tallies["Episodes"]) == "added 460, changed 0, unchanged 0"
    assert str(again.tallies["Episodes"]) == "added 0, changed 0, unchanged 460"
    assert str(again.tallies["Children"]) == "added 0, changed 0, unchanged 308"


def test_tables_are_recognised_by_their_columns_not_their_file_names(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[episode()],
        Reviews=[review()],
    )
    (directory / "header.csv").rename(directory / "children.csv")
    (directory / "episodes.csv").rename(directory / "a.csv")
    reviews = directory / "reviews.csv"
    # Columns in another order, lower case.
    reviews.write_text("review_code,review,dob,child\nPN1,20/05/2024,01/06/2015,C1\n")
    summary = load(directory)
    assert str(summary.tallies["Reviews"]) == "added 1, changed 0, unchanged 0"


def test_both_sex_code_schemes_are_read_and_each_year_is_written_in_its_own(tmp_path):
    old = return_write(
        tmp_path / "2023-24",
        Header=[header(sex="2"), header(child="C2", sex="1")],
        Episodes=[episode(decom="01/05/2023"), episode(child="C2", decom="01/05/2023")],
    )
    new = return_write(
        tmp_path / "2024-25",
        Header=[header(sex="F"), header(child="C2", sex="M")],
        Episodes=[episode(decom="01/05/2023"), episode(child="C2", decom="01/05/2023")],
    )
    load(new, old)
    assert dict(Child.objects.values_list("child_id", "sex")) == {"C1": "F", "C2": "M"}
    return_export(year=2023, directory=tmp_path / "out")
    assert [r["SEX"] for r in csv_rows(tmp_path / "out" / "header.csv")] == ["2", "1"]


def test_a_later_return_wins_whichever_is_loaded_first(tmp_path):
    earlier = return_write(
        tmp_path / "2023-24",
        Header=[header(ETHNIC="NOBT")],
        Episodes=[episode(decom="01/05/2023", PLACE="U6")],
    )
    later = return_write(
        tmp_path / "2024-25",
        Header=[header(ETHNIC="WIRI")],
        Episodes=[episode(decom="01/05/2023", PLACE="U4")],
    )
    load(later)
    load(earlier)
    child = Child.objects.get()
    assert (child.ethnicity, child.return_year) == ("WIRI", 2024)
    assert Episode.objects.get().placement == "U4"
    assert (child.first_name, child.last_name) == ("Child", "C1")


def test_a_start_date_corrected_in_a_later_return_replaces_the_earlier_episode(tmp_path):
    earlier = return_write(
        tmp_path / "2023-24",
        Header=[header()],
        Episodes=[episode(decom="01/05/2023")],
        Reviews=[review(date="25/05/2023")],
    )
    later = return_write(
        tmp_path / "2024-25", Header=[header()], Episodes=[episode(decom="03/05/2023")]
    )
    in_order = snapshot_after([earlier], [later])
    assert snapshot_after([later], [earlier]) == in_order
    load(earlier, later)
    assert list(Episode.objects.values_list("started_on", "return_year")) == [(D(2023, 5, 3), 2024)]
    period = PeriodOfCare.objects.get()
    assert period.started_on == D(2023, 5, 3)
    assert period.reviews.get().held_on == D(2023, 5, 25)


def test_an_episode_open_in_an_earlier_return_waits_for_the_return_that_ends_it(tmp_path):
    """2022-23 has the episode open; 2024-25 has a new period; 2023-24 says when the first
    one ended. Loading 2022-23 and 2024-25 first is not a conflict."""
    y22 = return_write(
        tmp_path / "2022-23",
        Header=[header()],
        Episodes=[episode(decom="02/05/2022")],
        Reviews=[review(date="26/05/2022")],
    )
    y23 = return_write(
        tmp_path / "2023-24",
        Header=[header()],
        Episodes=[episode(decom="02/05/2022", dec="01/08/2023", rec="E4A")],
    )
    y24 = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[episode(decom="03/06/2024")],
        Reviews=[review(date="27/06/2024")],
    )
    in_order = snapshot_after([y22], [y23], [y24])
    assert snapshot_after([y22, y24], [y23]) == in_order
    load(y24, y22, y23)
    periods = PeriodOfCare.objects.order_by("first_recorded_on")
    assert [(p.ended_on, p.reviews.count()) for p in periods] == [
        (D(2023, 8, 1), 1),
        (None, 1),
    ]


def test_an_episode_that_overlaps_one_entered_in_oversight_is_refused(tmp_path):
    child = ChildFactory(child_id="C1")
    episode_record(
        child=child,
        started_on=D(2024, 5, 1),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    before = records_snapshot()
    directory = return_write(
        tmp_path / "2024-25", Header=[header()], Episodes=[episode(decom="02/04/2024")]
    )
    with pytest.raises(ReturnRefused) as refused:
        load(directory)
    assert refused.value.problems == [
        "2024-25/episodes.csv, row 2, column DECOM: C1's episode starting 02/04/2024 overlaps "
        "the episode starting 01/05/2024 entered in Oversight"
    ]
    assert records_snapshot() == before


def test_records_entered_in_oversight_are_kept_and_a_return_row_for_the_same_day_is_noted(
    tmp_path, time_machine
):
    """A review a person recorded keeps its code where the return's differs (issue 13):
    the difference waits for a person (tests/returns/test_import_disagreements.py)."""
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC), tick=False)
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[episode(decom="03/06/2024")],
        Reviews=[review(date="27/06/2024", code="PN6")],
    )
    load(directory)
    child = Child.objects.get()
    lac_review_record(
        child=child, held_on=D(2024, 9, 20), participation_code="PN1", permanence_plan="f"
    )
    LookedAfterReview.objects.filter(held_on=D(2024, 6, 27)).update(
        participation_code="PN1", return_year=None
    )
    summary = load(directory)
    reviews = LookedAfterReview.objects.order_by("held_on")
    assert [(r.held_on, r.participation_code, r.return_year) for r in reviews] == [
        (D(2024, 6, 27), "PN1", None),
        (D(2024, 9, 20), "PN1", None),
    ]
    assert str(summary.tallies["Reviews"]) == "added 0, changed 0, unchanged 1"
    assert summary.disagreements.new == 1


def test_loading_a_corrected_year_again_removes_what_it_no_longer_has(tmp_path):
    first = return_write(
        tmp_path / "first" / "2024-25",
        Header=[header()],
        Episodes=[episode(decom="03/06/2024")],
        Reviews=[review(date="27/06/2024"), review(date="20/09/2024")],
    )
    corrected = return_write(
        tmp_path / "corrected" / "2024-25",
        Header=[header()],
        Episodes=[episode(decom="03/06/2024")],
        Reviews=[review(date="27/06/2024")],
    )
    load(first)
    summary = load(corrected)
    assert list(LookedAfterReview.objects.values_list("held_on", flat=True)) == [D(2024, 6, 27)]
    assert str(summary.tallies["Reviews"]) == "added 0, changed 0, unchanged 1, removed 1"
    assert PeriodOfCare.objects.get().next_review_due == D(2024, 9, 27)


def test_a_decision_to_place_for_adoption_is_not_a_placement_and_starts_no_28_day_clock(tmp_path):
    """PlacedAdoption's DATE_PLACED is the date of the decision that the child should be
    placed (DfE rules 115-119): the reviews run from entry and the placement order."""
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[
            episode(decom="03/06/2024", dec="02/09/2024", rec="X1", PLACE="U6"),
            episode(decom="02/09/2024", rne="L", LS="E1", PLACE="U6"),
        ],
        Reviews=[review(date="28/06/2024")],
        PlacedAdoption=[{"CHILD": "C1", "DOB": "01/06/2015", "DATE_PLACED": "20/08/2024"}],
    )
    load(directory)
    assert AdoptionDecision.objects.get().decided_on == D(2024, 8, 20)
    period = PeriodOfCare.objects.get()
    # Not 17 September (28 days after the decision): 3 months after the first review.
    assert period.next_review_due == D(2024, 9, 28)
    assert period.next_review_reason == "3 months after the first review on 28 June 2024"


def test_a_review_outside_every_period_of_care_is_refused(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[episode(decom="03/06/2024")],
        Reviews=[review(date="20/05/2024")],
    )
    with pytest.raises(ReturnRefused) as refused:
        load(directory)
    assert refused.value.problems == [
        "2024-25/reviews.csv, row 2, column REVIEW: C1's review on 20/05/2024 is not within "
        "a period of care (no episode covers that day)"
    ]
    assert not Child.objects.exists()


def test_the_year_is_given_when_the_directory_name_has_none_never_guessed(tmp_path):
    directory = return_write(
        tmp_path / "from-the-old-system",
        Header=[header()],
        Episodes=[episode(decom="03/06/2024")],
    )
    summary = returns_import(directories=[directory], year=2024)
    assert summary.years == ["2024-25"]
    assert Episode.objects.get().return_year == 2024


def test_an_export_leaves_blank_what_happened_after_the_year_end(tmp_path):
    """An episode that ends after 31 March is open in that year's file: no DEC, REC or
    REASON_PLACE_CHANGE, which DfE guidance records on the episode that ceases and rule
    233 (2025-26) refuses on an open one; the later year's file gives all three
    (tests/returns/test_ssda903_export_gaps.py)."""
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[
            episode(decom="01/06/2023", dec="02/09/2024", rec="X1", REASON_PLACE_CHANGE="CARPL"),
            episode(decom="02/09/2024", rne="P"),
        ],
        PlacedAdoption=[
            {
                "CHILD": "C1",
                "DOB": "01/06/2015",
                "DATE_PLACED": "02/10/2023",
                "DATE_PLACED_CEASED": "03/06/2024",
                "REASON_PLACED_CEASED": "RD1",
            }
        ],
    )
    load(directory)
    return_export(year=2023, directory=tmp_path / "out")
    (only,) = csv_rows(tmp_path / "out" / "episodes.csv")
    assert (only["DECOM"], only["DEC"], only["REC"], only["REASON_PLACE_CHANGE"]) == (
        "01/06/2023",
        "",
        "",
        "",
    )
    (decision,) = csv_rows(tmp_path / "out" / "placed_for_adoption.csv")
    assert (decision["DATE_PLACED_CEASED"], decision["REASON_PLACED_CEASED"]) == ("", "")
    assert [r["CHILD"] for r in csv_rows(tmp_path / "out" / "header.csv")] == ["C1"]
