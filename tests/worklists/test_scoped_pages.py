"""A person's page costs what that person sees, not what the unit holds."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from disputes.services import dispute_raise
from iro.services import iro_allocate
from reviews.services import episode_record
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory, UserFactory
from worklists.alerts import digest_for
from worklists.deadlines import open_deadlines
from worklists.selectors import caseloads

D = dt.date
TODAY = D(2025, 3, 31)
pytestmark = pytest.mark.django_db

# The areas' tables of cases a person's digest reads.
CASE_TABLES = [
    "reviews_periodofcare",
    "reviews_reviewdecision",
    "protection_section47enquiry",
    "protection_transferin",
    "protection_childprotectionplan",
    "protection_conferencedecision",
    "disputes_disputestage",
]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2025, 3, 31, 9, 0, tzinfo=dt.UTC), tick=False)


def looked_after(iro, child_id, entered_on):
    child = ChildFactory(child_id=child_id)
    iro_allocate(child=child, iro=iro, started_on=entered_on)
    episode_record(
        child=child,
        started_on=entered_on,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    return child


def another_iros_children(n, *, start=0):
    other = IROFactory(user=UserFactory())
    _with_role(other.user, Role.IRO)
    for i in range(start, start + n):
        looked_after(other, f"OTHER{i}", D(2025, 3, 3))
    return other


def home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries)


def test_an_iros_home_page_runs_the_same_queries_however_many_children_the_unit_holds(client, iro):
    looked_after(iro, "MINE1", D(2025, 3, 3))
    client.force_login(iro.user)
    another_iros_children(1)
    small = home_queries(client)
    another_iros_children(6, start=1)
    assert home_queries(client) == small


def test_an_iros_digest_reads_the_areas_cases_only_of_the_children_they_hold(iro):
    mine = looked_after(iro, "MINE1", D(2025, 3, 3))
    another_iros_children(3)
    with CaptureQueriesContext(connection) as queries:
        items = digest_for(iro.user, as_of=TODAY)
    assert {i.subject.split(" ")[0] for i in items} == {"MINE1"}
    held = [q["sql"] for q in queries if '"iro_iroallocation"' in q["sql"]]
    assert held and re.search(rf'"user_id" = {iro.user.pk}\b', held[0]), held
    reads = [q["sql"] for q in queries if any(f'FROM "{t}"' in q["sql"] for t in CASE_TABLES)]
    assert reads, "the digest reads the areas' cases"
    for sql in reads:
        # Kept to the children read from their allocations first, by their pks.
        assert re.search(rf'"child_id" IN \({mine.pk}\)', sql), sql


def test_a_person_who_holds_no_child_is_not_asked_of_the_childrens_areas(business_support):
    another_iros_children(2)
    with CaptureQueriesContext(connection) as queries:
        open_deadlines(as_of=TODAY, within_days=60, iro_user_id=business_support.pk)
    assert not [q for q in queries if any(f'FROM "{t}"' in q["sql"] for t in CASE_TABLES)]
    assert any('FROM "fostering_fostercarerhousehold"' in q["sql"] for q in queries)


def test_a_business_support_home_page_reads_only_the_deadlines_they_answer_for(
    client, business_support
):
    another_iros_children(2)
    client.force_login(business_support)
    small = home_queries(client)
    another_iros_children(5, start=2)
    assert home_queries(client) == small


def test_caseloads_are_counted_in_two_queries_however_many_iros_there_are(iro):
    looked_after(iro, "MINE1", D(2025, 3, 3))
    with CaptureQueriesContext(connection) as few:
        caseloads()
    for n in range(4):
        another_iros_children(1, start=n)
    with CaptureQueriesContext(connection) as many:
        loads = caseloads()
    assert len(many) == len(few) == 2
    assert {load.iro.pk: load.children for load in loads}[iro.pk] == 1
    assert {load.iro.pk: load.looked_after for load in loads}[iro.pk] == 1


def record_queries(client, child):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/children/{child.child_id}/")
    assert response.status_code == 200
    return len(queries)


def test_a_childs_record_runs_the_same_queries_with_one_challenge_as_with_four(client, iro):
    child = looked_after(iro, "MINE1", D(2025, 1, 6))
    client.force_login(iro.user)
    dispute_raise(
        child=child, raised_by=iro, raised_on=D(2025, 2, 3), category="drift", summary="Drift"
    )
    one = record_queries(client, child)
    for day in (4, 5, 6):
        dispute_raise(
            child=child, raised_by=iro, raised_on=D(2025, 2, day), category="drift", summary="D"
        )
    assert record_queries(client, child) == one


def test_a_childs_record_runs_the_same_queries_with_one_corrected_review_as_with_three(client, iro):
    """Each held review's corrections are read with the others', not a query a review."""
    from reviews.services import lac_review_correct, lac_review_record

    child = looked_after(iro, "MINE2", D(2024, 1, 8))
    client.force_login(iro.user)

    def held_and_corrected(on):
        review = lac_review_record(
            child=child, held_on=on, participation_code="PN1", permanence_plan="f"
        )
        lac_review_correct(
            review=review,
            held_on=on,
            participation_code="PN2",
            child_seen_alone=None,
            reason="Recorded the wrong code",
        )

    held_and_corrected(D(2024, 2, 1))
    one = record_queries(client, child)
    held_and_corrected(D(2024, 4, 25))
    held_and_corrected(D(2024, 10, 10))
    page = client.get(f"/children/{child.child_id}/").content.decode()
    assert page.count("Recorded the wrong code") == 3
    assert record_queries(client, child) == one


def test_the_benchmarks_bare_page_is_not_served_outside_debug_or_a_benchmark(client, iro):
    client.force_login(iro.user)
    assert client.get("/bench/bare/").status_code == 404


def test_the_benchmarks_bare_page_is_served_when_a_benchmark_turns_it_on(client, iro, settings):
    settings.OVERSIGHT_BENCH_PAGES = True
    client.force_login(iro.user)
    assert client.get("/bench/bare/").status_code == 200


def test_everyone_soonest_first_is_paged_by_the_dates_indexes_with_the_same_order(iro):
    """The caseload's "Everyone" list, soonest first, reads a page from each kind of date
    (worklists.selectors.EveryoneByDue) and gives the pages the whole sort gives: ties on
    a day, children with more than one kind of date, an initial conference for a child
    held by an IRO (listed) and for one nobody holds (not listed), children with no date."""
    from protection.services import plan_record, section47_start
    from worklists.selectors import EveryoneByDue, caseload_children, children_of

    for i in range(14):  # looked after, entered care two to a day (IDs against the pks)
        looked_after(iro, f"L{13 - i:02d}", TODAY - dt.timedelta(days=3 + i // 2))
    for i in range(6):
        child = ChildFactory(child_id=f"P{i:02d}")
        iro_allocate(child=child, iro=iro, started_on=TODAY - dt.timedelta(days=200))
        plan_record(
            child=child, started_on=TODAY - dt.timedelta(days=60 + i * 7), initial_category="EMO"
        )
    for i in range(5):  # awaiting an initial conference: held, or not held by anyone
        child = ChildFactory(child_id=f"S{i:02d}")
        if i % 2 == 0:
            iro_allocate(child=child, iro=iro, started_on=TODAY - dt.timedelta(days=20))
        section47_start(child=child, strategy_discussion_on=TODAY - dt.timedelta(days=i * 4))
    both = looked_after(iro, "BOTH", TODAY - dt.timedelta(days=2))
    section47_start(child=both, strategy_discussion_on=TODAY - dt.timedelta(days=30))
    for i in range(4):  # held, nothing due
        iro_allocate(child=ChildFactory(child_id=f"N{i:02d}"), iro=iro, started_on=TODAY)

    def in_order(rows):
        return rows.order_by("next_due", "last_name", "child_id")

    children = in_order(caseload_children(who="all"))

    def of(pks):
        return in_order(children_of(pks))

    assert EveryoneByDue(children.none(), kept_as="none", of=of)[0:0] == []
    whole = [c.child_id for c in children]
    assert "S01" not in whole and "S00" in whole and len(whole) == 14 + 6 + 3 + 1 + 4
    paged = EveryoneByDue(children, kept_as="test", of=of)
    assert len(paged) == len(whole)
    for size in (1, 3, 5, 25):
        read = [
            c.child_id for start in range(0, len(whole), size) for c in paged[start : start + size]
        ]
        assert read == whole, size


def test_everyone_soonest_first_keeps_a_days_ties_in_order_where_a_page_ends_on_them(iro):
    """Two children a day, each day's second made first: a page ending between them puts
    the day's children in the list's order (by name, then ID), not the database's."""
    from worklists.selectors import EveryoneByDue, caseload_children, children_of

    for i in range(8):
        looked_after(iro, f"L{7 - i:02d}", TODAY - dt.timedelta(days=3 + i // 2))

    def in_order(rows):
        return rows.order_by("next_due", "last_name", "child_id")

    children = in_order(caseload_children(who="all"))
    whole = [c.child_id for c in children]
    paged = EveryoneByDue(children, kept_as="ties", of=lambda pks: in_order(children_of(pks)))
    for size in (1, 3):
        read = [
            c.child_id for start in range(0, len(whole), size) for c in paged[start : start + size]
        ]
        assert read == whole, size


def tables_read(queries) -> list[str]:
    """The table each query reads first (its FROM), one entry a query."""
    return [m.group(1) for q in queries if (m := re.search(r'\bFROM "(\w+)"', q["sql"]))]


def test_a_childs_record_reads_each_of_its_own_rows_once(client, iro):
    """The restricted check and the page share the child's row; whether the IRO holds
    the child is answered from the allocations the page lists; the IRO's profile comes
    with their account, and their roles with their permissions."""
    child = looked_after(iro, "MINE3", D(2025, 1, 6))
    client.force_login(iro.user, backend="core.backends.ModelBackend")
    client.get(f"/children/{child.child_id}/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/children/{child.child_id}/")
    assert response.status_code == 200
    read = tables_read(queries)
    for table in ("iro_child", "iro_iroallocation", "auth_group", "reviews_lookedafterreview"):
        assert read.count(table) == 1, (table, read)
    assert "iro_independentreviewingofficer" not in read  # joined to the account
    assert "auth_permission" not in read  # read with the roles


def test_a_childs_record_reads_its_enquiries_corrections_in_one_query(client, iro):
    from protection.services import section47_correct, section47_start

    child = looked_after(iro, "MINE4", D(2025, 1, 6))
    client.force_login(iro.user)

    def corrected(on):
        enquiry = section47_start(child=child, strategy_discussion_on=on, icpc_not_required=True)
        section47_correct(
            enquiry=enquiry,
            referral_on=None,
            strategy_discussion_on=on,
            icpc_not_required=False,
            reason=f"Needed after all ({on:%d %B})",
        )

    corrected(D(2025, 2, 3))
    one = record_queries(client, child)
    corrected(D(2025, 2, 10))
    corrected(D(2025, 2, 17))
    page = client.get(f"/children/{child.child_id}/").content.decode()
    assert all(f"Needed after all ({d} February)" in page for d in ("03", "10", "17"))
    assert record_queries(client, child) == one


def _read_in_pages(paged, total, size):
    return [c.child_id for start in range(0, total, size) for c in paged[start : start + size]]


def test_everyone_overdue_or_due_soon_is_paged_by_the_dates_indexes_with_the_same_order(iro):
    """ "Everyone" filtered to the overdue, or to those due within 28 days, soonest first:
    read from the dates before the day (EveryoneByDue's `due_by`), counted from them, and
    paged as the whole filtered sort pages it, ties on a day and all."""
    from protection.services import plan_record, section47_start
    from worklists.selectors import EveryoneByDue, caseload_children, children_of

    for i in range(6):  # awaiting an initial conference long overdue, two a day
        child = ChildFactory(child_id=f"O{5 - i:02d}")
        iro_allocate(child=child, iro=iro, started_on=TODAY - dt.timedelta(days=90))
        section47_start(child=child, strategy_discussion_on=TODAY - dt.timedelta(days=40 + i // 2))
    for i in range(4):  # looked after two months: the first review overdue
        looked_after(iro, f"X{i:02d}", TODAY - dt.timedelta(days=60 + i))
    for i in range(5):  # due within the month
        looked_after(iro, f"L{i:02d}", TODAY - dt.timedelta(days=10 + i * 3))
    for i in range(3):  # a plan begun this week: its review conference is months away
        child = ChildFactory(child_id=f"P{i:02d}")
        iro_allocate(child=child, iro=iro, started_on=TODAY - dt.timedelta(days=7))
        plan_record(child=child, started_on=TODAY - dt.timedelta(days=i), initial_category="EMO")
    for i in range(2):  # held, nothing due
        iro_allocate(child=ChildFactory(child_id=f"N{i:02d}"), iro=iro, started_on=TODAY)

    def in_order(rows):
        return rows.order_by("next_due", "last_name", "child_id")

    for lookup, on in (("lt", TODAY), ("lte", TODAY + dt.timedelta(days=28))):
        children = in_order(caseload_children(who="all").filter(**{f"next_due__{lookup}": on}))
        whole = [c.child_id for c in children]
        everyone = caseload_children(who="all").count()
        assert 0 < len(whole) < everyone, (lookup, whole)
        paged = EveryoneByDue(
            children,
            kept_as=f"by-{lookup}",
            of=lambda pks: in_order(children_of(pks)),
            due_by=(lookup, on),
        )
        assert len(paged) == len(whole)
        for size in (1, 2, 5, 25):
            assert _read_in_pages(paged, len(whole), size) == whole, (lookup, size)


def test_everyone_in_an_area_is_paged_by_the_dates_indexes_with_the_same_order(iro):
    """ "Everyone" filtered to an area, soonest first: the area's own dates, and the other
    area's dates of children who have one of its (a child looked after and on a plan is
    in both, placed by their earliest date of either), counted from them and paged as the
    whole filtered sort pages it; with the overdue filter too."""
    from protection.services import plan_record, section47_start
    from worklists.selectors import (
        LOOKED_AFTER,
        PROTECTION,
        EveryoneByDue,
        caseload_children,
        children_of,
        in_area,
    )

    for i in range(6):  # looked after, two entering care a day
        looked_after(iro, f"L{5 - i:02d}", TODAY - dt.timedelta(days=10 + i // 2))
    for i in range(4):  # on a plan only
        child = ChildFactory(child_id=f"P{i:02d}")
        iro_allocate(child=child, iro=iro, started_on=TODAY - dt.timedelta(days=200))
        plan_record(
            child=child, started_on=TODAY - dt.timedelta(days=80 + i * 9), initial_category="EMO"
        )
    for i in range(3):  # looked after and on a plan whose review comes first, or after
        child = looked_after(iro, f"B{i:02d}", TODAY - dt.timedelta(days=5 + i))
        plan_record(
            child=child, started_on=TODAY - dt.timedelta(days=85 - i * 40), initial_category="EMO"
        )
    for i in range(3):  # awaiting an initial conference, held
        child = ChildFactory(child_id=f"S{i:02d}")
        iro_allocate(child=child, iro=iro, started_on=TODAY - dt.timedelta(days=20))
        section47_start(child=child, strategy_discussion_on=TODAY - dt.timedelta(days=i * 9))
    both = looked_after(iro, "LS", TODAY - dt.timedelta(days=3))  # and awaiting a conference
    section47_start(child=both, strategy_discussion_on=TODAY - dt.timedelta(days=25))
    for i in range(2):  # held, nothing due
        iro_allocate(child=ChildFactory(child_id=f"N{i:02d}"), iro=iro, started_on=TODAY)

    def in_order(rows):
        return rows.order_by("next_due", "last_name", "child_id")

    everyone = caseload_children(who="all")
    for area in (LOOKED_AFTER, PROTECTION):
        for due_by in (None, ("lt", TODAY)):
            children = everyone.filter(in_area(area))
            if due_by:
                children = children.filter(next_due__lt=due_by[1])
            whole = [c.child_id for c in in_order(children)]
            assert 0 < len(whole) < everyone.count(), (area, due_by, whole)
            paged = EveryoneByDue(
                in_order(children),
                kept_as=f"area-{area}",
                of=lambda pks: in_order(children_of(pks)),
                due_by=due_by,
                area=area,
            )
            assert len(paged) == len(whole), (area, due_by)
            for size in (1, 2, 5, 25):
                assert _read_in_pages(paged, len(whole), size) == whole, (area, due_by, size)
    assert {"B00", "B01", "B02", "LS"} <= {
        c.child_id for c in everyone.filter(in_area(LOOKED_AFTER)).filter(in_area(PROTECTION))
    }


def test_everyone_by_name_is_paged_by_the_name_index_with_restricted_records_where_their_mask_sorts(
    iro, head_of_service
):
    """By name either way, "Everyone" reads pages by the name index (EveryoneByName) and
    gives the pages the whole sort gives: names shared (in child ID order), a restricted
    record hidden from the reader sorted as "Restricted record" among a child truly so
    named (with no first name, and with one), children not on the list left out."""
    from django.db.models import Case, F, Value, When

    from iro.rules import RESTRICTED_RECORD
    from iro.selectors import restricted_hidden_from
    from iro.services import child_restriction_set
    from worklists.selectors import EveryoneByName, caseload_children, children_of

    names = [
        ("Adams", "Bea"), ("Adams", "Bea"), ("Adams", "Al"), ("Quinn", "Zoe"),
        ("Restricted record", ""), ("Restricted record", "Anna"), ("Rex", "Tom"),
        ("Smith", "Jo"), ("Smith", "Jo"), ("Zed", "Amy"), ("Price", "Hid"), ("Young", "Hid"),
    ]  # fmt: skip
    made = []
    for n, (last, first) in enumerate(names):
        child = looked_after(iro, f"N{len(names) - n:02d}", TODAY - dt.timedelta(days=5))
        child.last_name, child.first_name = last, first
        child.save()
        made.append(child)
    for child in made[-2:]:  # held by `iro`, so hidden from another IRO
        child_restriction_set(child=child, restricted=True, reason="Staff", by=head_of_service)
    ChildFactory(child_id="OFF", last_name="Aaron")  # neither held nor needing an IRO
    reader = another_iros_children(0).user
    hidden = restricted_hidden_from(reader).values("pk")
    assert hidden.count() == 2

    for descending in (False, True):
        way = "-" if descending else ""

        def in_order(rows, way=way):
            return rows.annotate(
                name_shown=Case(
                    When(pk__in=hidden, then=Value(RESTRICTED_RECORD)), default=F("last_name")
                ),
                first_name_shown=Case(When(pk__in=hidden, then=Value("")), default=F("first_name")),
            ).order_by(f"{way}name_shown", f"{way}first_name_shown", "name_shown", "child_id")

        children = in_order(caseload_children(who="all"))
        whole = [c.child_id for c in children]
        assert "OFF" not in whole and len(whole) == len(names)
        paged = EveryoneByName(
            children,
            kept_as="by-name",
            hidden=hidden,
            descending=descending,
            of=lambda pks, in_order=in_order: in_order(children_of(pks)),
        )
        assert len(paged) == len(whole)
        for size in (1, 2, 3, 5, 25):
            assert _read_in_pages(paged, len(whole), size) == whole, (descending, size)


def test_everyone_by_name_reads_its_first_run_by_the_name_index_in_its_order(iro):
    """The plan walks `child_by_name` in the list's order, so a page costs its rows, not a
    sort of the unit (seq scans and sorts priced out, as a big unit prices them)."""
    from iro.models import Child
    from worklists.selectors import EveryoneByName

    looked_after(iro, "A1", D(2025, 3, 3))
    hidden = Child.objects.filter(restricted=True).values("pk")
    for descending in (False, True):
        paged = EveryoneByName(
            Child.objects.none(), kept_as="plan", hidden=hidden, descending=descending, of=None
        )
        sql, params = paged.parts()[0][:25].query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute(f"EXPLAIN {sql}", params)
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row) for row in cursor.fetchall())
        assert "child_by_name" in plan, plan
        if connection.vendor == "postgresql" and not descending:
            assert "Sort" not in plan, plan  # read in the index's order, nothing sorted
