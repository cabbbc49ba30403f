"""The foster carer pages: fixed queries, who may record a review, and bad input refused."""

import datetime as dt

import pytest

from fostering.models import FosterCarerReview
from fostering.services import carer_review_record, household_approve
from iro.services import iro_allocate
from reviews.services import episode_record
from tests.factories import ChildFactory, UserFactory

D = dt.date
TODAY = D(2025, 6, 2)
APPROVED = D(2024, 6, 3)
PLACED = D(2024, 9, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def approve(reference, approved_on=APPROVED, name="Alex and Sam Carer", **extra):
    return household_approve(reference=reference, name=name, approved_on=approved_on, **extra)


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def review_data(officer, held_on=TODAY, **extra):
    return {
        **date_fields("held_on", held_on),
        "reviewing_officer": officer.pk,
        "recommendation": "The carers remain suitable; terms unchanged.",
        **extra,
    }


def place(child, household, started_on=PLACED):
    episode_record(
        child=child,
        started_on=started_on,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
        foster_household=household,
    )


@pytest.fixture
def household(business_support):
    return approve("FC-0101", reviewing_officer=business_support)


# The list


@pytest.mark.parametrize("size", [2, 30])
def test_the_carers_list_runs_the_same_queries_whatever_its_size(
    client, business_support, size, django_assert_max_num_queries
):
    for n in range(size):
        officer = UserFactory()
        approve(
            f"FC-{n:04d}",
            approved_on=D(2024, 1, 1) + dt.timedelta(days=n * 7),
            reviewing_officer=officer,
        )
    client.force_login(business_support)
    # The session, the user and their roles and permissions (for the "Add" button), the
    # count, the page, the access event and the session's expiry: none grows with the list.
    with django_assert_max_num_queries(11):
        response = client.get("/fostering/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size
    with django_assert_max_num_queries(11):
        assert client.get("/fostering/?due=90&q=FC&page=2").status_code == 200


def test_the_list_shows_the_next_review_and_why_the_most_pressing_first(client, iro):
    approve("FC-LATER", approved_on=D(2025, 1, 6), name="Later Carer")
    approve("FC-SOON", approved_on=D(2024, 6, 20), name="Soon Carer")
    approve("FC-LATE", approved_on=D(2024, 5, 1), name="Late Carer")
    client.force_login(iro.user)

    response = client.get("/fostering/")

    names = [row["household"].name for row in response.context["rows"]]
    assert names == ["Late Carer", "Soon Carer", "Later Carer"]
    assert [row["state"] for row in response.context["rows"]] == ["overdue", "soon", ""]
    html = response.content.decode()
    assert "1 year after approval on 1 May 2024 (first review, goes to panel)" in html
    assert "Overdue" in html
    assert "Due soon" in html


def test_the_list_filters_by_when_the_review_is_due_and_searches(client, iro):
    approve("FC-LATER", approved_on=D(2025, 1, 6), name="Later Carer")
    approve("FC-LATE", approved_on=D(2024, 5, 1), name="Late Carer")
    client.force_login(iro.user)

    def names(query):
        rows = client.get(f"/fostering/?{query}").context["rows"]
        return [row["household"].name for row in rows]

    assert names("due=overdue") == ["Late Carer"]
    assert names("due=90") == ["Late Carer"]
    assert names("q=later") == ["Later Carer"]
    assert names("q=FC-LATE") == ["Late Carer", "Later Carer"]


# The household page


def test_the_household_page_shows_children_placed_and_reviews_held(client, iro, household):
    child = ChildFactory(child_id="P1", first_name="Sky")
    place(child, household)
    carer_review_record(
        household=household,
        held_on=D(2025, 5, 20),
        reviewing_officer=UserFactory(first_name="Rae", last_name="Officer"),
        referred_to_panel=True,
        panel_on=D(2025, 6, 1),
        recommendation="Continue approval.",
    )
    client.force_login(iro.user)
    response = client.get("/fostering/FC-0101/")
    html = response.content.decode()
    assert response.context["placed"] == [child]
    assert "Sky Example" in html
    assert "20 May 2025" in html
    assert "First review" in html
    assert "In time" in html
    assert "panel 1 Jun 2025" in html
    assert "Next review due by 20 May 2026" in html
    assert "1 year after the last review on 20 May 2025" in html
    assert "Record a review" not in html  # an IRO reads only


# Who may do what


@pytest.mark.parametrize(
    "url", ["/fostering/", "/fostering/FC-0101/", "/fostering/FC-0101/review/"]
)
def test_someone_with_no_role_is_refused_every_page(client, no_role, household, url):
    client.force_login(no_role)
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("persona", ["iro", "head_of_service"])
def test_iros_and_the_head_of_service_may_read_but_not_record_a_review(
    request, client, household, persona
):
    person = request.getfixturevalue(persona)
    client.force_login(getattr(person, "user", person))
    assert client.get("/fostering/").status_code == 200
    assert client.get("/fostering/FC-0101/").status_code == 200
    assert client.get("/fostering/FC-0101/review/").status_code == 403
    officer = UserFactory()
    response = client.post(
        "/fostering/FC-0101/review/", review_data(officer, referred_to_panel="on")
    )
    assert response.status_code == 403
    assert not FosterCarerReview.objects.exists()


def test_an_administrator_may_record_a_review(client, administrator, household):
    client.force_login(administrator)
    assert client.get("/fostering/FC-0101/review/").status_code == 200


def test_an_unknown_household_is_not_found(client, business_support):
    client.force_login(business_support)
    assert client.get("/fostering/NOPE/").status_code == 404
    assert client.get("/fostering/NOPE/review/").status_code == 404


# Recording a review


def test_the_first_review_form_says_it_must_go_to_panel(client, business_support, household):
    client.force_login(business_support)
    html = client.get("/fostering/FC-0101/review/").content.decode()
    assert "first review since approval on 3 June 2024, so it must go to the fostering" in html


def test_a_first_review_not_referred_to_panel_is_refused_and_nothing_saved(
    client, business_support, household
):
    client.force_login(business_support)
    response = client.post("/fostering/FC-0101/review/", review_data(business_support))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The first review after approval must go to the fostering panel" in html
    assert 'href="#id_referred_to_panel' in html
    assert not FosterCarerReview.objects.exists()
    household.refresh_from_db()
    assert household.next_review_due == D(2025, 6, 3)


def test_a_review_with_nothing_filled_in_names_each_field(client, business_support, household):
    client.force_login(business_support)
    response = client.post("/fostering/FC-0101/review/", {})
    assert response.status_code == 400
    html = response.content.decode()
    for message in [
        "Enter the date of the review meeting",
        "Choose who chaired the review",
        "Enter the review&#x27;s recommendation",
    ]:
        assert message in html
    assert not FosterCarerReview.objects.exists()


def test_an_impossible_review_date_is_refused_naming_the_field(client, business_support, household):
    client.force_login(business_support)
    data = review_data(business_support, referred_to_panel="on") | {
        "held_on_0": "31",
        "held_on_1": "2",
    }
    response = client.post("/fostering/FC-0101/review/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Date of the review meeting must be a real date" in html
    assert 'href="#id_held_on' in html
    assert not FosterCarerReview.objects.exists()


def test_a_panel_before_the_review_is_refused(client, business_support, household):
    client.force_login(business_support)
    data = review_data(business_support, referred_to_panel="on") | date_fields(
        "panel_on", D(2025, 5, 1)
    )
    response = client.post("/fostering/FC-0101/review/", data)
    assert response.status_code == 400
    assert "The panel cannot be before the review" in response.content.decode()
    assert not FosterCarerReview.objects.exists()


def test_a_review_referred_to_panel_is_saved_and_moves_the_next_date_a_year_on(
    client, business_support, household
):
    client.force_login(business_support)
    response = client.post(
        "/fostering/FC-0101/review/",
        review_data(business_support, referred_to_panel="on"),
        follow=True,
    )
    assert response.redirect_chain == [("/fostering/FC-0101/", 302)]
    assert "Review of 2 June 2025 recorded. The next review is due by 2 June 2026." in (
        response.content.decode()
    )
    review = FosterCarerReview.objects.get()
    assert (review.is_first, review.referred_to_panel) == (True, True)
    household.refresh_from_db()
    assert household.next_review_due == D(2026, 6, 2)


def test_a_conflicted_officer_is_warned_before_saving_and_must_confirm(
    client, business_support, iro, household
):
    child = ChildFactory(child_id="P1", first_name="Sky")
    place(child, household)
    iro_allocate(child=child, iro=iro, started_on=D(2024, 9, 2))
    client.force_login(business_support)
    data = review_data(iro.user, referred_to_panel="on")

    response = client.post("/fostering/FC-0101/review/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Reviewer is the IRO of Sky Example (P1), who is placed with these carers" in html
    assert "Record the review with Ada Reviewer anyway" in html
    assert not FosterCarerReview.objects.exists()

    response = client.post(
        "/fostering/FC-0101/review/", data | {"confirm_conflict": "on"}, follow=True
    )
    assert FosterCarerReview.objects.get().reviewing_officer == iro.user
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels == ["success", "warning"]
    assert "another officer should review these carers" in response.content.decode()


def test_choosing_another_officer_clears_the_conflict(client, business_support, iro, household):
    child = ChildFactory()
    place(child, household)
    iro_allocate(child=child, iro=iro, started_on=D(2024, 9, 2))
    client.force_login(business_support)
    response = client.post(
        "/fostering/FC-0101/review/", review_data(business_support, referred_to_panel="on")
    )
    assert response.status_code == 302
    assert FosterCarerReview.objects.get().reviewing_officer == business_support
