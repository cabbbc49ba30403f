"""Each collection year is read by its own code lists and rules, never the latest year's.

SSDA903: 2025-26 drops H5, P2 and Z1 for Z11 to Z14 (which have no provider or URN);
2024-25 adds K3; 2017-18 has the special guardianship codes E43 and E44, not E45 to E48;
2026-27 adds the deprivation of liberty table (DoLo). CIN census: from 2024-25 the sex
element is Sex (M, F, U; U for unborn), GenderCurrent (0, 1, 2, 9) before; and from
2024-25 the assessment factors 18A and 19A are DfE queries, read with a warning.
"""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from core.codes import Placement
from core.spec_years import (
    PLACEMENTS_WITHOUT_PROVIDER,
    choices_on,
    code_valid_in,
    sex_codes_in_year,
    sex_read,
    year_label,
)
from iro.models import Child
from returns.cin_census import codes as cin_codes
from returns.cin_census.reader import (
    SEX_CODE_NOT_VALID,
    SEX_ELEMENT_NOT_IN_YEAR,
    UNBORN_SEX,
    CensusRefused,
    census_read,
)
from returns.ssda903.importer import ReturnRefused, returns_import
from returns.ssda903.reading import (
    DOLO_BEFORE_BIRTH,
    DOLO_END_NOT_AFTER_START,
    DOLO_OUTSIDE_CARE,
    DOLO_UNEXPECTED_PLACEMENT,
    PLACE_CHANGE_ON_OPEN_EPISODE,
    PROVIDER_NOT_FOR_PLACEMENT,
    SEX_NOT_IN_YEAR,
    TABLE_NOT_IN_YEAR,
)
from returns.ssda903.tables import sex_for_year
from reviews.forms import ChangePlacementForm, PlacementForm
from reviews.models import Episode
from reviews.services import care_start
from tests.factories import ChildFactory
from tests.returns.census import census_xml, child_xml, records
from tests.returns.ssda903 import (
    csv_rows,
    csv_write,
    episode,
    header,
    records_snapshot,
    return_write,
    sample,
    sample_copy,
)

D = dt.date
COUNCIL_B = Path(__file__).resolve().parent.parent / "data" / "council-b"
pytestmark = pytest.mark.django_db


def refused(directory) -> list[str]:
    """The problems a return is refused with; the records are checked unchanged."""
    before = records_snapshot()
    with pytest.raises(ReturnRefused) as refusal:
        returns_import(directories=[directory])
    assert records_snapshot() == before
    return refusal.value.problems


def one_episode_return(tmp_path, year: str, decom: str, **values):
    return return_write(
        tmp_path / year, Header=[header()], Episodes=[episode(decom=decom, **values)]
    )


# SSDA903 placement codes ------------------------------------------------------------


def test_a_2025_26_return_with_h5_is_refused_naming_file_row_and_column(tmp_path):
    problems = refused(one_episode_return(tmp_path, "2025-26", "01/05/2025", PLACE="H5"))
    assert problems == [
        "2025-26/episodes.csv, row 2, column PLACE: 'H5' is not a PLACE code in the 2025-26 "
        "return (it is used until 2024-25)"
    ]
    assert not Child.objects.exists()


def test_a_2025_26_return_with_p2_or_z1_is_refused(tmp_path):
    for place in ("P2", "Z1"):
        (problem,) = refused(
            one_episode_return(tmp_path / place, "2025-26", "01/05/2025", PLACE=place)
        )
        assert problem.startswith(f"2025-26/episodes.csv, row 2, column PLACE: '{place}' is not")


def test_a_2024_25_return_with_h5_is_read(tmp_path):
    returns_import(directories=[one_episode_return(tmp_path, "2024-25", "01/05/2024", PLACE="H5")])
    assert Episode.objects.get().placement == "H5"


def test_a_2024_25_return_with_z11_is_refused(tmp_path):
    directory = one_episode_return(
        tmp_path, "2024-25", "01/05/2024", PLACE="Z11", PLACE_PROVIDER="", URN=""
    )
    assert refused(directory) == [
        "2024-25/episodes.csv, row 2, column PLACE: 'Z11' is not a PLACE code in the 2024-25 "
        "return (it is used from 2025-26)"
    ]


