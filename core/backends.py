"""Django's model permissions, read in one query.

`ModelBackend` answers "may this person add a child?" from the permissions given to
them and to their roles' groups, which Django reads in two queries a request. A page
that checks one (most do, for their buttons) reads both here at once; the answers are
Django's own (a superuser holds every permission, an inactive person none).

The signed-in person is read with the rows of theirs that pages ask of them on every
request (`OVERSIGHT_USER_RELATED`: an IRO's profile), in the same query.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission
from django.db.models import QuerySet


def signed_in_user(user_id: Any) -> Any:
    """The person with this pk, with their `OVERSIGHT_USER_RELATED` rows; None if gone."""
    model = get_user_model()
    related = getattr(settings, "OVERSIGHT_USER_RELATED", ())
    try:
        return model._default_manager.select_related(*related).get(pk=user_id)
    except model.DoesNotExist:
        return None


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = _names(Permission.objects.all())
            else:  # their own and their roles', as one UNION (an OR of joins reads more)
                own = _names(Permission.objects.filter(user=user_obj))
                rows = own.union(_names(Permission.objects.filter(group__user=user_obj)))
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        perms: set[str] = user_obj._perm_cache
        return perms


def _names(perms: QuerySet[Permission]) -> QuerySet[Any]:
    return perms.values_list("content_type__app_label", "codename").order_by()
