"""Business support's and the Head of Service's home page lists are counted and paged in
the database (worklists.home_list.HomeList), and show exactly what their digests give
(worklists.alerts.digest_for, as the nightly email lists it): the same items in the same
order, page by page, for every kind and band, restricted records masked the same way;
and a page costs the same queries however long the queue is."""

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
    plan_record,
    section47_start,
)
from tests.factories import ChildFactory
from tests.worklists.test_alerts import looked_after
from tests.worklists.test_deadlines import conference_decision_for
from worklists.alerts import digest_for
from worklists.home_list import BANDS, band_of, head_of_service_home_list, support_home_list

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


def list_pages(user, *, label="", band="", size=25, lister=support_home_list):
    listing = lister(user, as_of=TODAY).filtered(label=label, band=band)
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
    items = digest_for(business_support, as_of=TODAY)
    labels = list(dict.fromkeys(i.label for i in items))
    assert len(items) > 75 and len(labels) >= 3
    for label in ["", *labels]:
        for band in ["", *(key for key, _ in BANDS)]:
            assert list_pages(business_support, label=label, band=band) == digest_pages(
                items, label=label, band=band
            ), (label, band)


def test_the_counts_by_kind_and_band_are_the_digests(unit, business_support, client):
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


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_page_costs_the_same_queries_however_long_the_queue(iro, business_support, client):
    client.force_login(business_support)
    queue(iro, 15, tag="A")  # 30 to book: two pages

    pages = ["/", "/?page=2", "/?band=up_to_4_weeks"]
    small = [page_queries(client, url) for url in pages]
    queue(iro, 30, tag="B")
    assert [page_queries(client, url) for url in pages] == small


def long_plans(n: int, *, tag: str = "P") -> None:
    """Plans begun from 30 months to 15 months ago, a few on each day: some announced at
    2 years, most at 15 months, the month ends among them."""
    for i in range(n):
        started = TODAY - dt.timedelta(days=456 + (i // 2) * 17)
        child = ChildFactory(child_id=f"{tag}P{i:03d}")
        plan_record(child=child, started_on=started, initial_category="EMO")


@pytest.fixture
def overdue_unit(iro):
    for i in range(30):  # looked-after reviews and initial conferences overdue
        day = TODAY - dt.timedelta(days=40 + i * 9)
        looked_after(iro, f"OL{i:03d}", day)
        section47_start(child=ChildFactory(child_id=f"OS{i:03d}"), strategy_discussion_on=day)
    long_plans(40)
    siblings = [ChildFactory(child_id="SIB1"), ChildFactory(child_id="SIB2")]
    conference_decision_for(siblings, iro)  # an action overdue: one item per child
    child_restriction_set(
        child=looked_after(iro, "HIDDEN", TODAY - dt.timedelta(days=60)),
        restricted=True,
        reason="Adoption placement",
    )
    plan_record(
        child=ChildFactory(child_id="HIDDENPLAN", restricted=True),
        started_on=D(2023, 1, 3),
        initial_category="EMO",
    )


def test_the_head_of_services_pages_are_their_digests(overdue_unit, head_of_service):
    items = digest_for(head_of_service, as_of=TODAY)
    labels = list(dict.fromkeys(i.label for i in items))
    assert len(items) > 100 and len(labels) >= 4
    assert "On a child protection plan for 2 years or more" in labels
    assert "On a child protection plan for 15 months or more" in labels
    assert sum(i.kind == "conference_decision" for i in items) == 2
    for label in ["", *labels]:
        for band in ["", *(key for key, _ in BANDS)]:
            assert list_pages(
                head_of_service, label=label, band=band, lister=head_of_service_home_list
            ) == digest_pages(items, label=label, band=band), (label, band)


def test_the_head_of_services_counts_are_their_digests(overdue_unit, head_of_service):
    from worklists.views.home import _groups

    items = digest_for(head_of_service, as_of=TODAY)
    listing = head_of_service_home_list(head_of_service, as_of=TODAY)
    assert listing.groups() == _groups(items, TODAY)[0]
    statuses = listing.status_counts()
    assert statuses == {s: sum(i.status == s for i in items) for s in ("overdue", "due", "notice")}
    assert listing.total() == len(items)


def test_a_plan_is_15_months_long_on_the_day_its_month_ends():
    """Begun on 30 November, a plan is 15 months long on 28 February (no 30th)."""
    from worklists.alerts import plan_duration_spans, thresholds

    spans = dict(plan_duration_spans(D(2026, 2, 28), thresholds()))
    assert spans[15] == D(2024, 11, 30)


def test_the_head_of_services_page_costs_the_same_queries_however_long(
    iro, head_of_service, client
):
    client.force_login(head_of_service)
    long_plans(30, tag="A")
    queue(iro, 15, tag="A")  # overdue reviews and conferences

    pages = ["/", "/?page=2", "/?band=notice"]
    small = [page_queries(client, url) for url in pages]
    long_plans(30, tag="B")
    queue(iro, 20, tag="B")
    assert [page_queries(client, url) for url in pages] == small
