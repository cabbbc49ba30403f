"""/api/v1/outbox/ lists the events after a cursor, oldest first, in the caller's scope:
an IRO the events of the children they hold (and those about no child), the unit's roles
the unit's, restricted children's only to managers; an integration with a read token
polls it; every poll is an audited read."""

import datetime as dt

import pytest

from core.models import AccessEvent, AccessKind, OutboxKind
from core.outbox import outbox_event_emit
from iro.services import iro_allocate
from tests.api.test_integration_tokens import application, bearer, token_for
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/outbox/"


def event(key, child_ref=""):
    return outbox_event_emit(
        kind=OutboxKind.DEADLINE_OVERDUE,
        key=key,
        subject_type="reviews.periodofcare" if child_ref else "fostering.fostercarerhousehold",
        subject_pk=1,
        child_ref=child_ref,
        payload={"deadline": "lac_review", "due_on": dt.date(2025, 3, 1)},
    )


@pytest.fixture
def events(iro):
    """MINE1 held by the IRO; THEIRS1 by another IRO; SEALED1 restricted, held by the
    other IRO; and a foster carer's review, about no child."""
    from core.roles import Role

    other = IROFactory(user=UserFactory(username="other-iro"))
    _with_role(other.user, Role.IRO)
    for child_id, holder, restricted in [
        ("MINE1", iro, False),
        ("THEIRS1", other, False),
        ("SEALED1", other, True),
    ]:
        child = ChildFactory(child_id=child_id, restricted=restricted)
        iro_allocate(child=child, iro=holder, started_on=dt.date(2025, 1, 6))
    return [event("a", "MINE1"), event("b", "THEIRS1"), event("c", "SEALED1"), event("d")]


def listed(client, url=URL, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def keys(body, events):
    by_id = {e.pk: e.key for e in events}
    return [by_id[row["id"]] for row in body["results"]]


def test_an_iro_polls_the_events_of_the_children_they_hold_and_those_about_no_child(
    client, iro, events
):
    client.force_login(iro.user)

    assert keys(listed(client), events) == ["a", "d"]


def test_business_support_polls_the_unit_but_not_restricted_children(
    client, business_support, events
):
    client.force_login(business_support)

    assert keys(listed(client), events) == ["a", "b", "d"]


@pytest.mark.parametrize("persona", ["head_of_service", "administrator"])
def test_managers_poll_every_event_restricted_children_too(client, request, persona, events):
    client.force_login(request.getfixturevalue(persona))

    assert keys(listed(client), events) == ["a", "b", "c", "d"]


def test_a_poll_reads_on_from_its_cursor_a_page_at_a_time(client, head_of_service, events):
    client.force_login(head_of_service)

    first = listed(client, f"{URL}?limit=2")
    assert keys(first, events) == ["a", "b"]
    assert first["more"] is True and first["last_id"] == events[1].pk
    second = listed(client, first["next"])
    assert keys(second, events) == ["c", "d"]
    third = listed(client, second["next"])
    assert third["results"] == [] and third["more"] is False
    assert third["last_id"] == events[3].pk, "an empty page keeps the cursor where it was"


def test_an_event_lists_ids_dates_and_codes(client, head_of_service, events):
    client.force_login(head_of_service)

    row = listed(client)["results"][0]
    assert row == {
        "id": events[0].pk,
        "kind": "deadline.overdue",
        "occurred_at": row["occurred_at"],
        "child_id": "MINE1",
        "subject_type": "reviews.periodofcare",
        "subject_id": 1,
        "payload": {"deadline": "lac_review", "due_on": "2025-03-01"},
    }
    assert listed(client)["results"][3]["child_id"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after=-1", "after"),
        ("after=x", "after"),
        ("after=" + "9" * 30, "after"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_400_naming_it(client, head_of_service, query, field):
    client.force_login(head_of_service)

    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_nobody_signed_in_and_someone_with_no_role_read_nothing(client, no_role, events):
    assert client.get(URL).status_code == 403
    client.force_login(no_role)
    assert client.get(URL).status_code == 403


def test_an_integration_polls_with_a_read_token_and_each_poll_is_audited(client, events):
    from django.contrib.auth.models import Group

    from core.roles import Role

    account = UserFactory(username="casesystem")
    account.groups.add(Group.objects.get(name=Role.BUSINESS_SUPPORT.label))
    app = application(account)

    read = token_for(client, app, scope="read")
    assert keys(listed(client, **bearer(read)), events) == ["a", "b", "d"]
    (audit,) = AccessEvent.objects.filter(kind=AccessKind.API)
    assert audit.username == "casesystem" and audit.path == URL

    write_only = token_for(client, app, scope="write")
    assert client.get(URL, **bearer(write_only)).status_code == 403