def test_a_2025_26_return_reads_z11_to_z14_with_no_provider_or_urn(tmp_path):
    codes = ("Z11", "Z12", "Z13", "Z14")
    directory = return_write(
        tmp_path / "2025-26",
        Header=[header(child=f"C{n}") for n in range(4)],
        Episodes=[
            episode(child=f"C{n}", decom="01/05/2025", PLACE=code, PLACE_PROVIDER="", URN="")
            for n, code in enumerate(codes)
        ],
    )
    returns_import(directories=[directory])
    assert sorted(Episode.objects.values_list("placement", "placement_provider", "urn")) == [
        (code, "", "") for code in codes
    ]


def test_a_z11_placement_given_a_provider_is_refused_as_the_dfe_does(tmp_path):
    directory = one_episode_return(
        tmp_path, "2025-26", "01/05/2025", PLACE="Z11", PLACE_PROVIDER="PR1", URN=""
    )
    assert refused(directory) == [
        "2025-26/episodes.csv, row 2, column PLACE_PROVIDER: "
        + PROVIDER_NOT_FOR_PLACEMENT.format(value="PR1", place="Z11")
    ]


def test_k3_is_a_placement_from_2024_25_and_kept_in_2025_26(tmp_path):
    (problem,) = refused(one_episode_return(tmp_path / "a", "2023-24", "01/05/2023", PLACE="K3"))
    assert "'K3' is not a PLACE code in the 2023-24 return (it is used from 2024-25)" in problem
    returns_import(
        directories=[one_episode_return(tmp_path / "b", "2025-26", "01/05/2025", PLACE="K3")]
    )
    assert Episode.objects.get().placement == "K3"


# SEX (rule 101) in every year Oversight reads: 1/2 until 2023-24 (lac2022_23 rule 101,
# liia-tools' schemas 2016-17 to 2023-24), M/F/U from 2024-25 (lac2024_25 rule 101).
SEX_BY_YEAR = [(year, ("1", "2")) for year in range(2017, 2024)] + [
    (year, ("M", "F", "U")) for year in range(2024, 2027)
]


@pytest.mark.parametrize(
    ("year", "codes"), SEX_BY_YEAR, ids=[year_label(y) for y, _ in SEX_BY_YEAR]
)
def test_each_years_return_takes_its_own_sex_codes_and_refuses_the_others(tmp_path, year, codes):
    label = year_label(year)
    children = [header(child=f"C{n}", sex=code) for n, code in enumerate(codes, 1)]
    episodes = [episode(child=f"C{n}", decom=f"01/05/{year}") for n in range(1, len(codes) + 1)]
    returns_import(directories=[return_write(tmp_path / label, Header=children, Episodes=episodes)])
    means = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
    assert dict(Child.objects.values_list("child_id", "sex")) == {
        f"C{n}": means[code] for n, code in enumerate(codes, 1)
    }

    others = [c for c in ("1", "2", "M", "F", "U") if c not in codes]
    wrong = return_write(
        tmp_path / "wrong" / label,
        Header=[header(child=f"W{n}", sex=code) for n, code in enumerate(others, 1)],
        Episodes=[episode(child=f"W{n}", decom=f"01/05/{year}") for n in range(1, len(others) + 1)],
    )
    said = " or ".join([", ".join(codes[:-1]), codes[-1]])
    assert refused(wrong) == [
        f"{label}/header.csv, row {n}, column SEX: "
        + SEX_NOT_IN_YEAR.format(value=code, year=label, codes=said)
        for n, code in enumerate(others, 2)
    ]


def test_the_sex_codes_are_one_table_read_by_year():
    assert sex_codes_in_year(2017) == sex_codes_in_year(2023) == ["1", "2"]
    assert sex_codes_in_year(2024) == sex_codes_in_year(2030) == ["M", "F", "U"]
    assert [sex_read("2", 2023), sex_read("2", 2024), sex_read("f", 2024)] == ["F", None, "F"]
    # The export writes the year's code; an unknown sex has none before 2024-25.
    assert [sex_for_year(s, 2023) for s in "MFU"] == ["1", "2", ""]
    assert [sex_for_year(s, 2024) for s in "MFU"] == ["M", "F", "U"]


