"""Single sign-on: a person signs in with their council account (OpenID Connect) and
lands in the Oversight account with their email address; nothing else gets in."""

import datetime as dt
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user

from core.sso import BACKEND, NO_ACCOUNT

pytestmark = pytest.mark.django_db

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
IDP = "https://login.idp.example/tenant"


@pytest.fixture(autouse=True)
def council_idp(settings):
    settings.OIDC_RP_CLIENT_ID = "oversight"
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{IDP}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{IDP}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{IDP}/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_IDP_SIGN_KEY = PUBLIC_PEM
    settings.AUTHENTICATION_BACKENDS = [BACKEND, *settings.AUTHENTICATION_BACKENDS]
    settings.OVERSIGHT_MFA_REQUIRED = True


def id_token(nonce, *, audience="oversight", key=KEY):
    now = dt.datetime.now(dt.UTC)
    claims = {"iss": IDP, "sub": "abc", "aud": audience, "nonce": nonce}
    claims |= {"iat": now, "exp": now + dt.timedelta(minutes=5)}
    return jwt.encode(claims, key, algorithm="RS256")


def sign_in_at_the_idp(client, *, email, audience="oversight", key=KEY):
    """Start at Oversight, 'sign in' at the provider, come back with a code."""
    start = client.get("/accounts/sso/")
    assert start.status_code == 302
    sent = urlsplit(start["Location"])
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == f"{IDP}/authorize"
    query = {k: v[0] for k, v in parse_qs(sent.query).items()}
    assert query["client_id"] == "oversight" and "code_challenge" in query

    token = mock.Mock(status_code=200)
    token.json.return_value = {
        "id_token": id_token(query["nonce"], audience=audience, key=key),
        "access_token": "access",
    }
    userinfo = mock.Mock(status_code=200, headers={"content-type": "application/json"})
    userinfo.json.return_value = {"email": email, "given_name": "Hana", "family_name": "Okafor"}
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", return_value=token) as post,
        mock.patch("mozilla_django_oidc.auth.requests.get", return_value=userinfo),
    ):
        response = client.get("/accounts/sso/callback/", {"code": "c0de", "state": query["state"]})
    if post.called:
        assert post.call_args.kwargs["data"]["code_verifier"], "PKCE"
    return response


def test_the_head_of_service_signs_in_with_their_council_account(client, head_of_service):
    head_of_service.email = "Head@Council.example"
    head_of_service.save()
    response = sign_in_at_the_idp(client, email="head@council.example")
    assert response.status_code == 302 and response["Location"] == "/"
    assert get_user(client) == head_of_service
    # The provider's multi-factor sign-in stands in for the two-step code.
    assert client.get("/").status_code == 200
    head_of_service.refresh_from_db()
    assert head_of_service.get_full_name() == "Hana Okafor"


def test_an_unknown_council_account_gets_no_account_and_is_told_why(client, head_of_service):
    response = sign_in_at_the_idp(client, email="stranger@council.example")
    assert response["Location"] == "/accounts/login/"
    assert not get_user(client).is_authenticated
    assert NO_ACCOUNT in client.get("/accounts/login/").content.decode()


def test_a_switched_off_account_cannot_sign_in_through_the_provider(client, head_of_service):
    head_of_service.email, head_of_service.is_active = "head@council.example", False
    head_of_service.save()
    sign_in_at_the_idp(client, email="head@council.example")
    assert not get_user(client).is_authenticated


def test_a_token_for_another_service_or_signed_by_another_key_is_refused(client, head_of_service):
    head_of_service.email = "head@council.example"
    head_of_service.save()
    other_service = sign_in_at_the_idp(client, email="head@council.example", audience="payroll")
    assert other_service["Location"] == "/accounts/login/"
    assert not get_user(client).is_authenticated

    forged = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sign_in_at_the_idp(client, email="head@council.example", key=forged)
    assert response.status_code in (302, 400)
    assert not get_user(client).is_authenticated


def test_a_callback_with_a_state_oversight_never_sent_is_refused(client):
    response = client.get("/accounts/sso/callback/", {"code": "c0de", "state": "forged"})
    assert response.status_code in (302, 400)
    assert not get_user(client).is_authenticated


def test_the_sign_in_page_offers_the_council_account_only_when_set_up(client, settings):
    assert "Sign in with your council account" in client.get("/accounts/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "council account" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/sso/").status_code == 404
