"""Helpers every app's services share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from core.models import User


class FieldErrors:
    """Collect errors per field, then raise them together as one ValidationError."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def today() -> dt.date:
    return timezone.localdate()


def not_in_future(errors: FieldErrors, field: str, value: dt.date | None, label: str) -> None:
    if value is not None and value > today():
        errors.add(field, f"{label} must be today or in the past")


class HasStatus(Protocol):
    """A row with a `status` choice field and the moves allowed between its values."""

    status: str

    # Keyed by the model's own status choices (a str enum), so the key type varies.
    @property
    def ALLOWED_TRANSITIONS(self) -> Mapping[Any, AbstractSet[str]]: ...

    def get_status_display(self) -> str: ...


def transition(obj: HasStatus, to: str) -> None:
    """Move a row's status along its model's ALLOWED_TRANSITIONS, or refuse."""
    current = obj.status
    if to != current and to not in obj.ALLOWED_TRANSITIONS.get(current, set()):
        raise ValidationError(
            {"status": f"Cannot change from {obj.get_status_display().lower()} to {to}"}
        )
    obj.status = to


def valid_choice(
    errors: FieldErrors, field: str, value: str, choices: type[models.Choices], label: str
) -> None:
    if value not in choices.values:
        errors.add(field, f"{label} '{value}' is not a recognised code")


def calendar_token_for(user: User, *, renew: bool = False) -> str:
    """The secret for a person's calendar feed, made on first use; `renew` revokes the old."""
    import secrets

    if user.calendar_token and not renew:
        return user.calendar_token
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
