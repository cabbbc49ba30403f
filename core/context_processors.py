from django.http import HttpRequest

from core.roles import user_roles
from core.timescales import Timescales, default_timescales


def roles(request: HttpRequest) -> dict[str, set[str]]:
    return {"user_roles": user_roles(request.user) if hasattr(request, "user") else set()}


def timescales(request: HttpRequest) -> dict[str, Timescales]:
    """The council's timescales, so pages say "20 working days" from the setting."""
    return {"timescales": default_timescales()}


def session_timeout(request: HttpRequest) -> dict[str, int]:
    """When a signed-in page's session ends and when to warn (the timeout warning)."""
    from django.conf import settings

    return {
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.OVERSIGHT_TIMEOUT_WARNING_SECONDS,
    }
