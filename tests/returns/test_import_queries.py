"""An import's queries do not grow with the number of children it loads.

Each load reads what is stored for a whole chunk of children in one query per table and
writes with bulk inserts and updates, so a return of fifty children costs the same
number of queries as one of five (a council's return of thousands costs a few more per
chunk of 250 children, never a few per child).
"""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.models import Child
from protection.models import ChildProtectionPlan, ConferenceChild, Section47Enquiry
from returns.cin_census.importer import cin_census_import
from returns.ssda903.importer import returns_import
from reviews.models import Episode, LookedAfterReview
from tests.returns.census import census_xml, child_xml, plan_xml, section47_xml, wipe
from tests.returns.ssda903 import episode, header, return_write, review

pytestmark = pytest.mark.django_db

# On SQLite a bulk insert is split to stay within 999 parameters a statement, so fifty
# rows of a wide table may take a statement or two more than five: a few at most in all,
# where a query per child would be forty-five and more.
SPLIT_INSERTS = 8


def _grows_by_children(small: tuple[int, ...], big: tuple[int, ...]) -> bool:
    return any(b - s > SPLIT_INSERTS or b < s for s, b in zip(small, big, strict=True))


def _census(tmp_path: Path, name: str, children: int, *, later: bool) -> Path:
    """A census of `children` children, each with an enquiry, its initial conference
    and the plan it started; the later year ends the plan after a second review."""
    xml = census_xml(
        "\n".join(
            child_xml(
                f"C{n:03}",
                referral="2023-05-01",
                section47=section47_xml("2023-05-02", icpc="2023-05-22"),
                plans=plan_xml(
                    "2023-05-22",
                    end="2024-06-03" if later else "",
                    reviews=("2023-08-21", "2024-02-12") if later else ("2023-08-21",),
                ),
            )
            for n in range(children)
        ),
        reference_date="2025-03-31" if later else "2024-03-31",
    )
    path = tmp_path / name
    path.write_text(xml)
    return path


def _census_queries(tmp_path: Path, children: int) -> tuple[int, int]:
    """The queries of a first load of `children` children, then of the next year's."""
    earlier = _census(tmp_path, f"cin_2023_{children}.xml", children, later=False)
    later = _census(tmp_path, f"cin_2024_{children}.xml", children, later=True)
    with CaptureQueriesContext(connection) as first:
        cin_census_import(paths=[earlier])
    with CaptureQueriesContext(connection) as second:
        cin_census_import(paths=[later])
    assert Child.objects.count() == children
    assert Section47Enquiry.objects.count() == children
    assert ChildProtectionPlan.objects.filter(ended_on__isnull=False).count() == children
    assert ConferenceChild.objects.filter(conference__kind="review").count() == 2 * children
    wipe()
    return len(first), len(second)


def test_a_census_of_fifty_children_costs_the_queries_of_five(tmp_path):
    five, fifty = _census_queries(tmp_path, 5), _census_queries(tmp_path, 50)
    assert not _grows_by_children(five, fifty), (five, fifty)


def test_a_later_census_changing_every_child_keeps_a_history_row_for_each_change(tmp_path):
    earlier = _census(tmp_path, "cin_2023.xml", 3, later=False)
    cin_census_import(paths=[earlier])
    cin_census_import(paths=[_census(tmp_path, "cin_2024.xml", 3, later=True)])
    for plan in ChildProtectionPlan.objects.all():
        kinds = list(plan.history.order_by("history_date").values_list("history_type", flat=True))
        assert kinds == ["+", "~"]
        assert plan.history.latest("history_date").ended_on == plan.ended_on
    for child in Child.objects.all():
        # The later year's values came from another return: the child is written again.
        assert child.history.count() == 2
        assert child.return_year == 2024


def _return_queries(tmp_path: Path, children: int) -> int:
    ids = [f"C{n:03}" for n in range(children)]
    directory = return_write(
        tmp_path / f"2024-25-{children}",
        Header=[header(child=c) for c in ids],
        Episodes=[episode(child=c, decom="03/06/2024") for c in ids],
        Reviews=[review(child=c, date="20/06/2024") for c in ids],
    )
    with CaptureQueriesContext(connection) as load:
        returns_import(directories=[directory], year=2024)
    assert Episode.objects.count() == children
    assert LookedAfterReview.objects.filter(held_on__isnull=False).count() == children
    Child.objects.all().delete()
    return len(load)


def test_an_ssda903_return_of_fifty_children_costs_the_queries_of_five(tmp_path):
    # The first load also sets the day records begin (docs/rules.md): not measured.
    _return_queries(tmp_path / "first", 1)
    five, fifty = _return_queries(tmp_path, 5), _return_queries(tmp_path, 50)
    assert not _grows_by_children((five,), (fifty,)), (five, fifty)
