"""Mistakes can be corrected: an IRO contact by its author or a manager (corrected or
withdrawn, kept in the history, never deleted, and a withdrawn one counted nowhere), and
a held review's details with a reason. Impossible contact dates are refused."""

import datetime as dt

import pytest
from django.urls import reverse

from core.roles import Role
from iro.services import iro_allocate
from reviews.figures import iro_contacts
from reviews.models import IROContact
from reviews.services import (
    iro_contact_correct,
    iro_contact_record,
    iro_contact_withdraw,
    lac_review_correct,
    lac_review_record,
)
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory
from tests.reviews.test_services import enter_care, refused

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_2_june_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(iro):
    child = ChildFactory(child_id="K1", first_name="Kit", date_of_birth=D(2012, 1, 10))
    iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 1))
    return child


def _dates(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_a_visit_before_the_child_was_born_or_in_the_future_is_refused(child, iro):
    [message] = refused(
        lambda: iro_contact_record(child=child, iro=iro, occurred_on=D(1999, 3, 1), kind="visit"),
        "occurred_on",
    )
    assert (
        message
        == "The date of the contact cannot be before Kit Example was born on 10 January 2012"
    )
    refused(
        lambda: iro_contact_record(child=child, iro=iro, occurred_on=D(2025, 6, 3), kind="visit"),
        "occurred_on",
    )


def test_the_contact_page_refuses_a_visit_before_birth(client, child, iro):
    client.force_login(iro.user)
    page = client.post(
        reverse("reviews:contact_record", args=["K1"]),
        {**_dates("occurred_on", D(1999, 3, 1)), "kind": "visit"},
    )
    assert page.status_code == 400
    assert "date of birth, 10 January 2012" in page.context["form"].errors["occurred_on"][0]
    assert not IROContact.objects.exists()


def test_a_corrected_contact_keeps_what_it_said_before(child, iro):
    contact = iro_contact_record(child=child, iro=iro, occurred_on=D(2025, 5, 1), kind="call")
    refused(
        lambda: iro_contact_correct(
            contact=contact,
            occurred_on=D(2025, 5, 2),
            kind="visit",
            seen_alone=True,
            note="",
            reason="",
        ),
        "reason",
    )
    iro_contact_correct(
        contact=contact,
        occurred_on=D(2025, 5, 2),
        kind="visit",
        seen_alone=True,
        note="",
        reason="It was a visit, the day after",
        by=iro.user,
    )
    contact.refresh_from_db()
    assert (contact.kind, contact.occurred_on) == ("visit", D(2025, 5, 2))
    before, after = contact.history.order_by("history_date", "history_id")
    assert before.kind == "call"
    assert (after.history_change_reason, after.history_user) == (
        "It was a visit, the day after",
        iro.user,
    )


def test_a_withdrawn_contact_is_kept_and_counted_nowhere(client, child, iro):
    kept = iro_contact_record(child=child, iro=iro, occurred_on=D(2025, 5, 1), kind="visit")
    wrong = iro_contact_record(child=child, iro=iro, occurred_on=D(2025, 5, 8), kind="visit")
    iro_contact_withdraw(contact=wrong, reason="Recorded for the wrong child", by=iro.user)
    assert list(child.iro_contacts.all()) == [kept]
    assert (
        IROContact.all_objects.get(pk=wrong.pk).withdrawn_reason == "Recorded for the wrong child"
    )
    assert iro_contacts(2025).count() == 1
    client.force_login(iro.user)
    record = client.get(reverse("children:child_detail", args=["K1"])).content.decode()
    assert "Withdrawn" in record
    assert "Recorded for the wrong child" in record


def test_only_the_author_or_a_manager_corrects_a_contact(client, child, iro, head_of_service):
    contact = iro_contact_record(child=child, iro=iro, occurred_on=D(2025, 5, 1), kind="visit")
    other = IROFactory()
    _with_role(other.user, Role.IRO)
    url = reverse("reviews:contact_withdraw", args=[contact.pk])
    client.force_login(other.user)
    assert client.get(url).status_code == 403
    client.force_login(head_of_service)
    withdrawn = client.post(url, {"reason": "Duplicate of the visit on 1 May"})
    assert withdrawn.status_code == 302
    assert IROContact.all_objects.get(pk=contact.pk).withdrawn_by == head_of_service


def test_a_held_reviews_details_are_corrected_with_a_reason(client, child, iro):
    enter_care(child, D(2025, 3, 3))
    review = lac_review_record(child=child, held_on=D(2025, 3, 28), participation_code="PN1")
    refused(
        lambda: lac_review_correct(
            review=review,
            held_on=D(2025, 3, 27),
            participation_code="PN1",
            child_seen_alone=None,
            reason="",
        ),
        "reason",
    )
    client.force_login(iro.user)
    saved = client.post(
        reverse("reviews:review_correct", args=[review.pk]),
        {
            **_dates("held_on", D(2025, 3, 27)),
            "participation_code": "PN2",
            "child_seen_alone": "yes",
            "reason": "Typed the wrong day",
        },
    )
    assert saved.status_code == 302
    review.refresh_from_db()
    assert (review.held_on, review.participation_code, review.child_seen_alone) == (
        D(2025, 3, 27),
        "PN2",
        True,
    )
    assert review.period.next_review_reason == "3 months after the first review on 27 March 2025"
    record = client.get(reverse("children:child_detail", args=["K1"])).content.decode()
    assert "by Ada Reviewer: Typed the wrong day" in record
