"""Who may see what: each view names the roles it serves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.roles import Role, user_roles

ANY_ROLE = tuple(Role)

_P = ParamSpec("_P")
_R = TypeVar("_R")
_View = Callable[Concatenate[HttpRequest, _P], _R]


def role_required(*roles: Role) -> Callable[[_View[_P, _R]], _View[_P, _R]]:
    """Refuse (403) anyone signed in who holds none of `roles`."""
    allowed = {r.value for r in (roles or ANY_ROLE)}

    def decorator(view: _View[_P, _R]) -> _View[_P, _R]:
        @wraps(view)
        def wrapped(request: HttpRequest, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            if not user_roles(request.user) & allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_perm(request: HttpRequest, perm: str) -> None:
    """Refuse (403) a person whose role does not hold a model permission."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


class HasUnitRole(BasePermission):
    """API access for anyone holding one of the unit's roles."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(user_roles(request.user))
