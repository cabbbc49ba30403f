"""The SSDA903 UASC and Missing tables kept as area records (reviews.UascStatus and
reviews.MissingEpisode) and counted in the annual report (RULES.md conventions 8 and 13)."""

import datetime as dt

import pytest
from django.db import transaction

from reporting.annual_report import report_build
from returns.ssda903.importer import (
    MISSING_ENDS_BEFORE_START,
    MISSING_KIND_NOT_VALID,
    ReturnRefused,
    returns_import,
)
from reviews.models import MissingEpisode, UascStatus
from tests.returns.ssda903 import episode, header, return_write

D = dt.date
pytestmark = pytest.mark.django_db
DOB = "22/07/2010"


def missing(child="C1", kind="M", start="10/05/2024", end="12/05/2024", dob=DOB):
    return {"CHILD": child, "DOB": dob, "MISSING": kind, "MIS_START": start, "MIS_END": end}


def uasc(child, duc, dob=DOB):
    return {"CHILD": child, "SEX": "M", "DOB": dob, "DUC": duc}


def looked_after(directory, *, missing_rows=(), uasc_rows=(), children=("C1",), **episodes):
    """A year's return: each child looked after since 1 May 2022 (or as `episodes` say)."""
    return return_write(
        directory,
        Header=[header(c, dob=DOB) for c in children],
        Episodes=[episodes.get(c) or episode(c, decom="01/05/2022") for c in children],
        Missing=list(missing_rows),
        UASC=list(uasc_rows),
    )


def episodes_on_file():
    return list(
        MissingEpisode.objects.order_by("started_on").values_list(
            "child__child_id", "kind", "started_on", "ended_on", "return_year"
        )
    )


def missing_figures(year):
    lac = report_build(year)["looked_after"]
    return lac["missing_episodes_started"], lac["children_missing_or_away"]


@pytest.fixture
def two_years(tmp_path):
    """C1 away from placement from 31 March 2024, still away at the end of 2023-24; the
    2024-25 return completes it and adds a missing episode in May."""
    open_at_year_end = missing(kind="A", start="31/03/2024", end="")
    y2023 = looked_after(tmp_path / "2023-24", missing_rows=[open_at_year_end])
    y2024 = looked_after(
        tmp_path / "2024-25",
        missing_rows=[missing(kind="A", start="31/03/2024", end="02/04/2024"), missing()],
    )
    return y2023, y2024


def test_an_episode_open_at_31_march_is_completed_by_the_next_years_return(two_years):
    y2023, y2024 = two_years
    returns_import(directories=[y2023])
    assert episodes_on_file() == [("C1", "A", D(2024, 3, 31), None, 2023)]

    returns_import(directories=[y2024])

    assert episodes_on_file() == [
        ("C1", "A", D(2024, 3, 31), D(2024, 4, 2), 2024),
        ("C1", "M", D(2024, 5, 10), D(2024, 5, 12), 2024),
    ]


def test_an_episode_counts_once_in_the_year_it_began(two_years):
    returns_import(directories=list(two_years))
    assert missing_figures(2023) == ({"M": 0, "A": 1}, 1)
    assert missing_figures(2024) == ({"M": 1, "A": 0}, 1)


def test_the_years_in_either_order_give_the_same_episodes(two_years):
    y2023, y2024 = two_years

    def after(*loads):
        with transaction.atomic():
            for directory in loads:
                returns_import(directories=[directory])
            result = episodes_on_file()
            transaction.set_rollback(True)
        return result

    assert after(y2024, y2023) == after(y2023, y2024)


def test_loading_the_same_return_again_changes_nothing(two_years):
    returns_import(directories=list(two_years))
    before = [(m.pk, m.updated_at) for m in MissingEpisode.objects.order_by("pk")]

    again = returns_import(directories=list(two_years))

    assert str(again.tallies["Missing episodes"]) == "added 0, changed 0, unchanged 2"
    assert [(m.pk, m.updated_at) for m in MissingEpisode.objects.order_by("pk")] == before


def test_a_year_loaded_again_replaces_its_missing_episodes_and_keeps_the_history(tmp_path):
    returns_import(
        directories=[looked_after(tmp_path / "first" / "2024-25", missing_rows=[missing()])]
    )
    episode_pk = MissingEpisode.objects.get().pk

    corrected = looked_after(tmp_path / "corrected" / "2024-25", missing_rows=[])
    summary = returns_import(directories=[corrected])

    assert str(summary.tallies["Missing episodes"]) == "added 0, changed 0, unchanged 0, removed 1"
    assert not MissingEpisode.objects.exists()
    gone = MissingEpisode.history.filter(id=episode_pk).order_by("history_date")
    assert [h.history_type for h in gone] == ["+", "-"]


def test_a_uasc_child_is_counted_while_looked_after_until_their_status_ceases(tmp_path):
    left_care = episode("C3", decom="01/05/2022", dec="28/02/2025", rec="E4A")
    returns_import(
        directories=[
            looked_after(
                tmp_path / "2024-25",
                children=("C1", "C2", "C3"),
                C3=left_care,
                # C1's status ceases after the year (at 18); C2's ceased in February;
                # C3 is UASC but had left care by 31 March.
                uasc_rows=[uasc("C1", "22/07/2028"), uasc("C2", "01/02/2025"), uasc("C3", "")],
            )
        ]
    )

    assert sorted(UascStatus.objects.values_list("child__child_id", "ceased_on")) == [
        ("C1", D(2028, 7, 22)),
        ("C2", D(2025, 2, 1)),
        ("C3", None),
    ]
    assert report_build(2024)["looked_after"]["uasc_looked_after_at_year_end"] == 1


def test_the_latest_return_gives_a_uasc_childs_date_of_ceasing(tmp_path):
    returns_import(
        directories=[
            looked_after(tmp_path / "2024-25", uasc_rows=[uasc("C1", "22/07/2028")]),
            looked_after(tmp_path / "2023-24", uasc_rows=[uasc("C1", "01/01/2028")]),
        ]
    )
    status = UascStatus.objects.get()
    assert (status.ceased_on, status.return_year) == (D(2028, 7, 22), 2024)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (missing(kind="X"), "MISSING", MISSING_KIND_NOT_VALID.format(value="X")),
        (missing(start="12/05/2024", end="10/05/2024"), "MIS_END", MISSING_ENDS_BEFORE_START),
    ],
)
def test_a_missing_row_oversight_cannot_keep_is_refused_and_nothing_is_saved(
    tmp_path, row, column, message
):
    directory = looked_after(tmp_path / "2024-25", missing_rows=[row])
    with pytest.raises(ReturnRefused) as refused:
        returns_import(directories=[directory])
    assert refused.value.problems == [f"2024-25/missing.csv, row 2, column {column}: {message}"]
    assert not MissingEpisode.objects.exists()
    assert not UascStatus.objects.exists()