def test_a_2023_24_header_written_with_m_and_f_is_refused_as_the_dfe_refuses_it(tmp_path):
    directory = sample_copy("2023-24", tmp_path)
    rows = csv_rows(directory / "header.csv")
    rows[0]["SEX"], rows[4]["SEX"] = "M", "F"
    csv_write(directory / "header.csv", rows)
    said = "1 or 2"
    assert refused(directory) == [
        "2023-24/header.csv, row 2, column SEX: "
        + SEX_NOT_IN_YEAR.format(value="M", year="2023-24", codes=said),
        "2023-24/header.csv, row 6, column SEX: "
        + SEX_NOT_IN_YEAR.format(value="F", year="2023-24", codes=said),
    ]


def test_a_2024_25_header_written_with_1_and_2_is_refused_and_the_real_one_read(tmp_path):
    directory = sample_copy("2024-25", tmp_path)
    rows = csv_rows(directory / "header.csv")
    rows[2]["SEX"] = "2"
    csv_write(directory / "header.csv", rows)
    assert refused(directory) == [
        "2024-25/header.csv, row 4, column SEX: "
        + SEX_NOT_IN_YEAR.format(value="2", year="2024-25", codes="M, F or U")
    ]
    returns_import(directories=[sample("2023-24"), sample("2024-25")])
    assert set(Child.objects.values_list("sex", flat=True)) == {"M", "F"}


# SSDA903 older years ----------------------------------------------------------------


def ended(start: str, end: str, rec: str, **values):
    return {
        "Header": [header(sex="1", dob="01/06/2009")],
        "Episodes": [episode(decom=start, dec=end, rec=rec, **values)],
    }


def test_a_2017_18_return_reads_the_old_special_guardianship_codes(tmp_path):
    returns_import(
        directories=[return_write(tmp_path / "2017-18", **ended("01/05/2017", "01/02/2018", "E43"))]
    )
    only = Episode.objects.get()
    assert (only.ended_on, only.reason_ceased) == (D(2018, 2, 1), "E43")


def test_the_special_guardianship_codes_are_each_years_own(tmp_path):
    old = return_write(tmp_path / "2017-18", **ended("01/05/2017", "01/02/2018", "E45"))
    new = return_write(tmp_path / "2018-19", **ended("01/05/2018", "01/02/2019", "E44"))
    assert refused(old) == [
        "2017-18/episodes.csv, row 2, column REC: 'E45' is not a REC code in the 2017-18 "
        "return (it is used from 2018-19)"
    ]
    assert refused(new) == [
        "2018-19/episodes.csv, row 2, column REC: 'E44' is not a REC code in the 2018-19 "
        "return (it is used until 2017-18)"
    ]


def test_custody_is_a_reason_for_a_placement_change_from_2018_19(tmp_path):
    directory = return_write(
        tmp_path / "2017-18",
        Header=[header(sex="1")],
        Episodes=[
            episode(decom="01/05/2017", dec="01/06/2017", rec="X1", REASON_PLACE_CHANGE="CUSTOD"),
            episode(decom="01/06/2017", rne="P", PLACE="U5"),
        ],
    )
    assert refused(directory) == [
        "2017-18/episodes.csv, row 2, column REASON_PLACE_CHANGE: 'CUSTOD' is not a "
        "REASON_PLACE_CHANGE code in the 2017-18 return (it is used from 2018-19)"
    ]


def test_from_2025_26_an_open_episode_gives_no_reason_for_a_placement_change(tmp_path):
    def open_with_reason(year, decom):
        return one_episode_return(tmp_path / year, year, decom, REASON_PLACE_CHANGE="CARPL")

    assert refused(open_with_reason("2025-26", "01/05/2025")) == [
        "2025-26/episodes.csv, row 2, column REASON_PLACE_CHANGE: "
        + PLACE_CHANGE_ON_OPEN_EPISODE.format(value="CARPL")
    ]
    returns_import(directories=[open_with_reason("2024-25", "01/05/2024")])
    assert Episode.objects.get().reason_place_change == "CARPL"


