"""The unit's four roles, and the groups that carry what each may do.

Each app declares its grants beside its models (`<app>/permissions.py`, a GRANTS
mapping of role to permission names); after every migrate the role groups are set to
exactly what the apps grant, so permissions are code-reviewed rather than clicked
together in the admin. The administrator's group holds every permission.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core.models import User


class Role(models.TextChoices):
    IRO = "iro", "Independent reviewing officer"
    BUSINESS_SUPPORT = "business_support", "Business support"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    ADMINISTRATOR = "administrator", "Administrator"


def model_perms(
    app_label: str,
    *,
    view: Sequence[str] = (),
    add: Sequence[str] = (),
    change: Sequence[str] = (),
) -> set[str]:
    """Permission names for an app's models: view, add and change by model name."""
    return {
        f"{app_label}.{action}_{model}"
        for action, models_ in (("view", view), ("add", add), ("change", change))
        for model in models_
    }


def role_permissions() -> dict[str, set[str]]:
    """Each role's permissions, from the GRANTS every app declares in permissions.py."""
    grants: dict[str, set[str]] = {role: set() for role in Role if role != Role.ADMINISTRATOR}
    for config in global_apps.get_app_configs():
        name = f"{config.name}.permissions"
        try:
            module = import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        for role, perms in getattr(module, "GRANTS", {}).items():
            grants[role] |= set(perms)
    return grants


def case_models() -> list[str]:
    """Every model the unit's roles may view ("app.model"), from the apps' grants."""
    viewed = set().union(*role_permissions().values())
    names = {p.replace(".view_", ".", 1) for p in viewed if ".view_" in p}
    return sorted(n for n in names if _is_model(n))


def _is_model(label: str) -> bool:
    try:
        global_apps.get_model(label)
    except LookupError:
        return False
    return True


def roles_sync(**kwargs: object) -> None:
    """Create each role's group and give it exactly the permissions listed above."""
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    granted = role_permissions()
    every = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.label)
        if role == Role.ADMINISTRATOR:
            wanted = list(every.values())
        else:
            wanted = [every[name] for name in sorted(granted[role]) if name in every]
        group.permissions.set(wanted)


def user_roles(user: User | AnonymousUser) -> set[str]:
    """The Role values a user holds (a superuser holds the administrator's)."""
    if not user.is_authenticated:
        return set()
    # Read once per user object (a request's user): pages and permission checks ask often.
    cached: set[str] | None = getattr(user, "_oversight_roles", None)
    if cached is not None:
        return set(cached)
    labels = {r.label: r.value for r in Role}
    prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
    if prefetched is not None:
        # A list of people read with their groups (the nightly digests): no query each.
        names: set[str] = {group.name for group in prefetched}
    else:
        names, perms = _groups_and_permissions(user)
        if not user.is_superuser and user.is_active:
            # Django's model permissions, read with the roles (core.backends keeps them).
            setattr(user, "_perm_cache", perms)  # noqa: B010 (Django's cache on the object)
    held = {labels[name] for name in names if name in labels}
    if user.is_superuser:
        held.add(Role.ADMINISTRATOR.value)
    setattr(user, "_oversight_roles", frozenset(held))  # noqa: B010 (a cache on the object)
    return held


def _groups_and_permissions(user: User) -> tuple[set[str], set[str]]:
    """The names of the user's groups, and the model permissions they hold through them
    or of their own ("app.codename"), in one query: most pages ask both."""
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    through_groups = Group.objects.filter(user=user).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    )
    own = Permission.objects.filter(user=user).values_list(
        models.Value(None, output_field=models.CharField()), "content_type__app_label", "codename"
    )
    names: set[str] = set()
    perms: set[str] = set()
    for name, app, codename in through_groups.order_by().union(own.order_by(), all=True):
        if name is not None:
            names.add(name)
        if codename is not None:
            perms.add(f"{app}.{codename}")
    return names, perms
