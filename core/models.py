from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of the unit. What they may do comes from their role (a group)."""

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


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
