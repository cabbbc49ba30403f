"""The unit-wide lists run the same number of queries however many children there are."""

import datetime as dt

import pytest
from django.utils import timezone

from core.services import today
from iro.services import iro_allocate
from reviews.services import episode_record, lac_review_book
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def unit_of(size, iro):
    for _ in range(size):
        child = ChildFactory()
        iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=10))
        episode_record(
            child=child,
            started_on=today() - dt.timedelta(days=10),
            reason_new_episode="S",
            legal_status="C2",
            category_of_need="N1",
            placement="U4",
            placement_provider="PR1",
            ended_on=None,
            reason_ceased="",
        )
        lac_review_book(
            child=child,
            scheduled_for=timezone.now() + dt.timedelta(days=1),
            venue="Civic Centre",
            chair=iro,
        )
    ChildFactory.create_batch(size)  # not looked after: nothing booked or due


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize(
    ("url", "most"),
    # Each count includes the three statements that save the session on every request
    # (SESSION_SAVE_EVERY_REQUEST, for the idle timeout); the deadlines list counts each
    # area's open deadlines (eight queries), overdue conference and review decisions among
    # them, then reads a page of each (eight more, and the rest of the page's last day
    # where a query fills the page: one more here) and the IROs of the page's children;
    # the counts are kept under the records' fingerprint (one more, core.kept).
    [("/", 28), ("/deadlines/", 26), ("/schedule/", 15), ("/schedule/week/", 15)],
)
def test_unit_wide_lists_run_a_fixed_number_of_queries(
    client, business_support, iro, size, url, most, django_assert_max_num_queries
):
    unit_of(size, iro)
    client.force_login(business_support)
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def test_the_deadlines_lists_count_is_kept_until_a_record_changes(
    client, business_support, iro, django_assert_max_num_queries
):
    unit_of(3, iro)
    client.force_login(business_support)
    assert "3 open deadlines" in client.get("/deadlines/").content.decode()
    with django_assert_max_num_queries(18):  # the eight counts kept
        assert "3 open deadlines" in client.get("/deadlines/").content.decode()
    unit_of(1, iro)
    assert "4 open deadlines" in client.get("/deadlines/").content.decode()


@pytest.mark.parametrize("size", [2, 30])
def test_the_head_of_services_home_page_runs_a_fixed_number_of_queries(
    client, head_of_service, iro, size, django_assert_max_num_queries
):
    """However many children are overdue or have no IRO, grouped and paged."""
    unit_of(size, iro)
    for child in ChildFactory.create_batch(size):  # looked after, with no IRO
        episode_record(
            child=child,
            started_on=today() - dt.timedelta(days=90),
            reason_new_episode="S",
            legal_status="C2",
            category_of_need="N1",
            placement="U4",
            placement_provider="PR1",
            ended_on=None,
            reason_ceased="",
        )
    client.force_login(head_of_service)
    with django_assert_max_num_queries(30):
        response = client.get("/")
    assert response.status_code == 200
    assert response.context["unallocated"] == size
