"""Who may see and do what.

Each view names the roles it serves (`role_required`) and the model permission it needs
(`require_perm`); an action on a particular record also asks the record
(`require_object_perm`), whose rules each area declares in its permissions.py with the
predicates below (django-rules). The Head of Service and administrators act on all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.models import User
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


def require_object_perm(request: HttpRequest, perm: str, obj: Model) -> None:
    """Refuse (403) a person who may not act on this record (the area's rules)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _holds(role: Role) -> rules.Predicate:
    def holds(user: User | AnonymousUser) -> bool:
        return role.value in user_roles(user)

    predicate: rules.Predicate = rules.Predicate(holds, name=f"is_{role.value}")
    return predicate


is_iro = _holds(Role.IRO)
is_business_support = _holds(Role.BUSINESS_SUPPORT)
# The Head of Service and administrators act on every record.
is_manager = _holds(Role.HEAD_OF_SERVICE) | _holds(Role.ADMINISTRATOR)


class HasUnitRole(BasePermission):
    """API access for anyone holding one of the unit's roles (an integration: its service
    account's), with a token's scopes allowing the method (core.api)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        from core.api import token_scope_problem

        if problem := token_scope_problem(request):
            self.message = problem
            return False
        return bool(user_roles(request.user))


# The roles that read the whole unit, not a caseload of their own.
UNIT_WIDE_ROLES = frozenset({Role.BUSINESS_SUPPORT, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR})


class ReadsTheUnit(HasUnitRole):
    """API access for business support, the Head of Service and administrators only:
    what the unit's own roles read and an IRO does not (the returns loaded)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and bool(
            user_roles(request.user) & {r.value for r in UNIT_WIDE_ROLES}
        )
