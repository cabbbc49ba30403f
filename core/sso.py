"""Single sign-on with the council's identity provider over OpenID Connect (Microsoft
Entra ID, or any OpenID provider), through mozilla-django-oidc.

On when `OIDC_RP_CLIENT_ID` is set (the README's Configuration lists the rest). A person
signs in with their council account and lands in the Oversight account whose email
address matches (case aside); Oversight never makes an account from a sign-in unless
`OVERSIGHT_SSO_CREATE_USERS` is on, because an account's role is given by an
administrator. The identity provider's own multi-factor sign-in stands in for
Oversight's two-step code (`OVERSIGHT_SSO_COUNTS_AS_SECOND_FACTOR`, on by default).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from core.backends import signed_in_user
from core.models import User

logger = logging.getLogger(__name__)

BACKEND = "core.sso.CouncilAccountBackend"
NO_ACCOUNT = (
    "Your council account has no Oversight account yet, or it is switched off. "
    "Ask an administrator to add one with your email address"
)


def sso_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def signed_in_through_sso(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND


class CouncilAccountBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Matches the provider's verified email address to an active Oversight account."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = (claims.get("email") or claims.get("preferred_username") or "").strip()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any] | None:
        """The library checks the signature and the nonce; the token must also be
        meant for Oversight (its audience), not for another of the council's services.
        A token that fails is no sign-in (the callback says so), never a server error."""
        try:
            payload = super().verify_token(token, **kwargs)
        except SuspiciousOperation as refused:
            logger.warning("Single sign-on refused an ID token: %s", refused)
            return None
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            logger.warning("Single sign-on refused an ID token meant for another service")
            return None
        return payload  # type: ignore[no-any-return]

    def get_user(self, user_id: Any) -> User | None:
        return signed_in_user(user_id)  # type: ignore[no-any-return]

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email") or claims.get("preferred_username"))

    def create_user(self, claims: dict[str, Any]) -> User:
        user = super().create_user(claims)
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        """The provider's names win: it is where the council keeps them."""
        first, last = claims.get("given_name", ""), claims.get("family_name", "")
        if (first or last) and (user.first_name, user.last_name) != (first, last):
            user.first_name, user.last_name = first[:150], last[:150]
            user.save(update_fields=["first_name", "last_name"])
        return user


class _Start(OIDCAuthenticationRequestView):  # type: ignore[misc]
    pass


class _Callback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    def login_failure(self) -> HttpResponse:
        messages.error(self.request, NO_ACCOUNT)
        return super().login_failure()  # type: ignore[no-any-return]


def _only_when_enabled(view: Any) -> Any:
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not set up")
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return login_not_required(guarded)


sso_start = _only_when_enabled(lambda request: _Start.as_view()(request))
sso_callback = _only_when_enabled(lambda request: _Callback.as_view()(request))