# SSDA903 deprivation of liberty (2026-27) ---------------------------------------------


def dolo(start="01/06/2026", end="", child="C1", dob="01/06/2015"):
    return {"CHILD": child, "DOB": dob, "DOLO_START": start, "DOLO_END": end}


def dolo_return(tmp_path, year="2026-27", *rows, place="K2"):
    return return_write(
        tmp_path / year,
        Header=[header()],
        Episodes=[episode(decom=f"01/05/{year[:4]}", PLACE=place, **no_provider(place))],
        DoLo=list(rows),
    )


def no_provider(place: str) -> dict[str, str]:
    """Z11 to Z14 give no provider or URN (rule 178)."""
    return {"PLACE_PROVIDER": "", "URN": ""} if place in PLACEMENTS_WITHOUT_PROVIDER else {}


def outside_care(span: str) -> str:
    """Rule 707's problem, also found when a deprivation lies before the care it is in."""
    return "row 2, column DOLO_END: " + DOLO_OUTSIDE_CARE.format(child="C1", span=span)


def test_a_2026_27_return_reads_its_deprivation_of_liberty_table(tmp_path):
    summary = returns_import(
        directories=[
            dolo_return(tmp_path, "2026-27", dolo("01/06/2026", "01/09/2026"), dolo("02/10/2026"))
        ]
    )
    assert summary.years == ["2026-27"]
    assert Episode.objects.get().placement == "K2"


def test_a_deprivation_of_liberty_table_before_2026_27_is_refused(tmp_path):
    directory = dolo_return(tmp_path, "2025-26", dolo("01/06/2025"))
    assert refused(directory) == [
        "2025-26/dolo.csv: "
        + TABLE_NOT_IN_YEAR.format(table="DoLo", since="2026-27", year="2025-26")
    ]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            [dolo("01/06/2026", "01/06/2026")],
            "row 2, column DOLO_END: " + DOLO_END_NOT_AFTER_START,
        ),
        (
            [dolo("01/05/2015")],
            ["row 2, column DOLO_START: " + DOLO_BEFORE_BIRTH, outside_care("from 01/05/2015")],
        ),
        (
            [dolo("01/05/2027")],
            "row 2, column DOLO_START: 01/05/2027 is after the end of the 2026-27 collection "
            "year (31/03/2027)",
        ),
        (
            [dolo("01/06/2025", "01/07/2025")],
            [
                "row 2, column DOLO_END: 01/07/2025 is before the 2026-27 collection year "
                "(DfE rule 704)",
                outside_care("from 01/06/2025 to 01/07/2025"),
            ],
        ),
        (
            [dolo("01/06/2026"), dolo("02/06/2026")],
            "row 3, column DOLO_START: C1's deprivation of liberty starting 02/06/2026 begins "
            "while the one starting 01/06/2026 (row 2) is still in force (DfE rule 705)",
        ),
    ],
    ids=[
        "ends-the-day-it-starts",
        "before-birth",
        "after-the-year",
        "ended-before-the-year",
        "while-open",
    ],
)
def test_a_deprivation_of_liberty_is_checked_as_the_dfe_does(tmp_path, rows, problem):
    expected = problem if isinstance(problem, list) else [problem]
    assert refused(dolo_return(tmp_path, "2026-27", *rows)) == [
        "2026-27/dolo.csv, " + p for p in expected
    ]


def test_a_child_deprived_of_liberty_cannot_be_in_a_secure_childrens_home(tmp_path):
    directory = dolo_return(tmp_path, "2026-27", dolo("01/06/2026", "01/07/2026"), place="K1")
    assert refused(directory) == [
        "2026-27/dolo.csv, row 2, column DOLO_START: C1 was placed in K1 (the episode starting "
        "01/05/2026, 2026-27/episodes.csv row 2) while deprived of liberty: not in K1, P1, "
        "R5 or K3 (DfE rule 710)"
    ]


