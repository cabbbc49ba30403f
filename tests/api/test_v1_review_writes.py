"""An integration books a looked-after review (POST /api/v1/reviews/booked/) and records
one held (POST /api/v1/reviews/held/): the same services and messages as the pages,
refused whole with each field's messages, a booking to check only once its warnings are
confirmed, only with a write token whose service account may do it on the page, never
by a person's session, and audited."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from core.api import SESSIONS_CANNOT_WRITE
from core.models import AccessEvent, AccessKind, OutboxEvent, OutboxKind
from core.roles import Role
from reviews.api.views import MAY_NOT_BOOK, MAY_NOT_RECORD, NO_SUCH_CHILD
from reviews.models import LookedAfterReview, ReviewDecision, ReviewStatus
from tests.api.records import TODAY, looked_after
from tests.api.test_integration_tokens import application, bearer, token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/held/"
HELD = {
    "child_id": "C1",
    "held_on": "2025-01-27",
    "participation_code": "PN1",
    "child_seen_alone": True,
    "decisions": [
        {"action": "Arrange a dental check", "owner": "Social worker", "due_on": "2025-02-24"}
    ],
    "decisions_circulated_on": "2025-01-29",
}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def account(role, username="casesystem"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role.label))
    return user


@pytest.fixture
def writer(client):
    """A write token of an application whose service account is the Head of Service's."""
    return bearer(token_for(client, application(account(Role.HEAD_OF_SERVICE)), scope="write"))


@pytest.fixture
def child(iro):
    return looked_after(iro, "C1")


def post(client, body, headers):
    return client.post(URL, body, content_type="application/json", **headers)


def test_an_integration_records_a_review_held_as_the_page_does(client, writer, child, iro):
    response = post(client, HELD, writer)

    assert response.status_code == 201, response.content
    review = LookedAfterReview.objects.get(child=child)
    assert (review.status, review.held_on, review.participation_code) == (
        ReviewStatus.HELD,
        dt.date(2025, 1, 27),
        "PN1",
    )
    assert review.chair == iro, "the child's IRO, as nobody booked it"
    assert ReviewDecision.objects.get(review=review).owner == "Social worker"
    body = response.json()
    assert body["id"] == review.pk and body["number"] == 1
    assert body["next_review_due"] == review.period.next_review_due.isoformat()
    assert body["next_review_reason"]
    assert OutboxEvent.objects.get().kind == OutboxKind.REVIEW_DECISIONS_CIRCULATED
    (audit,) = AccessEvent.objects.filter(kind=AccessKind.API, path=URL)
    assert audit.username == "casesystem" and audit.child_ref == "C1"


def test_the_services_refusal_is_a_400_naming_the_field_and_saves_nothing(client, writer, child):
    response = post(client, {**HELD, "participation_code": "PN0"}, writer)

    assert response.status_code == 400
    assert "under 4" in response.json()["participation_code"][0]
    assert not LookedAfterReview.objects.exists()
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": "27/01/2025"}, "held_on"),
        ({"held_on": "1066-10-14"}, "held_on"),
        ({"participation_code": "PN9"}, "participation_code"),
        ({"decisions": [{"action": "x", "owner": "o" * 101, "due_on": "2025-02-24"}]}, "decisions"),
        ({"held_on": "2025-04-30"}, "held_on"),  # in the future: the service's message
        ({"decisions_circulated_on": "2025-01-20"}, "decisions_circulated_on"),
    ],
)
def test_a_bad_value_is_a_400_naming_it(client, writer, child, change, field):
    response = post(client, {**HELD, **change}, writer)

    assert response.status_code == 400
    assert field in response.json()
    assert not LookedAfterReview.objects.exists()


