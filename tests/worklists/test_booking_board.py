"""The scheduling board lists every conference still to book, transfers in included."""

import datetime as dt

import pytest
from django.utils import timezone

from core.services import today
from protection.services import conference_book, transfer_in_notify
from tests.factories import ChildFactory
from worklists.schedule import booking_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving_here():
    child = ChildFactory(child_id="T1", date_of_birth=dt.date(2016, 3, 1))
    transfer_in_notify(
        child=child, notified_on=today() - dt.timedelta(days=2), from_council="Another Council"
    )
    return child


def test_a_transfer_in_with_no_conference_booked_is_on_the_board(moving_here):
    [need] = [n for n in booking_board(as_of=today(), weeks=6) if n.child_id == "T1"]
    assert (need.kind, need.label) == ("transfer_in", "Transfer-in conference")
    assert need.due == moving_here.transfers_in.get().conference_due


def test_the_board_books_a_transfer_in_as_a_transfer_in_conference(
    client, business_support, moving_here
):
    client.force_login(business_support)
    page = client.get("/schedule/").content.decode()
    assert "/protection/conferences/book/?kind=transfer_in&amp;child=T1" in page


def test_a_booked_transfer_in_conference_leaves_the_board(moving_here, iro):
    conference_book(
        kind="transfer_in",
        children=[moving_here],
        scheduled_for=timezone.now() + dt.timedelta(days=7),
        venue="Civic Centre",
        chair=iro,
        transfer_notified_on=today() - dt.timedelta(days=2),
    )
    assert not [n for n in booking_board(as_of=today(), weeks=6) if n.child_id == "T1"]