@pytest.mark.parametrize("place", ["K2", "Z12", "Z13"])
def test_a_child_deprived_of_liberty_is_placed_as_the_dfe_expects(tmp_path, place):
    directory = dolo_return(tmp_path, "2026-27", dolo("01/06/2026", "01/07/2026"), place=place)
    returns_import(directories=[directory])
    assert Episode.objects.get().placement == place


def test_a_child_deprived_of_liberty_in_any_other_placement_is_refused_as_unexpected(tmp_path):
    directory = return_write(
        tmp_path / "2026-27",
        Header=[header()],
        Episodes=[
            episode(decom="01/05/2026", dec="01/06/2026", rec="X1", rne="S", PLACE="U4"),
            episode(decom="01/06/2026", rne="P", PLACE="K2"),
        ],
        DoLo=[dolo("15/05/2026", "20/06/2026")],
    )
    assert refused(directory) == [
        "2026-27/dolo.csv, row 2, column DOLO_START: "
        + DOLO_UNEXPECTED_PLACEMENT.format(
            child="C1", place="U4", decom="01/05/2026", episodes="2026-27/episodes.csv", row=2
        )
    ]
    # The day after the U4 placement ends, the deprivation of liberty is in K2 alone.
    returns_import(
        directories=[
            return_write(
                tmp_path / "later" / "2026-27",
                Header=[header()],
                Episodes=[
                    episode(decom="01/05/2026", dec="01/06/2026", rec="X1", PLACE="U4"),
                    episode(decom="01/06/2026", rne="P", PLACE="K2"),
                ],
                DoLo=[dolo("02/06/2026", "20/06/2026")],
            )
        ]
    )
    assert Episode.objects.count() == 2


def test_a_deprivation_of_liberty_in_force_after_care_ends_is_refused(tmp_path):
    directory = return_write(
        tmp_path / "2026-27",
        Header=[header()],
        Episodes=[episode(decom="01/05/2026", dec="01/09/2026", rec="E8", PLACE="K2")],
        DoLo=[dolo("01/06/2026")],
    )
    assert refused(directory) == [
        "2026-27/dolo.csv, row 2, column DOLO_END: "
        + DOLO_OUTSIDE_CARE.format(child="C1", span="from 01/06/2026")
    ]


@pytest.mark.parametrize(
    ("start", "end", "outside"),
    [
        ("01/06/2026", "01/08/2026", False),  # within the period
        ("01/06/2026", "01/10/2026", True),  # ends after the period ended
        ("01/06/2026", "", True),  # still in force when the period ended
        ("10/04/2026", "20/04/2026", True),  # ended before the period began
        ("10/04/2026", "10/06/2026", False),  # began before care, ended in it
    ],
)
def test_a_deprivation_of_liberty_lies_in_a_period_of_care(tmp_path, start, end, outside):
    directory = return_write(
        tmp_path / "2026-27",
        Header=[header()],
        Episodes=[episode(decom="01/05/2026", dec="01/09/2026", rec="E8", PLACE="K2")],
        DoLo=[dolo(start, end)],
    )
    span = f"from {start}" + (f" to {end}" if end else "")
    expected = DOLO_OUTSIDE_CARE.format(child="C1", span=span)
    if outside:
        assert refused(directory) == [f"2026-27/dolo.csv, row 2, column DOLO_END: {expected}"]
    else:
        returns_import(directories=[directory])
        assert Episode.objects.get().ended_on == D(2026, 9, 1)


def test_a_deprivation_of_liberty_in_a_later_period_of_care_is_read(tmp_path):
    directory = return_write(
        tmp_path / "2026-27",
        Header=[header()],
        Episodes=[
            episode(decom="01/05/2026", dec="01/06/2026", rec="E8", PLACE="K2"),
            episode(decom="01/09/2026", PLACE="K2"),
        ],
        DoLo=[dolo("01/10/2026")],
    )
    returns_import(directories=[directory])
    assert Episode.objects.count() == 2