def test_an_unknown_child_and_a_restricted_one_it_may_not_open_are_no_such_child(client, iro):
    restricted = looked_after(iro, "C2")
    restricted.restricted = True
    restricted.save()
    headers = bearer(token_for(client, application(account(Role.BUSINESS_SUPPORT)), "write"))

    for child_id in ["NOBODY", "C2"]:
        response = post(client, {**HELD, "child_id": child_id}, headers)
        assert response.status_code == 400
        assert response.json() == {"child_id": [NO_SUCH_CHILD]}


def test_a_service_account_that_may_not_record_reviews_is_refused(client, child):
    headers = bearer(token_for(client, application(account(Role.BUSINESS_SUPPORT)), "write"))

    response = post(client, HELD, headers)

    assert response.status_code == 403
    assert response.json()["detail"] == MAY_NOT_RECORD
    assert not LookedAfterReview.objects.exists()


def test_a_read_token_and_a_persons_session_cannot_write(client, head_of_service, child):
    read = bearer(token_for(client, application(account(Role.HEAD_OF_SERVICE)), "read"))
    assert post(client, HELD, read).status_code == 403

    client.force_login(head_of_service)
    response = post(client, HELD, {})
    assert response.status_code == 403
    assert response.json()["detail"] == SESSIONS_CANNOT_WRITE
    assert not LookedAfterReview.objects.exists()


# Booking a review ---------------------------------------------------------------------------

BOOK_URL = "/api/v1/reviews/booked/"


@pytest.fixture
def booker(client):
    """A write token whose service account is business support's (who book reviews)."""
    return bearer(token_for(client, application(account(Role.BUSINESS_SUPPORT)), scope="write"))


def book(client, headers, **change):
    body = {
        "child_id": "C1",
        "scheduled_for": "2025-04-08T10:00:00+01:00",
        "venue": "Civic Centre",
        "chair": "iro",
        **change,
    }
    return client.post(BOOK_URL, body, content_type="application/json", **headers)


def test_a_booking_to_check_is_refused_with_its_warnings_until_confirmed(
    client, booker, child, iro
):
    warned = book(client, booker)

    assert warned.status_code == 400
    assert warned.json()["confirm_warnings"]
    assert any("after" in w for w in warned.json()["warnings"]), "due on 3 February"
    assert not LookedAfterReview.objects.exists()

    booked = book(client, booker, confirm_warnings=True)
    assert booked.status_code == 201, booked.content
    review = LookedAfterReview.objects.get(child=child)
    assert (review.status, review.chair, review.venue) == (
        ReviewStatus.SCHEDULED,
        iro,
        "Civic Centre",
    )
    assert booked.json()["warnings_accepted"] == warned.json()["warnings"]
    assert booked.json()["chair"] == "iro"
    (audit,) = AccessEvent.objects.filter(kind=AccessKind.API, path=BOOK_URL)
    assert audit.child_ref == "C1"


def test_a_second_booking_is_the_services_refusal_naming_the_field(client, booker, child):
    assert book(client, booker, confirm_warnings=True).status_code == 201

    again = book(client, booker, scheduled_for="2025-04-10T10:00:00+01:00", confirm_warnings=True)

    assert again.status_code == 400
    assert "already has a review booked" in again.json()["scheduled_for"][0]
    assert LookedAfterReview.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scheduled_for": "2025-03-28T10:00:00Z"}, "scheduled_for"),  # in the past
        ({"scheduled_for": "tomorrow"}, "scheduled_for"),
        ({"chair": "nobody"}, "chair"),
        ({"venue": " "}, "venue"),
    ],
)
def test_a_bad_booking_is_a_400_naming_the_field(client, booker, child, change, field):
    response = book(client, booker, confirm_warnings=True, **change)

    assert response.status_code == 400
    assert field in response.json()
    assert not LookedAfterReview.objects.exists()


def test_an_account_that_may_not_book_reviews_is_refused(client, writer, child):
    response = book(client, writer, confirm_warnings=True)  # the Head of Service's

    assert response.status_code == 403
    assert response.json()["detail"] == MAY_NOT_BOOK
    assert not LookedAfterReview.objects.exists()
