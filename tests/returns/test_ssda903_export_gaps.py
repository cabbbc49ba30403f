"""The SSDA903 export: care leavers with only an OC3 row, and the reason for a placement
change, which is the ceasing episode's (DfE guidance; rules 225 and 233)."""

import pytest

from returns.ssda903.exporter import return_export
from returns.ssda903.importer import returns_import
from tests.returns.ssda903 import csv_rows, episode, header, return_write

pytestmark = pytest.mark.django_db


def oc3(child="C2", dob="01/06/2006"):
    return {"CHILD": child, "DOB": dob, "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "S"}


def test_a_care_leaver_with_only_an_oc3_row_is_in_the_years_header_and_oc3(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header(), header(child="C2", dob="01/06/2006")],
        Episodes=[episode(decom="01/05/2024")],
        OC3=[oc3()],
    )
    returns_import(directories=[directory])
    counts = return_export(year=2024, directory=tmp_path / "out")
    assert [r["CHILD"] for r in csv_rows(tmp_path / "out" / "header.csv")] == ["C1", "C2"]
    assert csv_rows(tmp_path / "out" / "oc3.csv") == [oc3()]
    # A care leaver has no episode in the year, so none is made up.
    assert [r["CHILD"] for r in csv_rows(tmp_path / "out" / "episodes.csv")] == ["C1"]
    assert (counts["Header"], counts["OC3"], counts["Episodes"]) == (2, 1, 1)


def test_a_care_leaver_of_one_year_is_not_in_another_years_return(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header(), header(child="C2", dob="01/06/2006")],
        Episodes=[episode(decom="01/05/2024")],
        OC3=[oc3()],
    )
    returns_import(directories=[directory])
    return_export(year=2025, directory=tmp_path / "out")
    assert [r["CHILD"] for r in csv_rows(tmp_path / "out" / "header.csv")] == ["C1"]
    assert csv_rows(tmp_path / "out" / "oc3.csv") == []


def test_the_reason_for_a_placement_change_goes_with_the_episode_that_ceases_in_the_year(
    tmp_path,
):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[
            episode(decom="01/05/2024", dec="02/09/2024", rec="X1", REASON_PLACE_CHANGE="CHILD"),
            episode(decom="02/09/2024", rne="P", PLACE="U5"),
        ],
    )
    returns_import(directories=[directory])
    return_export(year=2024, directory=tmp_path / "out")
    ceased, still_open = csv_rows(tmp_path / "out" / "episodes.csv")
    assert (ceased["DEC"], ceased["REC"], ceased["REASON_PLACE_CHANGE"]) == (
        "02/09/2024",
        "X1",
        "CHILD",
    )
    assert (still_open["DEC"], still_open["REASON_PLACE_CHANGE"]) == ("", "")


def test_a_upn_a_person_corrected_is_the_one_the_return_sends(tmp_path):
    from iro.models import Child
    from iro.services import CHILD_DETAILS, child_details_correct

    directory = return_write(tmp_path / "2024-25", Header=[header()], Episodes=[episode()])
    returns_import(directories=[directory])
    child = Child.objects.get()
    loaded = child.upn
    details = {f: getattr(child, f) for f in CHILD_DETAILS} | {"upn": "B801200005001"}
    child_details_correct(child=child, **details, reason="The school gave the right UPN")
    return_export(year=2024, directory=tmp_path / "out")
    [row] = csv_rows(tmp_path / "out" / "header.csv")
    assert loaded != "B801200005001"
    assert row["UPN"] == "B801200005001"