# The care journey offers the codes of the year the episode starts in --------------------


def placement_codes(form) -> set[str]:
    return {value for value, _ in form.fields["placement"].choices if value}


def test_the_care_journey_offers_the_placements_of_the_year_the_episode_starts_in():
    child = ChildFactory()
    before = PlacementForm(child=child, answers={"started_on": D(2025, 3, 31)})
    after = PlacementForm(child=child, answers={"started_on": D(2025, 4, 1)})
    assert {"H5", "P2", "Z1"} <= placement_codes(before)
    assert not {"Z11", "Z12", "Z13", "Z14"} & placement_codes(before)
    assert {"Z11", "Z12", "Z13", "Z14", "K3"} <= placement_codes(after)
    assert not {"H5", "P2", "Z1"} & placement_codes(after)
    change = ChangePlacementForm(child=child, answers={"changed_on": D(2024, 6, 1)})
    assert "H5" in placement_codes(change)


def test_the_care_journey_takes_z11_without_a_provider_and_needs_one_otherwise():
    child = ChildFactory()
    answers = {"started_on": D(2025, 5, 1)}
    no_provider = {"placement": "Z11", "placement_provider": ""}
    assert PlacementForm(no_provider, child=child, answers=answers).is_valid()
    needs_one = PlacementForm({"placement": "U4"}, child=child, answers=answers)
    assert not needs_one.is_valid()
    assert needs_one.errors["placement_provider"] == ["Choose the placement provider"]
    given_one = PlacementForm(
        {"placement": "Z12", "placement_provider": "PR1"}, child=child, answers=answers
    )
    assert not given_one.is_valid()
    assert "placement_provider" in given_one.errors


def test_starting_care_with_a_placement_the_year_does_not_use_is_refused_and_not_saved():
    child = ChildFactory(date_of_birth=D(2015, 6, 1))
    with pytest.raises(ValidationError) as refusal:
        care_start(
            child=child,
            started_on=D(2025, 5, 1),
            legal_status="C2",
            category_of_need="N1",
            placement="H5",
            placement_provider="PR1",
        )
    assert refusal.value.message_dict["placement"] == [
        "H5 is not a code the 2025-26 return uses (it is used until 2024-25)"
    ]
    assert not Episode.objects.exists()
    care_start(
        child=child,
        started_on=D(2025, 5, 1),
        legal_status="C2",
        category_of_need="N1",
        placement="Z13",
        placement_provider="",
    )
    assert Episode.objects.get().placement == "Z13"


def test_one_table_dates_each_code_and_every_other_code_is_every_years():
    assert [code_valid_in("placement", "H5", y) for y in (2017, 2024, 2025)] == [True, True, False]
    assert [code_valid_in("placement", "Z11", y) for y in (2024, 2025, 2030)] == [False, True, True]
    assert all(code_valid_in("placement", "U4", y) for y in range(2017, 2031))
    assert len(choices_on("placement", Placement, D(2025, 4, 1))) == len(Placement.choices) - 3


# CIN census -----------------------------------------------------------------------


def cin_file(tmp_path, name: str, xml: str):
    path = tmp_path / name
    path.write_text(xml)
    return path


def cin_refused(path) -> str:
    before = records()
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_cin_census", str(path), stderr=err, stdout=StringIO())
    assert records() == before
    return err.getvalue()


def unborn(xml: str) -> str:
    return xml.replace(
        "<PersonBirthDate>2020-02-03</PersonBirthDate>",
        "<ExpectedPersonBirthDate>2025-06-01</ExpectedPersonBirthDate>",
    )


def test_a_2024_25_census_with_the_old_gender_element_is_refused_naming_it(tmp_path):
    xml = census_xml(child_xml("C1", sex="<GenderCurrent>1</GenderCurrent>"))
    path = cin_file(tmp_path, "2024-25.xml", xml)
    with pytest.raises(CensusRefused) as refusal:
        census_read(path, name="2024-25.xml")
    (problem,) = refusal.value.problems
    line = next(n for n, text in enumerate(xml.splitlines(), 1) if "GenderCurrent" in text)
    assert str(problem) == (
        f"2024-25.xml, line {line}, child C1, element GenderCurrent: "
        + SEX_ELEMENT_NOT_IN_YEAR.format(year="2024-25", element="Sex", codes="F, M, U")
    )
    assert "GenderCurrent" in cin_refused(path)
    assert not Child.objects.exists()


