"""What every API read may answer besides its 200, for the OpenAPI document; how an
integration signs in (a scoped OAuth2 token)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from rest_framework import exceptions, serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission


class RefusalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()


# What every read may answer besides its 200: the caller is not signed in or has no role
# in the unit (403), or a query parameter is wrong (400: each parameter's messages).
REFUSALS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="A query parameter is wrong: its messages, by name"
    ),
    403: OpenApiResponse(RefusalSerializer, description="Not signed in, or no role in the unit"),
}
# A paged list also answers 404 for a page past its end.
PAGED_REFUSALS = {
    **REFUSALS,
    404: OpenApiResponse(RefusalSerializer, description="No such page"),
}


# Integrations -----------------------------------------------------------------------------
# A council's case system calls the API as an OAuth2 application (django-oauth-toolkit,
# the client-credentials grant: POST /o/token/ with its client ID and secret). Each
# application is owned by a service account, whose role bounds what it reads exactly as a
# person's does; its token's scopes bound what it may do: "read" for GETs, "write" for
# anything else (the scopes are settings.OAUTH2_PROVIDER's).
READ_SCOPE = "read"
WRITE_SCOPE = "write"


class IntegrationTokenAuthentication(OAuth2Authentication):  # type: ignore[misc]
    """A bearer token is its application's: a client-credentials token has no user of its
    own, so the call is the owning service account's (refused if it has none or is
    switched off)."""

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        # Only a bearer token is an integration's: anything else is left to the session.
        if not request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return None
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        if user is None:
            user = token.application.user if token.application_id else None
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(NO_SERVICE_ACCOUNT)
        return user, token


NO_SERVICE_ACCOUNT = "The application has no active service account: ask an administrator"


class IntegrationTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The OpenAPI document's description of the integrations' tokens."""

    target_class = "core.api.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/o/token/",
                    "scopes": settings.OAUTH2_PROVIDER["SCOPES"],
                }
            },
        }


def token_scope_problem(request) -> str | None:  # type: ignore[no-untyped-def]
    """Why a call made with a token its scopes do not allow is refused, or None (a call
    signed in through a browser session has no token and no scopes to check)."""
    token = getattr(request, "auth", None)
    if not isinstance(token, AccessToken):
        return None
    needed = READ_SCOPE if request.method in SAFE_METHODS else WRITE_SCOPE
    return None if token.allow_scopes([needed]) else f"The token's scopes do not include {needed!r}"


# Writes -------------------------------------------------------------------------------------
# Only integrations write through the API, with a token carrying the "write" scope: people
# record through the pages.
SESSIONS_CANNOT_WRITE = (
    "Only an integration's token with the 'write' scope may write: record it in Oversight"
)
ERRORS_BY_FIELD = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused, nothing saved: each field's messages, by name (those of the forms)",
)
WRITE_REFUSALS = {
    400: ERRORS_BY_FIELD,
    403: OpenApiResponse(
        RefusalSerializer,
        description="Not an integration's token with the write scope, or its service account "
        "may not do this",
    ),
}


class IntegrationWrites(BasePermission):
    """A write through the API: an integration's bearer token with the "write" scope,
    whose service account holds one of the unit's roles (what it may do is then asked of
    the account, as of a person)."""

    message = SESSIONS_CANNOT_WRITE

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        from core.roles import user_roles

        token = getattr(request, "auth", None)
        if not isinstance(token, AccessToken) or not token.allow_scopes([WRITE_SCOPE]):
            return False
        return bool(user_roles(request.user))
