"""`manage.py deadlines`: every open statutory deadline, with its reason."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from disputes.models import DisputeLevel
from disputes.services import dispute_escalate, dispute_raise
from fostering.services import household_approve
from iro.services import iro_allocate
from protection.services import plan_record, section47_start
from reviews.services import episode_record
from tests.factories import ChildFactory, UserFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def spring_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def unit(iro):
    """One open item of every kind, each with an IRO or reviewer."""
    looked_after = ChildFactory(child_id="LAC001")
    iro_allocate(child=looked_after, iro=iro, started_on=D(2025, 3, 3))
    episode_record(
        child=looked_after,
        started_on=D(2025, 3, 3),
        reason_new_episode="S",
        legal_status="V2",
        category_of_need="N4",
        placement="U6",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    enquiry_child = ChildFactory(child_id="S47001")
    iro_allocate(child=enquiry_child, iro=iro, started_on=D(2025, 2, 1))
    section47_start(child=enquiry_child, strategy_discussion_on=D(2025, 2, 10))
    on_plan = ChildFactory(child_id="CPP001")
    plan_record(child=on_plan, started_on=D(2025, 1, 15), initial_category="NEG")
    dispute = dispute_raise(
        child=looked_after,
        raised_by=iro,
        raised_on=D(2025, 3, 20),
        category="drift",
        summary="Care plan not progressed since the last review",
    )
    dispute_escalate(
        dispute=dispute,
        level=DisputeLevel.objects.get(rank=1),
        addressee="Team manager, Locality East",
        started_on=D(2025, 3, 24),
    )
    household_approve(
        reference="FC001",
        name="The Example household",
        approved_on=D(2024, 3, 1),
        reviewing_officer=UserFactory(username="fcreviewer", first_name="Fran", last_name="Kerr"),
    )


def deadlines(*args):
    out = io.StringIO()
    call_command("deadlines", *args, stdout=out)
    return out.getvalue()


def test_json_lists_every_kind_with_due_date_status_reason_and_iro(unit):
    items = json.loads(deadlines("--format", "json", "--as-of", "2025-03-31"))
    by_kind = {item["kind"]: item for item in items}
    assert by_kind["lac_review"] == {
        "kind": "lac_review",
        "child": "LAC001",
        "due": "2025-03-31",
        "status": "due",
        "reason": "20 working days after entering care on 3 March 2025",
        "rule": "lac_first_review",
        "iro": "Ada Reviewer",
    }
    assert by_kind["icpc"]["due"] == "2025-03-03"
    assert by_kind["icpc"]["status"] == "overdue"
    assert by_kind["icpc"]["reason"] == (
        "15 working days after the strategy discussion on 10 February 2025"
    )
    assert by_kind["rcpc"]["due"] == "2025-04-15"
    assert by_kind["rcpc"]["iro"] == ""  # no IRO allocated to that child
    assert by_kind["dispute_stage"]["due"] == "2025-03-31"
    assert by_kind["foster_carer_review"] == {
        "kind": "foster_carer_review",
        "carer": "FC001",
        "due": "2025-03-01",
        "status": "overdue",
        "reason": "1 year after approval on 1 March 2024 (first review, goes to panel)",
        "rule": "foster_carer_first_review",
        "iro": "Fran Kerr",
    }
    assert [i["due"] for i in items] == sorted(i["due"] for i in items)


def test_as_of_is_the_date_overdue_is_measured_from(unit):
    items = json.loads(deadlines("--format", "json", "--as-of", "2025-04-01"))
    assert {i["kind"]: i["status"] for i in items}["lac_review"] == "overdue"
    earlier = json.loads(deadlines("--format", "json", "--as-of", "2025-02-01"))
    assert all(i["status"] == "due" for i in earlier)


def test_within_keeps_overdue_items_and_those_due_soon(unit):
    items = json.loads(deadlines("--format", "json", "--as-of", "2025-03-31", "--within", "0"))
    assert {i["kind"] for i in items} == {
        "lac_review",
        "icpc",
        "dispute_stage",
        "foster_carer_review",
    }


def test_the_table_format_is_readable(unit):
    table = deadlines("--as-of", "2025-03-31")
    assert "LAC001" in table
    assert "5 open deadlines as of 2025-03-31: 2 overdue." in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "31/03/2025"], "--as-of: '31/03/2025' is not a date"),
        (["--within", "-3"], "--within: the number of days cannot be negative"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        deadlines(*args)


def test_the_api_gives_the_unit_reader_the_same_list(unit, client, head_of_service):
    client.force_login(head_of_service)
    response = client.get("/api/deadlines/", {"as_of": "2025-03-31"})
    assert response.status_code == 200
    assert {i["kind"] for i in response.json()} == {
        "lac_review",
        "icpc",
        "rcpc",
        "dispute_stage",
        "foster_carer_review",
    }


def test_the_api_refuses_a_bad_date_with_the_field_named(client, iro):
    client.force_login(iro.user)
    response = client.get("/api/deadlines/", {"as_of": "tomorrow"})
    assert response.status_code == 400
    assert "as_of" in response.json()


NEW_YEAR_2025 = D(2025, 1, 1)


def many_enquiries(iro, count, *, first=NEW_YEAR_2025):
    """`count` children, each with an initial conference due after the one before's."""
    for n in range(count):
        child = ChildFactory(child_id=f"MANY{n:03d}")
        iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 1))
        section47_start(child=child, strategy_discussion_on=first + dt.timedelta(days=n))


def listed(client, **query):
    page = client.get("/deadlines/", query).content.decode()
    return [cid for cid in (f"MANY{n:03d}" for n in range(200)) if cid in page], page


