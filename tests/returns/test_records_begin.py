"""Records begin, from SSDA903 returns (RULES.md pinned convention 4): a child in care since
2015 whose first return loaded is 2019-20 has the first review on record as a later review,
with no known due date, left out of review timeliness; the next is due 6 months after it."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from reporting.annual_report import report_build
from reporting.tables import report_sections
from returns.ssda903.importer import returns_import
from reviews.models import LookedAfterReview, PeriodOfCare, RecordsBegin
from reviews.services import lac_review_record
from tests.factories import ChildFactory
from tests.returns.ssda903 import episode, header, return_write, review
from tests.reviews.test_services import enter_care

D = dt.date
pytestmark = pytest.mark.django_db
DOB = "14/02/2008"


def year_return(directory, *c1_reviews, with_c2=False):
    """A year's return for C1, looked after since 1 June 2015 in one episode, and, with
    `with_c2`, C2, who came into care on 1 May 2019 and was reviewed on 29 May 2019."""
    headers, episodes = [header("C1", dob=DOB)], [episode("C1", decom="01/06/2015")]
    reviews = [review("C1", day, dob=DOB) for day in c1_reviews]
    if with_c2:
        headers.append(header("C2", dob="03/03/2012"))
        episodes.append(episode("C2", decom="01/05/2019"))
        reviews.append(review("C2", "29/05/2019", dob="03/03/2012"))
    return return_write(directory, Header=headers, Episodes=episodes, Reviews=reviews)


@pytest.fixture
def year_2019(tmp_path):
    return year_return(tmp_path / "2019-20", "10/06/2019", "02/12/2019", with_c2=True)


def c1_reviews():
    return list(
        LookedAfterReview.objects.filter(child__child_id="C1")
        .order_by("held_on")
        .values_list("held_on", "number", "due_on")
    )


def test_the_first_return_loaded_sets_records_begin_on_1_april_of_its_year(year_2019):
    returns_import(directories=[year_2019])
    row = RecordsBegin.objects.get()
    assert (row.earliest_return_year, row.begins_on) == (2019, D(2019, 4, 1))


def test_the_earliest_review_on_record_is_a_later_review_with_no_known_due_date(year_2019):
    returns_import(directories=[year_2019])

    # Not review 1, not late: its due date (and which review it was) is not known; the
    # next was due 6 months after it, not 3.
    assert c1_reviews() == [
        (D(2019, 6, 10), None, None),
        (D(2019, 12, 2), None, D(2019, 12, 10)),
    ]
    period = PeriodOfCare.objects.get(child__child_id="C1")
    assert period.started_on == D(2015, 6, 1)
    assert (period.next_review_due, period.next_review_rule) == (D(2020, 6, 2), "lac_later_review")


def test_a_period_begun_after_records_begin_is_numbered_from_one(year_2019):
    returns_import(directories=[year_2019])
    first = LookedAfterReview.objects.get(child__child_id="C2")
    assert (first.number, first.due_on, first.due_rule) == (1, D(2019, 5, 31), "lac_first_review")
    period = PeriodOfCare.objects.get(child__child_id="C2")
    assert period.next_review_due == D(2019, 8, 29)


def test_the_review_with_no_known_due_date_is_left_out_of_timeliness(year_2019):
    returns_import(directories=[year_2019])
    lac = report_build(2019)["looked_after"]
    assert (lac["reviews_held"], lac["reviews_in_time"], lac["reviews_late"]) == (3, 2, 0)
    assert lac["reviews_due_date_not_known"] == 1
    assert lac["reviews_in_time_pct"] == 100.0


def test_loading_an_earlier_year_moves_records_begin_back_and_reschedules_from_it(
    year_2019, tmp_path
):
    returns_import(directories=[year_2019])
    earlier = year_return(tmp_path / "2018-19", "01/12/2018")

    returns_import(directories=[earlier])

    assert RecordsBegin.objects.get().begins_on == D(2018, 4, 1)
    # 1 December 2018 is now the earliest on record; June 2019 was due 6 months after it.
    assert c1_reviews() == [
        (D(2018, 12, 1), None, None),
        (D(2019, 6, 10), None, D(2019, 6, 1)),
        (D(2019, 12, 2), None, D(2019, 12, 10)),
    ]
    assert report_build(2019)["looked_after"]["reviews_late"] == 1


YEAR_REVIEWS = {"2019-20": ("10/06/2019", "02/12/2019"), "2020-21": ("01/06/2020",)}


def test_the_same_returns_in_either_order_give_the_same_records_begin_and_schedule(tmp_path):
    def load(order):
        with transaction.atomic():
            for name in order:
                returns_import(directories=[year_return(tmp_path / name, *YEAR_REVIEWS[name])])
            result = (RecordsBegin.objects.get().begins_on, c1_reviews())
            transaction.set_rollback(True)
        return result

    in_order = load(["2019-20", "2020-21"])
    assert in_order == load(["2020-21", "2019-20"])
    assert in_order[0] == D(2019, 4, 1)
    assert in_order[1][-1] == (D(2020, 6, 1), None, D(2020, 6, 2))


def test_managers_and_business_support_see_the_day_records_begin(
    year_2019, client, business_support
):
    returns_import(directories=[year_2019])

    client.force_login(business_support)
    page = client.get(reverse("imports:list")).content.decode()
    assert "The council's records begin on 1 April 2019" in page

    notes = [
        t.note
        for section in report_sections(report_build(2019))
        for t in section.tables
        if t.key == "lac-review-timeliness"
    ]
    assert "The council's records begin on 1 April 2019" in notes[0]


def test_a_child_entered_in_oversight_is_rescheduled_when_records_begin_is_first_set(year_2019):
    entered = ChildFactory()
    enter_care(entered, D(2015, 6, 1))
    lac_review_record(child=entered, held_on=D(2019, 6, 10), participation_code="PN1")
    assert LookedAfterReview.objects.get(child=entered).number == 1

    returns_import(directories=[year_2019])

    held = LookedAfterReview.objects.get(child=entered)
    assert (held.number, held.due_on) == (None, None)
    assert PeriodOfCare.objects.get(child=entered).next_review_due == D(2019, 12, 10)
