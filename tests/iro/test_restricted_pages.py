"""Restricted records on every page of the record, not only those addressed by the
child's ID: a review's, a conference's, a challenge's, an invitation's, a decision's,
a contact's or an episode's page is the child's record too. Someone who may not open
the child unasked is sent to the page that asks why, then back; the child's IRO and
managers open it as before; with a reason it opens and is audited with the reason."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.urls import resolve
from django.utils import timezone

from core.models import AccessEvent
from core.roles import Role
from core.services import today
from iro.models import Child, IROAllocation
from iro.restricted import child_lookups
from iro.services import child_restriction_set, iro_allocate
from protection.services import conference_book, section47_start
from tests.core.test_every_url import PAGES, url_for
from tests.factories import ChildFactory, IROFactory, UserFactory

pytestmark = pytest.mark.django_db

# The areas whose numbered records are a child's; fostering's (a carer household and
# its reviews) and the imports' are not any one child's record.
CHILDS_AREAS = {"reviews", "protection", "disputes"}


def _numbers(name: str) -> set[str]:
    """The keywords of a page's address that number a record (`pk`, `review_pk`...)."""
    return {key for key in PAGES[name][1] if key == "pk" or key.endswith("_pk")}


def _numbered(name: str) -> bool:
    return name.split(":")[0] in CHILDS_AREAS and bool(_numbers(name))


NUMBERED_PAGES = sorted(name for name in PAGES if _numbered(name))
REASON = "Covering the IRO's leave"


@pytest.fixture
def other_iro(db):
    profile = IROFactory(user=UserFactory(username="other-iro"))
    profile.user.groups.add(Group.objects.get(name=Role.IRO.label))
    return profile


@pytest.fixture
def restricted_world(world, iro, head_of_service):
    """The every-URL world with each of its children restricted and held by `iro`."""
    held = set(
        IROAllocation.objects.filter(ended_on__isnull=True, iro=iro).values_list(
            "child_id", flat=True
        )
    )
    for child in Child.objects.all():
        if child.pk not in held:
            iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=1))
        child_restriction_set(
            child=child, restricted=True, reason="A member of staff's child", by=head_of_service
        )
    return world


def _asked_why(response) -> str | None:
    """The child ID whose restricted page the response sends to, or None."""
    if response.status_code != 302:
        return None
    location = urlsplit(response["Location"])
    match = resolve(location.path)
    return match.kwargs["child_id"] if match.view_name == "children:restricted" else None


def test_every_page_numbered_by_a_childs_record_says_how_to_find_the_child():
    unknown = {
        name: _numbers(name) - set(child_lookups(name, name.split(":")[0]))
        for name in NUMBERED_PAGES
    }
    assert {name: keys for name, keys in unknown.items() if keys} == {}


@pytest.mark.parametrize("name", NUMBERED_PAGES)
def test_a_restricted_childs_numbered_page_asks_anyone_else_why_then_sends_them_back(
    client, restricted_world, other_iro, business_support, name
):
    url = url_for(name, restricted_world)
    for user in (other_iro.user, business_support):
        client.force_login(user)
        asked = client.get(url)
        child_id = _asked_why(asked)
        assert child_id is not None, (user.username, asked.status_code)
        assert Child.objects.get(child_id=child_id).restricted
        assert parse_qs(urlsplit(asked["Location"]).query)["next"] == [url]


@pytest.mark.parametrize("name", NUMBERED_PAGES)
def test_a_restricted_childs_numbered_page_opens_unasked_for_the_childs_iro_and_the_head_of_service(
    client, restricted_world, iro, head_of_service, name
):
    allowed, _ = PAGES[name]
    url = url_for(name, restricted_world)
    for persona, user in (("iro", iro.user), ("head_of_service", head_of_service)):
        client.force_login(user)
        opened = client.get(url)
        assert _asked_why(opened) is None, persona
        if persona in allowed:
            assert opened.status_code == 200, persona