def test_the_deadlines_list_pages_the_unit_soonest_first(client, iro, head_of_service):
    many_enquiries(iro, 60)
    client.force_login(head_of_service)

    first, page = listed(client)
    second, _ = listed(client, page=2)

    assert "60 open deadlines" in page
    assert first == [f"MANY{n:03d}" for n in range(50)]
    assert second == [f"MANY{n:03d}" for n in range(50, 60)]


def test_the_deadlines_list_filters_by_status_in_the_database(client, iro, head_of_service):
    many_enquiries(iro, 60, first=D(2025, 1, 20))  # due from February into April
    client.force_login(head_of_service)

    overdue, overdue_page = listed(client, status="overdue")
    due, due_page = listed(client, status="due")

    counted = [
        int(re.search(r"(\d+) open deadlines", page).group(1)) for page in (overdue_page, due_page)
    ]
    assert counted == [len(overdue), len(due)]
    assert overdue and due
    assert len(overdue) + len(due) == 60
    assert max(overdue) < min(due)  # the earlier strategy discussions are the overdue ones


def test_the_deadlines_list_filters_by_kind(client, iro, head_of_service, unit):
    client.force_login(head_of_service)

    page = client.get("/deadlines/", {"kind": "foster_carer_review"}).content.decode()

    assert "1 open deadlines" in page
    assert "FC001" in page
    assert "S47001" not in page


def test_a_page_past_the_end_shows_the_last(client, iro, head_of_service):
    many_enquiries(iro, 60)
    client.force_login(head_of_service)

    last, _ = listed(client, page=99)

    assert last == [f"MANY{n:03d}" for n in range(50, 60)]


def test_a_page_reads_at_most_a_page_of_each_query(iro, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from worklists.deadlines import OpenDeadlines

    many_enquiries(iro, 60)
    with CaptureQueriesContext(connection) as queries:
        items = OpenDeadlines(as_of=D(2025, 3, 31))[0:10]

    assert len(items) == 10
    # Each area's read is its first ten by date, then the rest of the page's last day
    # (so ties are put in order by child, not cut where the database stops), by dates.
    reads = [q["sql"] for q in queries.captured_queries if "COUNT(" not in q["sql"]]
    enquiries = [sql for sql in reads if "icpc_due" in sql]
    assert enquiries and "LIMIT 10" in enquiries[0]
    assert len(enquiries) <= 2
    assert all("LIMIT" in sql or '"icpc_due" >= ' in sql for sql in enquiries)


def test_pages_of_any_size_give_the_whole_list_in_its_order_ties_and_all(iro):
    from worklists.deadlines import OpenDeadlines, open_deadlines

    as_of = D(2025, 3, 31)
    for n in range(14):  # three enquiries a day: their conferences fall due together
        child = ChildFactory(child_id=f"TIE{13 - n:03d}")  # IDs against the pks' order
        iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 1))
        section47_start(
            child=child, strategy_discussion_on=NEW_YEAR_2025 + dt.timedelta(days=n // 3)
        )
    whole = [(d.due, d.child) for d in open_deadlines(as_of=as_of)]
    assert len(set(whole)) == len(whole) == 14
    listing = OpenDeadlines(as_of=as_of)
    for size in (1, 2, 3, 4, 5, 14):
        read = [
            (d.due, d.child)
            for start in range(0, len(whole), size)
            for d in listing[start : start + size]
        ]
        assert read == whole, size


def conference_decision_for(children, iro):
    """A held conference covering `children` with an action still open (due long ago)."""
    from django.utils import timezone

    from protection.services import (
        ChildOutcome,
        conference_book,
        conference_decision_add,
        conference_record_held,
    )

    for child in children:
        section47_start(child=child, strategy_discussion_on=D(2025, 1, 6))
    conference = conference_book(
        kind="initial",
        children=children,
        scheduled_for=timezone.make_aware(dt.datetime(2025, 1, 20, 10)),
        venue="Room 1",
        chair=iro,
    )
    conference_record_held(
        conference=conference,
        held_on=D(2025, 1, 20),
        outcomes=[ChildOutcome(child=c, outcome="no_plan") for c in children],
    )
    conference_decision_add(
        conference=conference,
        action="Refer to family support",
        owner="Social worker",
        due_on=D(2025, 2, 3),
    )


def test_the_paged_list_gives_what_the_whole_list_gives_for_every_scope(
    unit, client, iro, head_of_service
):
    """/api/v1/deadlines/ is counted and paged in the database (OpenDeadlines): page by
    page it is `open_deadlines` of the caller's scope, a conference's action once per
    child it covered."""
    from worklists.deadlines import OpenDeadlines, open_deadlines

    siblings = [ChildFactory(child_id="SIB1"), ChildFactory(child_id="SIB2")]
    for child in siblings:
        iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 1))
    conference_decision_for(siblings, iro)
    as_of = D(2025, 3, 31)
    for reader, user_id in [(head_of_service, None), (iro.user, iro.user.pk)]:
        client.force_login(reader)
        for within in [None, 10]:
            whole = open_deadlines(as_of=as_of, within_days=within, iro_user_id=user_id)
            assert sum(d.kind == "conference_decision" for d in whole) == 2
            paged = OpenDeadlines(as_of=as_of, within_days=within, user_id=user_id)
            assert len(paged) == len(whole)
            for size in (1, 2, 3):
                read = [
                    d for start in range(0, len(whole), size) for d in paged[start : start + size]
                ]
                assert read == whole, (reader, within, size)
            params = {"as_of": "2025-03-31"} | ({"within": within} if within is not None else {})
            body = client.get("/api/v1/deadlines/", params).json()
            assert body["count"] == len(whole)
            assert body["results"] == [d.as_json() for d in whole]
