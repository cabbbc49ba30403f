"""The Annex A lists (CSV and Excel) and the data-quality issues CSV write text that would
start a formula with a leading quote, and leave plain text, numbers and dates as they are.
(The SSDA903 and CIN census returns are files for the DfE and are written as specified.)"""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.services import today
from protection.models import Section47Enquiry
from returns.annex_a import AnnexAList, annex_a_csv, annex_a_list, annex_a_xlsx
from returns.data_quality import Finding, Outcome, RulesResult, issues_replace, live_years
from returns.models import ReturnName
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
D = dt.date
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]
NEUTRALISED = ["'" + f for f in FORMULAS]


def hostile_list() -> AnnexAList:
    return AnnexAList(
        number=8,
        as_of=D(2025, 3, 31),
        columns=["Child Unique ID", "Reason", "Count", "Date"],
        rows=[
            [FORMULAS[0], FORMULAS[1], -2, D(2024, 4, 1)],
            [FORMULAS[2], FORMULAS[3], 0, None],
            ["P1", "Plain reason - with a dash", 7, D(2025, 1, 6)],
        ],
    )


def test_an_annex_a_list_as_csv_neutralises_formulas():
    rows = list(csv.reader(annex_a_csv(hostile_list()).splitlines()))
    assert rows == [
        ["Child Unique ID", "Reason", "Count", "Date"],
        [NEUTRALISED[0], NEUTRALISED[1], "-2", "01/04/2024"],
        [NEUTRALISED[2], NEUTRALISED[3], "0", ""],
        ["P1", "Plain reason - with a dash", "7", "06/01/2025"],
    ]


def test_an_annex_a_list_as_excel_holds_text_as_text_and_numbers_and_dates_as_they_are():
    sheet = load_workbook(io.BytesIO(annex_a_xlsx(hostile_list()))).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [[c.value for c in r[:2]] for r in rows] == [
        NEUTRALISED[:2],
        NEUTRALISED[2:],
        ["P1", "Plain reason - with a dash"],
    ]
    assert {c.data_type for r in rows for c in r[:2]} == {"s"}
    assert [(r[2].value, r[2].data_type) for r in rows] == [(-2, "n"), (0, "n"), (7, "n")]
    assert rows[0][3].value.date() == D(2024, 4, 1)
    assert rows[0][3].number_format == "DD/MM/YYYY"
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


@pytest.fixture
def formula_child():
    child = ChildFactory(child_id="=1+2", date_of_birth=D(2015, 6, 1))
    Section47Enquiry.objects.create(child=child, strategy_discussion_on=D(2025, 1, 6))
    plain = ChildFactory(child_id="A1", date_of_birth=D(2015, 6, 1))
    Section47Enquiry.objects.create(child=plain, strategy_discussion_on=D(2025, 1, 7))
    return child


def test_a_child_id_that_is_a_formula_is_neutralised_in_the_annex_a_list(formula_child):
    annex = annex_a_list(number=5, as_of=D(2025, 3, 31))

    rows = list(csv.reader(annex_a_csv(annex).splitlines()))
    assert sorted(r[0] for r in rows[1:]) == ["'=1+2", "A1"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["A1"][4] == "9"  # the age, a number, as it was

    sheet = load_workbook(io.BytesIO(annex_a_xlsx(annex))).active
    ids = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in ids) == ["'=1+2", "A1"]
    assert {c.data_type for c in ids} == {"s"}
    assert {row[4].value for row in sheet.iter_rows(min_row=2)} == {9}


def test_the_annex_a_download_neutralises_a_formula(client, business_support, formula_child):
    client.force_login(business_support)
    data = {
        "annex-number": "5",
        "annex-as_of_0": "31",
        "annex-as_of_1": "3",
        "annex-as_of_2": "2025",
        "annex-file_format": "xlsx",
    }
    response = client.post("/imports/export/annex-a/", data)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == ["'=1+2", "A1"]
    response = client.post("/imports/export/annex-a/", data | {"annex-file_format": "csv"})
    rows = list(csv.reader(response.content.decode().splitlines()))
    assert sorted(r[0] for r in rows[1:]) == ["'=1+2", "A1"]


def test_the_data_quality_csv_neutralises_formulas(client, iro):
    year = live_years(today())[0]
    findings = [
        Finding("-2+3", "440", FORMULAS[0], ("DOB",), "+Reviews", FORMULAS[3]),
        Finding("C1", "101", "Plain description - of the rule", ("SEX",), "Header", "SEX 3"),
    ]
    issues_replace(
        return_name=ReturnName.SSDA903, year=year, result=RulesResult(Outcome.CHECKED, "", findings)
    )
    client.force_login(iro.user)

    response = client.get(f"/data-quality/issues.csv?return_name=ssda903&year={year}")

    rows = list(csv.reader(response.content.decode().splitlines()))
    assert rows[0][:3] == ["Return", "Year", "Child ID"]
    by_rule = {r[3]: r for r in rows[1:]}
    hostile, plain = by_rule["440"], by_rule["101"]
    assert hostile[2] == "'-2+3"
    assert hostile[5] == NEUTRALISED[0]
    assert hostile[7] == "'+Reviews"
    assert hostile[8] == NEUTRALISED[3]
    assert plain[2:6] == ["C1", "101", "Error", "Plain description - of the rule"]
    assert plain[6:9] == ["SEX", "Header", "SEX 3"]
