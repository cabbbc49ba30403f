"""The dashboard's CSV and Excel downloads (its tables and its drill-downs) write text
that would start a formula with a leading quote, store text in Excel as text, and leave
plain text and numbers, negative ones included, as they are."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.spreadsheet import FORMULA_STARTS, cell_safe, csv_row
from reporting.export import table_response
from reviews.services import lac_review_record
from tests.case_factories import IROAllocationFactory
from tests.factories import ChildFactory, IROFactory, UserFactory
from tests.reviews.test_services import enter_care

pytestmark = pytest.mark.django_db
D = dt.date

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
HEAD = ["Name", "Count", "Change"]
ROWS = [
    ['=HYPERLINK("http://x","y")', 5, -3],
    ["+1", 0, 2.5],
    ["-2+3", -7, None],
    ["@SUM(A1)", 1, -0.5],
    ["\t=1+1", 2, 0],
    ["\r=1+1", 3, 1],
    ["Plain text, with a comma", 12, -1],
    ["O'Neil - 2 = 3 @ home", 4, 4],
]


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def head(client, head_of_service):
    client.force_login(head_of_service)
    return client


def csv_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\x00=1+1", "'=1+1"),
        ("Plain", "Plain"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        (-2, -2),
        (-2.5, -2.5),
        (0, 0),
        (D(2024, 4, 1), D(2024, 4, 1)),
        (None, None),
    ],
)
def test_a_cell_that_would_start_a_formula_gets_a_leading_quote(value, written):
    assert cell_safe(value) == written


def test_every_formula_start_is_covered():
    assert {"=", "+", "-", "@", "\t", "\r"} <= set(FORMULA_STARTS)
    assert csv_row(["=1", None, -1]) == ["'=1", "", -1]


def test_a_table_as_csv_neutralises_formulas_and_keeps_text_and_numbers():
    rows = csv_of(table_response(name="t", title="T", head=HEAD, rows=ROWS, fmt="csv"))

    assert rows[0] == HEAD
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS] + [
        "Plain text, with a comma",
        "O'Neil - 2 = 3 @ home",
    ]
    assert [r[1:] for r in rows[1:]] == [
        ["5", "-3"],
        ["0", "2.5"],
        ["-7", ""],
        ["1", "-0.5"],
        ["2", "0"],
        ["3", "1"],
        ["12", "-1"],
        ["4", "4"],
    ]


def test_a_table_as_excel_holds_text_as_text_and_numbers_as_numbers():
    sheet = sheet_of(table_response(name="t", title="T", head=HEAD, rows=ROWS, fmt="xlsx"))

    assert [c.value for c in sheet[1]] == HEAD
    names = [sheet.cell(row=r, column=1) for r in range(2, len(ROWS) + 2)]
    assert [c.value for c in names] == ["'" + f for f in FORMULAS] + [
        "Plain text, with a comma",
        "O'Neil - 2 = 3 @ home",
    ]
    assert {c.data_type for c in names} == {"s"}
    assert [sheet.cell(row=r, column=2).value for r in range(2, len(ROWS) + 2)] == [
        5, 0, -7, 1, 2, 3, 12, 4,
    ]  # fmt: skip
    changes = [sheet.cell(row=r, column=3) for r in range(2, len(ROWS) + 2)]
    assert [c.value for c in changes] == [-3, 2.5, None, -0.5, 0, 1, -1, 4]
    assert {c.data_type for c in changes if c.value is not None} == {"n"}
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_text_that_reads_as_an_excel_error_stays_text():
    sheet = sheet_of(
        table_response(name="t", title="T", head=["A"], rows=[["#N/A"], ["#REF!"]], fmt="xlsx")
    )
    assert [(c.value, c.data_type) for c in (sheet["A2"], sheet["A3"])] == [
        ("#N/A", "s"),
        ("#REF!", "s"),
    ]


@pytest.fixture
def formula_iro():
    """An IRO whose surname is a formula, holding a child at 31 March 2025."""
    iro = IROFactory(user=UserFactory(first_name="", last_name='=HYPERLINK("http://x","y")'))
    IROAllocationFactory(iro=iro, started_on=D(2024, 6, 3))
    plain = IROFactory(user=UserFactory(first_name="Plain", last_name="Officer"))
    IROAllocationFactory(iro=plain, started_on=D(2024, 6, 3))
    return iro


def test_the_dashboards_table_downloads_neutralise_a_name(head, formula_iro):
    rows = csv_of(head.get("/dashboard/2024/tables/service-caseloads.csv"))
    names = {r[0] for r in rows[1:]}
    assert names == {'\'=HYPERLINK("http://x","y")', "Plain Officer"}

    sheet = sheet_of(head.get("/dashboard/2024/tables/service-caseloads.xlsx"))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {'\'=HYPERLINK("http://x","y")', "Plain Officer"}
    assert {c.data_type for c in cells} == {"s"}
    # The numbers stay numbers.
    assert {row[3].value for row in sheet.iter_rows(min_row=2)} == {1}


def test_a_fall_in_plans_downloads_as_a_negative_number(head):
    child = ChildFactory()
    from protection.models import ChildProtectionPlan

    ChildProtectionPlan.objects.create(
        child=child,
        started_on=D(2023, 6, 1),
        ended_on=D(2024, 9, 1),
        initial_category="NEG",
        latest_category="NEG",
    )
    rows = csv_of(head.get("/dashboard/2024/tables/cp-plan-activity.csv"))
    change = next(r for r in rows if r[0] == "Increase or decrease")
    assert change[-1] == "-1"
    sheet = sheet_of(head.get("/dashboard/2024/tables/cp-plan-activity.xlsx"))
    [row] = [r for r in sheet.iter_rows() if r[0].value == "Increase or decrease"]
    assert (row[-1].value, row[-1].data_type) == (-1, "n")


@pytest.fixture
def formula_children():
    """Children looked after with a formula for an ID and for a name, and a plain one."""
    children = [
        ChildFactory(child_id="-2+3", first_name='=HYPERLINK("http://x","y")', last_name="A"),
        ChildFactory(child_id="@SUM(A1)", first_name="+1", last_name="B"),
        ChildFactory(child_id="P1", first_name="Plain", last_name="Child"),
    ]
    for child in children:
        enter_care(child, D(2024, 6, 3))
        lac_review_record(child=child, held_on=D(2024, 7, 1), participation_code="PN1")
    return children


DRILLED = {
    ("'-2+3", '\'=HYPERLINK("http://x","y") A'),
    ("'@SUM(A1)", "'+1 B"),
    ("P1", "Plain Child"),
}


def test_a_drill_down_as_csv_neutralises_ids_and_names(head, formula_children):
    rows = csv_of(head.get("/dashboard/2024/looked-after/at-year-end/?format=csv"))
    assert rows[0][:2] == ["Child ID", "Name"]
    assert {(r[0], r[1]) for r in rows[1:]} == DRILLED


def test_a_drill_down_as_excel_neutralises_ids_and_names(head, formula_children):
    sheet = sheet_of(head.get("/dashboard/2024/looked-after/reviews-held/?format=xlsx"))
    rows = list(sheet.iter_rows(min_row=2))
    assert {(r[0].value, r[1].value) for r in rows} == DRILLED
    assert {c.data_type for r in rows for c in r[:2]} == {"s"}
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)