@pytest.mark.parametrize("name", NUMBERED_PAGES)
def test_a_restricted_childs_numbered_page_opens_with_a_reason_and_is_audited_with_it(
    client, restricted_world, business_support, name
):
    allowed, _ = PAGES[name]
    url = url_for(name, restricted_world)
    client.force_login(business_support)
    asked = []
    for _ in range(5):  # a conference asks for each of its restricted children in turn
        response = client.get(url)
        child_id = _asked_why(response)
        if child_id is None:
            break
        asked.append(child_id)
        client.post(f"/children/{child_id}/restricted/", {"reason": REASON})
    assert asked, "asked why at least once"
    assert response.status_code == (200 if "business_support" in allowed else 403)
    if response.status_code == 200:
        events = AccessEvent.objects.filter(username=business_support.username, url_name=name)
        assert {e.child_ref for e in events} == set(asked)
        assert {e.reason for e in events} == {REASON}


def test_a_conference_asks_for_each_restricted_child_it_covers_and_audits_each_reason(
    client, iro, business_support, head_of_service
):
    first, second, open_child = (
        ChildFactory(child_id=child_id) for child_id in ("RC1", "RC2", "RC3")
    )
    for child in (first, second, open_child):
        section47_start(child=child, strategy_discussion_on=today() - dt.timedelta(days=2))
    for child in (first, second):
        child_restriction_set(child=child, restricted=True, reason="Sealed", by=head_of_service)
    conference = conference_book(
        kind="initial",
        children=[first, second, open_child],
        scheduled_for=timezone.now() + dt.timedelta(days=5),
        venue="Civic Centre",
        chair=iro,
    )
    url = f"/protection/conferences/{conference.pk}/"
    client.force_login(business_support)

    assert _asked_why(client.get(url)) == "RC1"
    client.post("/children/RC1/restricted/", {"reason": "Booking for RC1"})
    assert _asked_why(client.get(url)) == "RC2", "the next restricted child is asked for"
    client.post("/children/RC2/restricted/", {"reason": "Booking for RC2"})
    assert client.get(url).status_code == 200

    events = AccessEvent.objects.filter(username=business_support.username, path=url)
    assert {(e.child_ref, e.reason) for e in events} == {
        ("RC1", "Booking for RC1"),
        ("RC2", "Booking for RC2"),
    }


def test_a_numbered_page_of_an_unrestricted_child_asks_nobody_why(client, world, business_support):
    client.force_login(business_support)
    assert client.get(f"/protection/conferences/{world['conference']}/").status_code == 200


def test_a_numbered_page_asks_in_one_query_and_none_for_a_manager(
    client, restricted_world, business_support, head_of_service, django_assert_max_num_queries
):
    from django.test import RequestFactory

    from iro.restricted import RestrictedChildMiddleware

    url = url_for("protection:conference", restricted_world)
    request = RequestFactory().get(url)
    request.session = {}
    request.resolver_match = resolve(url)
    middleware = RestrictedChildMiddleware(lambda r: None)
    request.user = business_support
    with django_assert_max_num_queries(2):  # the user's roles, then the children named
        assert middleware.process_view(request, None, (), request.resolver_match.kwargs)
    request.user = head_of_service
    with django_assert_max_num_queries(1):  # the user's roles only
        assert middleware.process_view(request, None, (), request.resolver_match.kwargs) is None


@pytest.mark.parametrize("path", ["/protection/conferences/book/?child=W1", "/schedule/?child=W1"])
def test_a_page_naming_a_restricted_child_in_its_query_asks_why_first(
    client, restricted_world, business_support, other_iro, path
):
    for person in (business_support, other_iro.user):
        client.force_login(person)
        assert _asked_why(client.get(path)) == "W1"


def test_a_page_naming_a_restricted_child_in_its_query_opens_for_the_childs_iro(
    client, restricted_world, iro
):
    client.force_login(iro.user)
    assert client.get("/schedule/?child=W1").status_code == 200
