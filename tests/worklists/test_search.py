"""The header's search finds a child by name, council child ID or UPN, for every role."""

import datetime as dt

import pytest

from core.services import today
from iro.services import iro_allocate
from tests.factories import ChildFactory
from worklists.views.search import SEARCH_TOO_SHORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(iro):
    amy = ChildFactory(child_id="C100", first_name="Amy", last_name="Smith", upn="B801200005001")
    iro_allocate(child=amy, iro=iro, started_on=today() - dt.timedelta(days=10))
    ChildFactory(child_id="C200", first_name="Amir", last_name="Jones")  # no IRO
    ChildFactory(child_id="C300", first_name="Zed", last_name="Smithson")
    return amy


def found(response):
    return [c.child_id for c in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("q", "ids"),
    [
        ("smith", ["C100", "C300"]),
        ("amy smith", ["C100"]),
        ("c200", ["C200"]),
        ("b801200005001", ["C100"]),
        ("nobody", []),
    ],
)
def test_a_child_is_found_by_name_council_child_id_or_upn(client, children, iro, q, ids):
    client.force_login(iro.user)
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert found(response) == ids


def test_every_role_finds_children_held_by_anyone_or_no_one(client, children, business_support):
    client.force_login(business_support)
    body = client.get("/search/", {"q": "am"}).content.decode()
    assert "Ada Reviewer" in body
    assert "Not allocated" in body


def test_a_search_too_short_is_refused_with_a_message(client, children, iro):
    client.force_login(iro.user)
    response = client.get("/search/", {"q": "a"})
    assert response.status_code == 400
    assert SEARCH_TOO_SHORT in response.content.decode()
    assert 'href="#search-q"' in response.content.decode()


def test_results_are_paged_and_the_next_page_keeps_the_search(client, iro):
    ChildFactory.create_batch(30, last_name="Paged")
    client.force_login(iro.user)
    first = client.get("/search/", {"q": "paged"})
    assert len(found(first)) == 25
    assert "?q=paged&amp;page=2" in first.content.decode()
    assert len(found(client.get("/search/", {"q": "paged", "page": 2}))) == 5


def test_hostile_text_in_the_search_is_shown_as_text(client, children, iro):
    client.force_login(iro.user)
    body = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


@pytest.mark.parametrize("size", [2, 40])
def test_the_search_runs_a_fixed_number_of_queries(
    client, iro, size, django_assert_max_num_queries
):
    ChildFactory.create_batch(size, last_name="Many")
    client.force_login(iro.user)
    with django_assert_max_num_queries(11):  # with the read audit's insert
        assert client.get("/search/", {"q": "many"}).status_code == 200


def test_the_header_has_the_search_box_on_every_page(client, iro):
    client.force_login(iro.user)
    body = client.get("/").content.decode()
    assert 'action="/search/"' in body
    assert 'id="header-search"' in body
