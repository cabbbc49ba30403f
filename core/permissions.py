"""Who may see what: each view names the roles it serves."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from core.roles import Role, user_roles

ANY_ROLE = tuple(Role)


def role_required(*roles: Role):
    """Refuse (403) anyone signed in who holds none of `roles`."""
    allowed = {r.value for r in (roles or ANY_ROLE)}

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_roles(request.user) & allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_perm(request, perm: str) -> None:
    """Refuse (403) a person whose role does not hold a model permission."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


class HasUnitRole(BasePermission):
    """API access for anyone holding one of the unit's roles."""

    def has_permission(self, request, view):
        return bool(user_roles(request.user))
