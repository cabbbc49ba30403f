from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of the unit. What they may do comes from their role (a group)."""

    # The secret in a person's calendar feed address (calendar apps cannot sign in).
    calendar_token = models.CharField(max_length=43, unique=True, null=True, blank=True)

    class Meta:
        permissions = [
            ("view_unit_dashboards", "Can view the unit's dashboards and annual report"),
            ("import_returns", "Can import and export DfE returns"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]


def return_year_field() -> models.PositiveSmallIntegerField[int | None, int | None]:
    """Which DfE return a row was last loaded from: later returns win (returns.rules)."""
    return models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Collection year of the DfE return this row was last loaded from "
        "(2024 means 2024-25); empty when entered in Oversight.",
    )


def later_return_wins(stored_year: int | None, incoming_year: int) -> bool:
    """A row from a later collection year updates one from an earlier year, never the
    reverse, so loading returns in any order gives the same records."""
    return stored_year is None or incoming_year >= stored_year


def due_rule_field() -> models.CharField[str, str]:
    """Which rule produced the due date beside it (a `Due.rule`, e.g. "lac_second_review"),
    stored with the date and its reason on every write."""
    return models.CharField(
        max_length=40, blank=True, help_text="The rule that produced the due date."
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
