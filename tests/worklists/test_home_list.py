"""Business support's home page list is counted and paged in the database
(worklists.home_list.HomeList), and shows exactly what their digest gives
(worklists.alerts.digest_for, as the nightly email lists it): the same items in the same
order, page by page, for every kind and band, restricted records masked the same way;
and a page costs the same queries however long the booking queue is."""

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iro.services import child_restriction_set
from protection.services import (
    ChildOutcome,
    conference_book,
    conference_record_held,
    section47_start,
)
from tests.factories import ChildFactory
from tests.worklists.test_alerts import looked_after
from worklists.home_list import BANDS, band_of, support_home_list

D = dt.date
TODAY = D(2025, 3, 31)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2025, 3, 31, 9, 0, tzinfo=dt.UTC), tick=False)


def queue(iro, n: int, *, tag: str = "Q") -> None:
    """Reviews and conferences to book, due in every band: entered care or had a strategy
    discussion from a year ago to last week, several on each day."""
    for i in range(n):
        day = TODAY - dt.timedelta(days=7 + (i // 3) * 11)
        looked_after(iro, f"{tag}L{i:03d}", day)
        section47_start(child=ChildFactory(child_id=f"{tag}S{i:03d}"), strategy_discussion_on=day)


def minutes_to_send(iro) -> None:
    child = ChildFactory(child_id="MIN1")
    section47_start(child=child, strategy_discussion_on=D(2025, 3, 3))
    conference = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2025, 3, 20, 10)),
        venue="Room 1",
        chair=iro,
    )
    conference_record_held(
        conference=conference,
        held_on=D(2025, 3, 20),
        outcomes=[ChildOutcome(child=child, outcome="no_plan")],
    )


def digest_pages(items, *, label="", band="", size=25):
    shown = [
        i
        for i in items
        if (not label or i.label == label) and (not band or band_of(i, TODAY) == band)
    ]
    paginator = Paginator(shown, size)
    return [list(paginator.page(n).object_list) for n in paginator.page_range]


def list_pages(user, *, label="", band="", size=25):
    listing = support_home_list(user, as_of=TODAY).filtered(label=label, band=band)
    paginator = Paginator(listing, size)
    return [list(paginator.page(n).object_list) for n in paginator.page_range]


@pytest.fixture
def unit(iro):
    queue(iro, 40)
    minutes_to_send(iro)
    child_restriction_set(
        child=looked_after(iro, "HIDDEN", TODAY - dt.timedelta(days=60)),
        restricted=True,
        reason="Adoption placement",
    )


def test_every_page_of_every_kind_and_band_is_the_digests(unit, business_support):
    from worklists.alerts import digest_for

    items = digest_for(business_support, as_of=TODAY)
    labels = list(dict.fromkeys(i.label for i in items))
    assert len(items) > 75 and len(labels) >= 3
    for label in ["", *labels]:
        for band in ["", *(key for key, _ in BANDS)]:
            assert list_pages(business_support, label=label, band=band) == digest_pages(
                items, label=label, band=band
            ), (label, band)


def test_the_counts_by_kind_and_band_are_the_digests(unit, business_support, client):
    from worklists.alerts import digest_for
    from worklists.views.home import _groups

    items = digest_for(business_support, as_of=TODAY)
    listing = support_home_list(business_support, as_of=TODAY)
    assert listing.groups() == _groups(items, TODAY)[0]
    statuses = listing.status_counts()
    assert statuses == {s: sum(i.status == s for i in items) for s in ("overdue", "due", "notice")}
    assert listing.total() == len(items)


def test_a_restricted_record_is_masked_on_the_page(unit, business_support, client):
    client.force_login(business_support)
    page = client.get("/?kind=Looked-after+review+to+book&band=1_to_3_months").content.decode()
    assert "HIDDEN (Restricted record)" in page


def test_a_page_costs_the_same_queries_however_long_the_queue(iro, business_support, client):
    client.force_login(business_support)
    queue(iro, 15, tag="A")  # 30 to book: two pages

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    pages = ["/", "/?page=2", "/?band=up_to_4_weeks"]
    small = [queries(url) for url in pages]
    queue(iro, 30, tag="B")
    assert [queries(url) for url in pages] == small