# The census's sex element in every year Oversight reads: GenderCurrent (0, 1, 2, 9) in
# liia-tools' schemas 2016-17 to 2023-24 and csc-validator-be-cin's cin2022_23 rule 4180;
# Sex (M, F, U) from cin2024_25 (rules 4180 and 8750), kept in 2025-26 and 2026-27.
CENSUS_SEX = [(y, "GenderCurrent", ("0", "1", "2", "9")) for y in range(2017, 2024)] + [
    (y, "Sex", ("F", "M", "U")) for y in range(2024, 2027)
]


def one_year_census(year: int, *sexes: str) -> str:
    """A census of `year` (2017 is 2017-18), a child born in 2012 per sex element given."""
    children = "".join(
        child_xml(f"C{n}", sex=sex, referral=f"{year}-05-01") for n, sex in enumerate(sexes, 1)
    )
    xml = census_xml(children, reference_date=f"{year + 1}-03-31")
    return xml.replace(">2020-02-03</PersonBirthDate>", ">2012-02-03</PersonBirthDate>")


@pytest.mark.parametrize(
    ("year", "element", "codes"), CENSUS_SEX, ids=[year_label(y) for y, _, _ in CENSUS_SEX]
)
def test_each_years_census_takes_its_own_sex_element_and_refuses_the_other(
    tmp_path, year, element, codes
):
    assert cin_codes.sex_rule(year).element == element
    born = [c for c in codes if c not in ("0", "U")]  # the unborn code is for unborn children
    own = one_year_census(year, *(f"<{element}>{code}</{element}>" for code in born))
    name = f"{year_label(year)}.xml"
    census = census_read(cin_file(tmp_path, name, own), name=name)
    assert [c.sex for c in census.children] == [
        {"1": "M", "2": "F", "9": "U", "M": "M", "F": "F"}[code] for code in born
    ]

    other, code = ("Sex", "F") if element == "GenderCurrent" else ("GenderCurrent", "2")
    wrong = one_year_census(year, f"<{other}>{code}</{other}>")
    with pytest.raises(CensusRefused) as refusal:
        census_read(cin_file(tmp_path, name, wrong), name=name)
    (problem,) = refusal.value.problems
    assert (problem.element, problem.message) == (
        other,
        SEX_ELEMENT_NOT_IN_YEAR.format(
            year=year_label(year), element=element, codes=", ".join(codes)
        ),
    )


def test_a_real_2023_24_census_giving_sex_is_refused_as_the_dfe_refuses_it(tmp_path):
    real = (COUNCIL_B / "cin" / "2023-24.xml").read_text(encoding="utf-8")
    census_read(cin_file(tmp_path, "2023-24.xml", real), name="2023-24.xml")
    moved = real.replace("<GenderCurrent>2</GenderCurrent>", "<Sex>F</Sex>", 1)
    path = cin_file(tmp_path, "moved.xml", moved)
    with pytest.raises(CensusRefused) as refusal:
        census_read(path, name="2023-24.xml")
    (problem,) = refusal.value.problems
    line = next(n for n, text in enumerate(moved.splitlines(), 1) if "<Sex>" in text)
    assert (problem.line, problem.element, problem.message) == (
        line,
        "Sex",
        SEX_ELEMENT_NOT_IN_YEAR.format(year="2023-24", element="GenderCurrent", codes="0, 1, 2, 9"),
    )
    assert "element Sex" in cin_refused(path)


