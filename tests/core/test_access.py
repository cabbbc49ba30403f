"""Sign-in is required everywhere, each role sees what its job needs, and no more."""

import pytest
from django.contrib.auth.models import Group

from core.roles import Role, role_permissions
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/deadlines/", "/api/deadlines/"]
PERSONAS = ["iro", "business_support", "head_of_service", "administrator"]


def user_of(request, persona):
    value = request.getfixturevalue(persona)
    return value.user if persona == "iro" else value


@pytest.mark.parametrize("url", ["/", "/deadlines/", "/admin/"])
def test_anyone_not_signed_in_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login/" in response["Location"]


@pytest.mark.parametrize("url", ["/api/deadlines/", "/api/schema/"])
def test_the_api_refuses_anyone_not_signed_in(client, url):
    assert client.get(url).status_code == 403


def test_the_sign_in_page_and_health_check_are_open(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", PAGES)
def test_each_role_can_see_the_deadlines(request, client, persona, url):
    client.force_login(user_of(request, persona))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_someone_signed_in_without_a_role_is_refused(client, no_role, url):
    client.force_login(no_role)
    response = client.get(url)
    assert response.status_code == 403
    assert b"LAC" not in response.content


@pytest.mark.parametrize("persona", ["iro", "business_support", "head_of_service"])
def test_only_administrators_use_the_django_admin(request, client, persona):
    client.force_login(user_of(request, persona))
    assert client.get("/admin/").status_code == 302


def test_administrators_use_the_django_admin(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/iro/child/").status_code == 200


def test_roles_hold_exactly_the_permissions_listed_for_them(iro):
    for role, wanted in role_permissions().items():
        group = Group.objects.get(name=Role(role).label)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == wanted


def test_an_iro_can_record_reviews_but_not_reallocate_children(iro, head_of_service):
    assert iro.user.has_perm("reviews.add_lookedafterreview")
    assert not iro.user.has_perm("iro.change_iroallocation")
    assert head_of_service.has_perm("iro.change_iroallocation")
    assert head_of_service.has_perm("core.view_unit_dashboards")
    assert not head_of_service.has_perm("reviews.add_lookedafterreview")


def test_repeated_failed_sign_ins_lock_the_account(client, iro):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "iro", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "iro", "password": "correct horse battery staple"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_sign_in_reaches_the_home_page(client, iro):
    response = client.post(
        "/accounts/login/",
        {"username": "iro", "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.status_code == 200
    assert b"What needs you today" in response.content


def test_a_change_made_in_a_request_records_who_made_it(client, administrator):
    child = ChildFactory(first_name="Sam")
    client.force_login(administrator)
    form = {
        "child_id": child.child_id,
        "first_name": "Samuel",
        "last_name": child.last_name,
        "date_of_birth": "2015-06-01",
        "sex": "F",
        "ethnicity": "WBRI",
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/iro/child/{child.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    latest = child.history.latest("history_date")
    assert latest.first_name == "Samuel"
    assert latest.history_user == administrator
    assert latest.prev_record.first_name == "Sam"
