"""Response headers every page carries (docs/adr/0009-hardening.md).

Static files never reach these: WhiteNoise answers them earlier in MIDDLEWARE.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Oversight uses none of these browser features; a page can't be tricked into asking for them.
# Security keys (WebAuthn) are asked for by Oversight's own pages only, never a frame's.
PERMISSIONS_POLICY = ", ".join(
    [
        "publickey-credentials-get=(self)",
        "publickey-credentials-create=(self)",
    ]
    + [
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "autoplay",
            "camera",
            "display-capture",
            "fullscreen",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "picture-in-picture",
            "screen-wake-lock",
            "usb",
            "xr-spatial-tracking",
        )
    ]
)


class BeforeViewMiddleware:
    """A middleware that acts only before the view: a subclass defines `process_view`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in user may hold a child's details: keep it out of
    browser and proxy caches (a shared council PC's back button, a disk cache), unless the
    view chose its own Cache-Control."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
