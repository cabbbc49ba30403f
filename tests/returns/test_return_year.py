"""A return's collection year is what the council says (the year given, else the name
of its folder or file), checked against the data, never guessed from the latest date."""

import pytest

from returns.rules import collection_year, return_year_from_name
from returns.ssda903.importer import ReturnRefused, returns_import
from returns.ssda903.reading import YEAR_NOT_GIVEN
from tests.returns.ssda903 import episode, header, return_write


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("2019-20", 2019),
        ("2019_20", 2019),
        ("SSDA903_2019", 2019),
        ("903_2019-20", 2019),
        ("cin_2019", 2019),
        ("cin_2019.xml", 2019),
        ("2024-25.xml", 2024),
    ],
)
def test_a_name_gives_the_year_the_collection_starts(name, year):
    assert return_year_from_name(name) == year


@pytest.mark.parametrize("name", ["council-b", "header.csv", "2019-21", "2019_2020_2021"])
def test_a_name_without_one_year_gives_none(name):
    assert return_year_from_name(name) is None


def test_the_command_line_year_is_read_as_a_council_writes_it():
    assert collection_year("2019-20") == collection_year("2019") == 2019
    with pytest.raises(ValueError, match="'19' is not a collection year"):
        collection_year("19")


@pytest.mark.django_db
def test_a_future_uasc_duc_does_not_move_a_return_into_a_later_year(tmp_path):
    """A DUC (usually the 18th birthday) may lie years after the return's year."""
    directory = return_write(
        tmp_path / "SSDA903_2019",
        Header=[header(dob="01/06/2009")],
        Episodes=[episode(decom="01/05/2019")],
        UASC=[{"CHILD": "C1", "SEX": "1", "DOB": "01/06/2009", "DUC": "01/06/2027"}],
    )
    summary = returns_import(directories=[directory])
    assert summary.years == ["2019-20"]


@pytest.mark.django_db
def test_a_folder_that_names_no_year_is_refused_unless_the_year_is_given(tmp_path):
    directory = return_write(
        tmp_path / "returns", year=2019, Header=[header()], Episodes=[episode(decom="01/05/2019")]
    )
    with pytest.raises(ReturnRefused) as refused:
        returns_import(directories=[directory])
    assert refused.value.problems == [f"{directory}: {YEAR_NOT_GIVEN}"]
    assert returns_import(directories=[directory], year=2019).years == ["2019-20"]


@pytest.mark.django_db
def test_data_dated_after_the_year_given_is_refused_naming_the_year_and_file(tmp_path):
    directory = return_write(
        tmp_path / "returns", year=2019, Header=[header()], Episodes=[episode(decom="01/05/2020")]
    )
    with pytest.raises(ReturnRefused) as refused:
        returns_import(directories=[directory], year=2019)
    assert any(
        p.startswith("returns/episodes.csv") and "after the end of the 2019-20 collection year" in p
        for p in refused.value.problems
    ), refused.value.problems
