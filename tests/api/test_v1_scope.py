"""Through /api/v1/ each person reads only the scope their pages show them."""

import datetime as dt

import pytest

from core.roles import Role
from iro.services import iro_allocate
from reviews.services import episode_record
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2025, 3, 31, 9, 0, tzinfo=dt.UTC), tick=False)


def looked_after(iro, child_id):
    child = ChildFactory(child_id=child_id)
    iro_allocate(child=child, iro=iro, started_on=dt.date(2025, 1, 6))
    episode_record(
        child=child,
        started_on=dt.date(2025, 1, 6),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    return child


@pytest.fixture
def two_caseloads(iro):
    other = IROFactory(user=UserFactory())
    _with_role(other.user, Role.IRO)
    looked_after(iro, "MINE1")
    looked_after(other, "THEIRS1")


def child_ids(client, url="/api/v1/children/"):
    response = client.get(url)
    assert response.status_code == 200
    return {row["child_id"] for row in response.json()["results"]}


def deadline_children(client):
    response = client.get("/api/v1/deadlines/")
    assert response.status_code == 200
    return {row.get("child") for row in response.json()["results"]}


def test_an_iro_reads_their_own_children_and_not_another_iros(client, iro, two_caseloads):
    client.force_login(iro.user)
    assert child_ids(client) == {"MINE1"}


def test_an_iro_reads_only_their_own_childrens_deadlines(client, iro, two_caseloads):
    client.force_login(iro.user)
    children = deadline_children(client)
    assert children and all("MINE1" in c for c in children)


@pytest.mark.parametrize("persona", ["business_support", "head_of_service"])
def test_business_support_and_the_head_of_service_read_the_unit(
    client, request, persona, two_caseloads
):
    client.force_login(request.getfixturevalue(persona))
    assert child_ids(client) == {"MINE1", "THEIRS1"}
    children = deadline_children(client)
    assert any("MINE1" in c for c in children) and any("THEIRS1" in c for c in children)


def test_children_are_filtered_in_the_database(client, head_of_service, two_caseloads):
    client.force_login(head_of_service)
    assert child_ids(client, "/api/v1/children/?child_id=THEIRS1") == {"THEIRS1"}


@pytest.mark.parametrize("url", ["/api/v1/children/", "/api/v1/deadlines/"])
def test_nobody_signed_in_reads_nothing(client, url, two_caseloads):
    response = client.get(url)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


@pytest.mark.parametrize("url", ["/api/v1/children/", "/api/v1/deadlines/"])
def test_someone_with_no_role_reads_nothing(client, no_role, url, two_caseloads):
    client.force_login(no_role)
    assert client.get(url).status_code == 403


def test_a_bad_within_is_a_400_naming_the_field(client, head_of_service):
    client.force_login(head_of_service)
    response = client.get("/api/v1/deadlines/?within=-1")
    assert response.status_code == 400
    assert "within" in response.json()


def test_a_caller_over_the_rate_is_refused_with_429(client, head_of_service):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    UserRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "2/minute"}
    try:
        client.force_login(head_of_service)
        statuses = [client.get("/api/v1/children/").status_code for _ in range(3)]
    finally:
        UserRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert statuses == [200, 200, 429]


def test_the_old_unpaged_deadlines_list_shows_an_iro_only_their_own_children(
    client, iro, two_caseloads
):
    client.force_login(iro.user)
    response = client.get("/api/deadlines/")
    assert response.status_code == 200
    children = {row.get("child") for row in response.json()}
    assert children and all("MINE1" in c for c in children)
    assert not any("THEIRS1" in c for c in children)


def test_the_old_unpaged_deadlines_list_shows_the_head_of_service_the_unit(
    client, head_of_service, two_caseloads
):
    client.force_login(head_of_service)
    children = {row.get("child") for row in client.get("/api/deadlines/").json()}
    assert any("MINE1" in c for c in children) and any("THEIRS1" in c for c in children)