def test_each_sex_element_takes_only_its_own_codes(tmp_path):
    old = census_xml(
        child_xml("C1", sex="<GenderCurrent>M</GenderCurrent>", referral="2023-05-01"),
        reference_date="2024-03-31",
    )
    new = census_xml(child_xml("C1", sex="<Sex>1</Sex>"))
    with pytest.raises(CensusRefused) as refusal:
        census_read(cin_file(tmp_path, "old.xml", old), name="old.xml")
    assert refusal.value.problems[0].message == SEX_CODE_NOT_VALID.format(
        value="M", element="GenderCurrent", codes="0, 1, 2, 9"
    )
    with pytest.raises(CensusRefused) as refusal:
        census_read(cin_file(tmp_path, "new.xml", new), name="new.xml")
    assert refusal.value.problems[0].message == SEX_CODE_NOT_VALID.format(
        value="1", element="Sex", codes="F, M, U"
    )


def test_an_unborn_child_is_u_from_2024_25_and_0_before(tmp_path):
    def read(sex, reference_date="2025-03-31"):
        xml = unborn(
            census_xml(
                child_xml("C1", sex=sex, referral="2023-05-01"), reference_date=reference_date
            )
        )
        return census_read(cin_file(tmp_path, "c.xml", xml), name="c.xml")

    assert read("<Sex>U</Sex>").children[0].sex == "U"
    assert read("<GenderCurrent>0</GenderCurrent>", "2024-03-31").children[0].sex == "U"
    for sex, element, code, reference_date in [
        ("<Sex>F</Sex>", "Sex", "U", "2025-03-31"),
        ("<GenderCurrent>2</GenderCurrent>", "GenderCurrent", "0", "2024-03-31"),
    ]:
        with pytest.raises(CensusRefused) as refusal:
            read(sex, reference_date)
        (problem,) = refusal.value.problems
        assert (problem.element, problem.message) == (
            element,
            UNBORN_SEX.format(element=element, unborn=code),
        )


def with_factors(xml: str, *factors: str) -> str:
    listed = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors)
    return xml.replace(
        "<ReferralNFA>false</ReferralNFA>",
        "<ReferralNFA>false</ReferralNFA><Assessments>"
        "<AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>"
        f"<FactorsIdentifiedAtAssessment>{listed}</FactorsIdentifiedAtAssessment>"
        "</Assessments>",
    )


def test_from_2024_25_assessment_factors_18a_and_19a_are_queried_not_refused(tmp_path):
    path = cin_file(
        tmp_path, "2024-25.xml", with_factors(census_xml(child_xml("C1")), "18A", "19A", "18B")
    )
    census = census_read(path, name="2024-25.xml")
    assert [(q.child, q.element, q.message) for q in census.queries] == [
        ("C1", "AssessmentFactors", cin_codes.factor_query("18A", 2024)),
        ("C1", "AssessmentFactors", cin_codes.factor_query("19A", 2024)),
    ]
    assert "DfE rule 8945Q, a query" in census.queries[0].message
    out = StringIO()
    call_command("import_cin_census", str(path), stdout=out, verbosity=1)
    assert Child.objects.filter(child_id="C1").exists()
    assert str(census.queries[0]) in out.getvalue()
    assert str(census.queries[1]) in out.getvalue()


def test_before_2024_25_assessment_factor_18a_is_not_queried(tmp_path):
    xml = with_factors(
        census_xml(
            child_xml("C1", sex="<GenderCurrent>2</GenderCurrent>", referral="2023-05-01"),
            reference_date="2024-03-31",
        ),
        "18A",
    )
    census = census_read(cin_file(tmp_path, "2023-24.xml", xml), name="2023-24.xml")
    assert census.queries == ()
    assert census.children[0].episodes[0].assessments[0]["factors"] == ["18A"]


@pytest.mark.parametrize("year", range(2017, 2027), ids=year_label)
def test_assessment_factors_18a_and_19a_are_queried_from_2024_25_in_every_year(year):
    queried = {code for code in ("18A", "19A", "18B", "19C") if cin_codes.factor_query(code, year)}
    # cin2024_25 rules 8945Q and 8950Q, kept by cin2025_26 and cin2026_27 (no rule removed).
    assert queried == ({"18A", "19A"} if year >= 2024 else set())
