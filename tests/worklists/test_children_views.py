"""The caseload and allocation pages: fixed queries, permissions and refusals."""

import datetime as dt

import pytest

from core.services import today
from iro.models import IROAllocation
from iro.services import iro_allocate
from tests.factories import ChildFactory, IROFactory
from tests.reviews.test_services import enter_care

pytestmark = pytest.mark.django_db


def caseload_of(iro, size):
    for _ in range(size):
        child = ChildFactory()
        iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
        enter_care(child, today() - dt.timedelta(days=30))


@pytest.mark.parametrize("size", [3, 40])
def test_the_caseload_page_runs_the_same_queries_whatever_its_size(
    client, iro, size, django_assert_max_num_queries
):
    caseload_of(iro, size)
    client.force_login(iro.user)
    # SESSION_SAVE_EVERY_REQUEST (the idle timeout) adds three statements to every page.
    with django_assert_max_num_queries(13):
        response = client.get("/children/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


def test_the_allocation_page_runs_a_fixed_number_of_queries(
    client, head_of_service, django_assert_max_num_queries
):
    for _ in range(5):
        caseload_of(IROFactory(), 3)
    ChildFactory.create_batch(3)  # not looked after: not counted as needing an IRO
    client.force_login(head_of_service)
    # The caseloads (the counts, the IROs), and the count of children with no IRO, one
    # for the records' fingerprint they are kept under, and the page's IROs; saving the
    # session on every request (the idle timeout) adds three statements.
    with django_assert_max_num_queries(14):
        assert client.get("/children/allocation/").status_code == 200
    # Kept: the next view counts nothing again.
    with django_assert_max_num_queries(11):
        assert client.get("/children/allocation/").status_code == 200


def test_the_allocation_pages_kept_counts_are_forgotten_when_a_child_is_allocated(
    client, head_of_service
):
    iro = IROFactory()
    caseload_of(iro, 3)
    client.force_login(head_of_service)
    assert "3 children are held" in client.get("/children/allocation/").content.decode()
    caseload_of(iro, 1)
    assert "4 children are held" in client.get("/children/allocation/").content.decode()


def test_only_the_head_of_service_may_move_a_child(client, iro):
    child = ChildFactory()
    client.force_login(iro.user)
    assert client.get(f"/children/{child.child_id}/move/").status_code == 403


def test_a_move_dated_before_the_current_allocation_is_refused_and_nothing_changes(
    client, iro, head_of_service
):
    other = IROFactory()
    child = ChildFactory()
    iro_allocate(child=child, iro=iro, started_on=dt.date(2025, 1, 10))
    client.force_login(head_of_service)
    response = client.post(
        f"/children/{child.child_id}/move/",
        {
            "iro": other.pk,
            "started_on_0": "1",
            "started_on_1": "1",
            "started_on_2": "2025",
            "reason": "Caseload balance",
        },
    )
    assert response.status_code == 400
    assert (
        "Date the new IRO takes over must be on or after the date the current IRO took over, "
        "10 January 2025" in response.content.decode()
    )
    assert list(IROAllocation.objects.values_list("iro", "ended_on")) == [(iro.pk, None)]


def test_an_impossible_date_is_refused_naming_the_field(client, iro, head_of_service):
    child = ChildFactory()
    iro_allocate(child=child, iro=iro, started_on=dt.date(2025, 1, 10))
    client.force_login(head_of_service)
    response = client.post(
        f"/children/{child.child_id}/move/",
        {
            "iro": IROFactory().pk,
            "started_on_0": "31",
            "started_on_1": "2",
            "started_on_2": "2025",
            "reason": "Caseload balance",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_started_on' in response.content.decode()
    assert IROAllocation.objects.count() == 1


def test_an_unknown_child_is_not_found(client, iro):
    client.force_login(iro.user)
    assert client.get("/children/NOPE/").status_code == 404


@pytest.mark.parametrize(
    ("area", "shown"),
    [("looked_after", {"LAC1", "BOTH1"}), ("protection", {"PLAN1", "BOTH1"}), ("", None)],
)
def test_everyone_filtered_by_area_lists_the_children_with_a_date_of_that_area(
    client, iro, area, shown
):
    from protection.services import plan_record

    caseload_of(iro, 1)
    looked_after_only = IROAllocation.objects.get(iro=iro).child
    looked_after_only.child_id = "LAC1"
    looked_after_only.save()
    plan = ChildFactory(child_id="PLAN1")
    iro_allocate(child=plan, iro=iro, started_on=today() - dt.timedelta(days=90))
    plan_record(child=plan, started_on=today() - dt.timedelta(days=60), initial_category="EMO")
    both = ChildFactory(child_id="BOTH1")
    iro_allocate(child=both, iro=iro, started_on=today() - dt.timedelta(days=90))
    plan_record(child=both, started_on=today() - dt.timedelta(days=40), initial_category="EMO")
    enter_care(both, today() - dt.timedelta(days=5))
    iro_allocate(child=ChildFactory(child_id="NONE1"), iro=iro, started_on=today())
    client.force_login(iro.user)

    response = client.get("/children/", {"iro": "", "area": area})

    assert response.status_code == 200
    listed = {row["child"].child_id for row in response.context["rows"]}
    assert listed == (shown or {"LAC1", "PLAN1", "BOTH1", "NONE1"})
    assert response.context["page"].paginator.count == len(listed)
