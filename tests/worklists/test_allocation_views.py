"""Children with no IRO are seen and allocated; the caseload filter says what it does;
moves to another IRO wait for their day and can be corrected or cancelled."""

import datetime as dt

import pytest

from core.services import today
from iro.models import IROAllocation, PlannedMove
from iro.services import ALREADY_HELD, iro_allocate
from protection.services import plan_record
from reviews.services import episode_record
from tests.factories import ChildFactory, FamilyFactory, IROFactory, UserFactory

pytestmark = pytest.mark.django_db


def looked_after(child, since=None):
    episode_record(
        child=child,
        started_on=since or today() - dt.timedelta(days=60),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    return child


def on_plan(child):
    plan_record(child=child, started_on=today() - dt.timedelta(days=40), initial_category="NEG")
    return child


@pytest.fixture
def unit(iro):
    """A held child, two with no IRO (looked after; on a plan), one with no open case."""
    held = looked_after(ChildFactory(child_id="HELD", first_name="Held"))
    iro_allocate(child=held, iro=iro, started_on=today() - dt.timedelta(days=60))
    return {
        "held": held,
        "cared": looked_after(ChildFactory(child_id="NOIRO1", first_name="Cared")),
        "planned": on_plan(ChildFactory(child_id="NOIRO2", first_name="Planned")),
        "closed": ChildFactory(child_id="CLOSED", first_name="Closed"),
    }


def ids(response, key="rows"):
    return {row["child"].child_id for row in response.context[key]}


def test_the_unallocated_list_shows_children_looked_after_or_on_a_plan_with_no_iro(
    client, unit, business_support
):
    client.force_login(business_support)
    response = client.get("/children/unallocated/")
    assert response.status_code == 200
    assert ids(response) == {"NOIRO1", "NOIRO2"}
    body = response.content.decode()
    assert 'href="/children/NOIRO1/move/"' in body
    assert "2 children with no IRO" in body


def test_an_iro_does_not_get_the_unallocated_list(client, unit, iro):
    client.force_login(iro.user)
    assert client.get("/children/unallocated/").status_code == 403


@pytest.mark.parametrize("size", [2, 30])
def test_the_unallocated_list_runs_a_fixed_number_of_queries(
    client, head_of_service, size, django_assert_max_num_queries
):
    for _ in range(size):
        looked_after(ChildFactory())
    client.force_login(head_of_service)
    with django_assert_max_num_queries(11):  # with the read audit's insert
        assert client.get("/children/unallocated/").status_code == 200


def test_business_support_give_a_child_with_no_iro_their_first_and_land_on_the_record(
    client, unit, business_support, iro
):
    client.force_login(business_support)
    page = client.get("/children/NOIRO1/move/")
    assert "Allocate an IRO to Cared Example" in page.content.decode()
    response = client.post(
        "/children/NOIRO1/move/",
        {
            "iro": iro.pk,
            "started_on_0": str(today().day),
            "started_on_1": str(today().month),
            "started_on_2": str(today().year),
            "reason": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/children/NOIRO1/"
    assert unit["cared"].allocations.get(ended_on__isnull=True).iro == iro


def test_business_support_may_not_move_a_child_from_one_iro_to_another(
    client, unit, business_support
):
    client.force_login(business_support)
    assert client.get("/children/HELD/move/").status_code == 403


def test_the_allocation_page_and_the_home_page_count_the_children_with_no_iro(
    client, unit, head_of_service
):
    client.force_login(head_of_service)
    allocation = client.get("/children/allocation/").content.decode()
    assert "2 children looked after or on a plan have no IRO" in allocation
    assert 'href="/children/unallocated/"' in allocation
    home = client.get("/").content.decode()
    assert "2 children looked after or on a plan have no IRO" in home


def test_the_head_of_services_long_list_is_grouped_by_kind_and_how_overdue_and_paged(
    client, head_of_service
):
    for n in range(30):  # first reviews 20 working days after entering care: all overdue
        looked_after(ChildFactory(), since=today() - dt.timedelta(days=60 + 3 * n))
    client.force_login(head_of_service)
    response = client.get("/")
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.num_pages == 2
    group = next(g for g in response.context["groups"] if g["label"] == "Looked-after review")
    assert group["total"] == 30
    bands = dict(group["cells"])
    assert bands["over_3_months"] + bands["1_to_3_months"] + bands["up_to_4_weeks"] == 30
    assert bands["over_3_months"] > 0 and bands["1_to_3_months"] > 0
    just_these = client.get("/?band=over_3_months")
    assert just_these.context["page"].paginator.count == bands["over_3_months"]
    assert "Overdue by more than 3 months" in just_these.content.decode()
    assert client.get("/?page=2").context["page"].number == 2


class TestTheCaseloadFilter:
    def test_an_iro_is_shown_their_own_name_in_the_filter_when_they_chose_nobody(
        self, client, unit, iro
    ):
        client.force_login(iro.user)
        response = client.get("/children/?q=e")  # Everyone else has an e too
        assert ids(response) == {"HELD"}
        assert f'<option value="{iro.pk}" selected>' in response.content.decode()

    def test_everyone_searches_every_child_held_or_needing_an_iro(self, client, unit, iro):
        other = IROFactory(user=UserFactory(first_name="Other", last_name="Person"))
        theirs = looked_after(ChildFactory(child_id="THEIRS", first_name="Theirs"))
        iro_allocate(child=theirs, iro=other, started_on=today() - dt.timedelta(days=5))
        client.force_login(iro.user)
        response = client.get("/children/?iro=&q=e")
        assert ids(response) == {"HELD", "THEIRS", "NOIRO1", "NOIRO2"}
        body = response.content.decode()
        assert '<option value="" selected>Everyone</option>' in body
        assert "No IRO" in body

    def test_no_iro_finds_the_children_nobody_holds(self, client, unit, iro):
        client.force_login(iro.user)
        response = client.get("/children/?iro=none")
        assert ids(response) == {"NOIRO1", "NOIRO2"}
        assert "Children with no IRO" in response.content.decode()

    def test_an_unknown_iro_in_the_address_shows_everyone_and_says_so_in_the_filter(
        self, client, unit, iro
    ):
        client.force_login(iro.user)
        response = client.get("/children/?iro=99999")
        assert response.status_code == 200
        assert ids(response) == {"HELD", "NOIRO1", "NOIRO2"}
        assert '<option value="" selected>Everyone</option>' in response.content.decode()


def move(client, child_id, iro, on, reason="Caseload balance", **extra):
    return client.post(
        f"/children/{child_id}/move/",
        {
            "iro": iro.pk,
            "started_on_0": str(on.day),
            "started_on_1": str(on.month),
            "started_on_2": str(on.year),
            "reason": reason,
            **extra,
        },
    )


class TestMovesWithEffectiveDates:
    def test_a_move_dated_later_waits_the_current_iro_stays_and_the_record_says_so(
        self, client, unit, iro, head_of_service
    ):
        other = IROFactory(user=UserFactory(first_name="Ben", last_name="Okafor"))
        client.force_login(head_of_service)
        later = today() + dt.timedelta(days=14)
        response = move(client, "HELD", other, later)
        assert response.status_code == 302
        assert unit["held"].allocations.get(ended_on__isnull=True).iro == iro
        record = client.get("/children/HELD/").content.decode()
        assert "Due to move to Ben Okafor on" in record
        assert "Ada Reviewer keeps Held until then" in record

    def test_a_waiting_move_can_be_corrected_on_the_same_page(self, client, unit, head_of_service):
        other, third = IROFactory(), IROFactory()
        client.force_login(head_of_service)
        move(client, "HELD", other, today() + dt.timedelta(days=14))
        page = client.get("/children/HELD/move/")
        assert "is waiting for its day" in page.content.decode()
        assert page.context["form"].initial["iro"] == other
        sooner = today() + dt.timedelta(days=3)
        assert move(client, "HELD", third, sooner, "Sooner").status_code == 302
        planned = PlannedMove.objects.get(child=unit["held"])
        assert (planned.iro, planned.starts_on) == (third, sooner)

    def test_a_waiting_move_can_be_cancelled_after_asking(self, client, unit, head_of_service):
        client.force_login(head_of_service)
        move(client, "HELD", IROFactory(), today() + dt.timedelta(days=14))
        ask = client.get("/children/HELD/move/cancel/")
        assert "Cancel Held Example's move" in ask.content.decode()
        assert PlannedMove.objects.exists()
        done = client.post("/children/HELD/move/cancel/")
        assert done["Location"] == "/children/HELD/"
        assert not PlannedMove.objects.exists()
        assert client.get("/children/HELD/move/cancel/").status_code == 404

    def test_a_move_to_the_iro_who_holds_the_child_is_refused_on_the_iro_field(
        self, client, unit, iro, head_of_service
    ):
        family = FamilyFactory()
        unit["held"].family = family
        unit["held"].save()
        client.force_login(head_of_service)
        response = move(client, "HELD", iro, today(), with_siblings="on")
        assert response.status_code == 400
        message = ALREADY_HELD.format(child="Held Example", iro=iro)
        assert ("id_iro", message) in response.context["error_list"]
        assert IROAllocation.objects.filter(child=unit["held"]).count() == 1

    def test_a_move_more_than_a_year_ahead_is_refused(self, client, unit, head_of_service):
        client.force_login(head_of_service)
        response = move(client, "HELD", IROFactory(), today() + dt.timedelta(days=400))
        assert response.status_code == 400
        assert "must be within 366 days from today" in response.content.decode()
        assert not PlannedMove.objects.exists()

    def test_the_record_shows_who_held_the_child_from_when_to_when_and_why(
        self, client, unit, iro, head_of_service
    ):
        other = IROFactory(user=UserFactory(first_name="Ben", last_name="Okafor"))
        client.force_login(head_of_service)
        move(client, "HELD", other, today(), "<script>alert(1)</script>")
        record = client.get("/children/HELD/")
        body = record.content.decode()
        assert 'id="iro-allocation"' in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "<script>alert(1)" not in body
        history = record.context["allocations"]
        assert [(a.iro, a.ended_on) for a in history] == [(other, None), (iro, today())]
        assert ("iro-allocation", "IRO allocation") in record.context["contents"]
        assert 'href="#iro-allocation"' in body


def test_a_registered_record_section_with_a_heading_is_in_the_contents_list(client, unit, iro):
    from core.record import RecordSection, child_record_sections

    def provider(*, child, as_of):
        return RecordSection("includes/deadline_tag.html", {"heading": "Decisions"})

    child_record_sections.register(provider)
    try:
        client.force_login(iro.user)
        response = client.get("/children/HELD/")
    finally:
        child_record_sections._providers.remove(provider)
    contents = response.context["contents"]
    anchor = next(a for a, title in contents if title == "Decisions")
    assert f'href="#{anchor}"' in response.content.decode()
    assert f'id="{anchor}"' in response.content.decode()
