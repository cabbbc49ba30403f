"""Through /api/v1/ each person reads the case records their pages show them, and no
more: an IRO the children they hold now and the meetings they chair; business support,
the Head of Service and administrators the unit. Each list costs the same queries
whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from returns.api.views import STARTED_FROM_AFTER_TO
from tests.api.records import TODAY, carer, case_records, import_runs
from tests.conftest import _with_role
from tests.factories import IROFactory, UserFactory

pytestmark = pytest.mark.django_db

UNIT_ROLES = ["business_support", "head_of_service", "administrator"]
CASE_LISTS = [
    "/api/v1/episodes/",
    "/api/v1/reviews/",
    "/api/v1/conferences/",
    "/api/v1/plans/",
    "/api/v1/disputes/",
]
EVERY_NEW_LIST = [*CASE_LISTS, "/api/v1/carers/", "/api/v1/import-runs/"]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def other_iro(db):
    other = IROFactory(user=UserFactory(username="other-iro"))
    _with_role(other.user, Role.IRO)
    return other


@pytest.fixture
def unit(iro, other_iro, business_support):
    """MINE1, held by the IRO; THEIRS1, held and chaired by another IRO; THEIRS2, held by
    the other IRO but its review and conference chaired by the IRO, who also raised its
    challenge."""
    case_records(held_by=iro, chair=other_iro, child_id="MINE1")
    case_records(held_by=other_iro, chair=other_iro, child_id="THEIRS1")
    case_records(held_by=other_iro, chair=iro, child_id="THEIRS2", raised_by=iro)
    carer("FC-0101")
    import_runs(uploaded_by=business_support)


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def child_ids(client, url):
    found = set()
    for row in rows(client, url):
        if "children" in row:
            found |= {c["child_id"] for c in row["children"]}
        else:
            found.add(row["child_id"])
    return found


# What an IRO reads


@pytest.mark.parametrize("url", ["/api/v1/episodes/", "/api/v1/plans/"])
def test_an_iro_reads_the_episodes_and_plans_of_the_children_they_hold_only(client, iro, unit, url):
    client.force_login(iro.user)
    assert child_ids(client, url) == {"MINE1"}


@pytest.mark.parametrize("url", ["/api/v1/reviews/", "/api/v1/conferences/"])
def test_an_iro_reads_the_meetings_of_their_children_and_those_they_chair(client, iro, unit, url):
    client.force_login(iro.user)
    assert child_ids(client, url) == {"MINE1", "THEIRS2"}


def test_an_iro_reads_the_challenges_of_their_children_and_those_they_raised(client, iro, unit):
    client.force_login(iro.user)
    assert child_ids(client, "/api/v1/disputes/") == {"MINE1", "THEIRS2"}


def test_another_iro_reads_their_own_children_and_the_first_iros_child_they_chair_for(
    client, other_iro, unit
):
    client.force_login(other_iro.user)
    assert child_ids(client, "/api/v1/plans/") == {"THEIRS1", "THEIRS2"}
    assert child_ids(client, "/api/v1/reviews/") == {"MINE1", "THEIRS1", "THEIRS2"}
    assert child_ids(client, "/api/v1/conferences/") == {"MINE1", "THEIRS1", "THEIRS2"}


def test_every_role_reads_every_foster_carer_as_on_the_carers_pages(client, request, iro, unit):
    for persona in [iro.user, *(request.getfixturevalue(p) for p in UNIT_ROLES)]:
        client.force_login(persona)
        carers = rows(client, "/api/v1/carers/")
        assert [c["reference"] for c in carers] == ["FC-0101"]
        assert [r["held_on"] for r in carers[0]["reviews"]] == ["2025-01-06"]


def test_an_iro_may_not_read_the_import_runs(client, iro, unit):
    client.force_login(iro.user)
    assert client.get("/api/v1/import-runs/").status_code == 403


# What the unit's roles read


@pytest.mark.parametrize("persona", UNIT_ROLES)
@pytest.mark.parametrize("url", CASE_LISTS)
def test_business_support_the_head_of_service_and_administrators_read_the_unit(
    client, request, unit, persona, url
):
    client.force_login(request.getfixturevalue(persona))
    assert child_ids(client, url) == {"MINE1", "THEIRS1", "THEIRS2"}


@pytest.mark.parametrize("persona", UNIT_ROLES)
def test_the_unit_roles_read_returns_uploads_and_ssd_extracts_as_one_list(
    client, request, unit, persona
):
    client.force_login(request.getfixturevalue(persona))
    runs = {row["kind"]: row for row in rows(client, "/api/v1/import-runs/")}
    assert set(runs) == {"ssda903", "ssd"}
    assert runs["ssda903"]["counts"] == {"added": 1, "changed": 0, "unchanged": 3}
    assert runs["ssd"]["counts"] == {"added": 1}


# Refusals


@pytest.mark.parametrize("url", EVERY_NEW_LIST)
def test_nobody_signed_in_reads_nothing(client, unit, url):
    response = client.get(url)
    assert response.status_code == 403
    assert "results" not in response.json()


@pytest.mark.parametrize("url", EVERY_NEW_LIST)
def test_someone_with_no_role_reads_nothing(client, no_role, unit, url):
    client.force_login(no_role)
    response = client.get(url)
    assert response.status_code == 403
    assert "results" not in response.json()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/episodes/?started_on__gte=last-monday", "started_on__gte"),
        ("/api/v1/episodes/?open=maybe", "open"),
        ("/api/v1/reviews/?status=booked", "status"),
        ("/api/v1/reviews/?due_on__lte=soon", "due_on__lte"),
        ("/api/v1/conferences/?kind=final", "kind"),
        ("/api/v1/plans/?open=yes", "open"),
        ("/api/v1/disputes/?category=other-things", "category"),
        ("/api/v1/carers/?approved=maybe", "approved"),
        ("/api/v1/import-runs/?kind=annex_a", "kind"),
        ("/api/v1/import-runs/?started_to=2025-13-01", "started_to"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(client, head_of_service, url, field):
    client.force_login(head_of_service)
    response = client.get(url)
    assert response.status_code == 400
    assert field in response.json()


def test_import_runs_started_from_after_started_to_is_a_400_saying_so(client, head_of_service):
    client.force_login(head_of_service)
    response = client.get("/api/v1/import-runs/?started_from=2025-03-31&started_to=2025-03-01")
    assert response.status_code == 400
    assert response.json()["started_from"] == [STARTED_FROM_AFTER_TO]


# Filters


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/episodes/?child_id=THEIRS1", {"THEIRS1"}),
        ("/api/v1/episodes/?open=false", set()),
        ("/api/v1/reviews/?child_id=THEIRS2&status=scheduled", {"THEIRS2"}),
        ("/api/v1/reviews/?status=held", set()),
        ("/api/v1/conferences/?child_id=MINE1&kind=initial", {"MINE1"}),
        ("/api/v1/plans/?open=true&child_id=THEIRS2", {"THEIRS2"}),
        ("/api/v1/disputes/?status=formal&child_id=MINE1", {"MINE1"}),
        ("/api/v1/disputes/?status=resolved", set()),
    ],
)
def test_filters_choose_rows_in_the_database(client, head_of_service, unit, url, expected):
    client.force_login(head_of_service)
    assert child_ids(client, url) == expected


def test_filters_narrow_an_iros_scope_never_widen_it(client, iro, unit):
    client.force_login(iro.user)
    assert child_ids(client, "/api/v1/episodes/?child_id=THEIRS1") == set()


def test_import_runs_are_filtered_by_kind(client, head_of_service, unit):
    client.force_login(head_of_service)
    assert [r["kind"] for r in rows(client, "/api/v1/import-runs/?kind=ssd")] == ["ssd"]
    assert [r["kind"] for r in rows(client, "/api/v1/import-runs/?kind=cin_census")] == []


def test_a_dispute_shows_the_stage_it_reached_and_its_response_deadline(
    client, head_of_service, unit
):
    client.force_login(head_of_service)
    (dispute,) = rows(client, "/api/v1/disputes/?child_id=MINE1")
    assert dispute["status"] == "formal"
    assert dispute["stage"]["addressee"] == "Jo Manager"
    assert dispute["stage"]["started_on"] == "2025-03-10"
    assert dispute["stage"]["response_due_on"] > "2025-03-10"
    assert dispute["stage"]["responded_on"] is None


# The cost of a page


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "url"),
    [("head_of_service", url) for url in EVERY_NEW_LIST]
    # An IRO is refused the import runs.
    + [("iro", url) for url in EVERY_NEW_LIST if url != "/api/v1/import-runs/"],
)
def test_a_page_costs_the_same_queries_for_one_row_as_for_many(
    client, request, iro, other_iro, business_support, persona, url
):
    client.force_login(iro.user if persona == "iro" else request.getfixturevalue(persona))
    case_records(held_by=iro, chair=iro, child_id="ONE1")
    carer("FC-0001")
    import_runs(uploaded_by=business_support)
    client.get(url)  # the session and the role groups are read the same way every time
    one = queries_for(client, url)
    assert len(rows(client, url)) >= 1
    for n in range(2, 7):
        case_records(held_by=iro, chair=other_iro, child_id=f"MANY{n}")
        carer(f"FC-000{n}")
        import_runs(uploaded_by=business_support)
    many = queries_for(client, url)
    assert len(rows(client, url)) >= 6
    assert many == one
