"""Integrations sign in with a scoped OAuth2 token (the client-credentials grant): each
application is owned by a service account whose role bounds what it reads, exactly as a
person's does; "read" allows GETs only; every call is an audited read."""

import base64
import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from core.api import NO_SERVICE_ACCOUNT
from core.models import AccessEvent, AccessKind
from core.roles import Role
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "a-client-secret-of-some-length-0123456789"


@pytest.fixture
def service_account(db):
    user = UserFactory(username="casesystem")
    user.groups.add(Group.objects.get(name=Role.BUSINESS_SUPPORT.label))
    return user


def application(user, client_id="case-system"):
    return Application.objects.create(
        name="The council's case system",
        client_id=client_id,
        client_secret=SECRET,  # kept hashed
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        user=user,
    )


def token_for(client, app, scope="read"):
    basic = base64.b64encode(f"{app.client_id}:{SECRET}".encode()).decode()
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_reads_what_its_service_account_may_and_each_call_is_audited(
    client, service_account
):
    ChildFactory(child_id="C1")
    app = application(service_account)
    assert app.client_secret != SECRET, "the secret is not kept as given"
    token = token_for(client, app)
    assert token not in {t.token for t in AccessToken.objects.all()}, "kept hashed"

    response = client.get("/api/v1/children/", **bearer(token))
    assert response.status_code == 200
    assert [c["child_id"] for c in response.json()["results"]] == ["C1"]
    (event,) = AccessEvent.objects.filter(kind=AccessKind.API)
    assert event.username == "casesystem" and event.path == "/api/v1/children/"


def test_no_token_a_wrong_one_or_an_expired_one_reads_nothing(client, service_account):
    ChildFactory(child_id="C1")
    token = token_for(client, application(service_account))
    assert client.get("/api/v1/children/").status_code == 403
    assert client.get("/api/v1/children/", **bearer("not-a-token")).status_code == 403
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/children/", **bearer(token)).status_code == 403
    assert not AccessEvent.objects.exists()


def test_a_wrong_secret_gets_no_token(client, service_account):
    app = application(service_account)
    basic = base64.b64encode(f"{app.client_id}:wrong".encode()).decode()
    response = client.post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 401
    assert "access_token" not in response.json()


def test_an_application_with_no_service_account_reads_nothing(client):
    token = token_for(client, application(None))
    response = client.get("/api/v1/children/", **bearer(token))
    assert response.status_code == 403
    assert response.json()["detail"] == NO_SERVICE_ACCOUNT


def test_a_service_account_with_no_role_reads_nothing(client):
    token = token_for(client, application(UserFactory(username="norole-app")))
    assert client.get("/api/v1/children/", **bearer(token)).status_code == 403


def test_a_token_without_the_read_scope_cannot_read(client, service_account):
    token = token_for(client, application(service_account), scope="write")
    response = client.get("/api/v1/children/", **bearer(token))
    assert response.status_code == 403
    assert "read" in response.json()["detail"]


def test_a_revoked_token_reads_nothing(client, service_account):
    app = application(service_account)
    token = token_for(client, app)
    basic = base64.b64encode(f"{app.client_id}:{SECRET}".encode()).decode()
    revoked = client.post("/o/revoke-token/", {"token": token}, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert revoked.status_code == 200
    assert client.get("/api/v1/children/", **bearer(token)).status_code == 403
