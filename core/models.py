from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class User(AbstractUser):
    """A member of the unit. What they may do comes from their role (a group)."""

    # The secret in a person's calendar feed address (calendar apps cannot sign in).
    calendar_token = models.CharField(max_length=43, unique=True, null=True, blank=True)
    # Part of every session's check (get_session_auth_hash): adding one ends every session
    # of this person on every device ("Sign out everywhere", core.accounts).
    session_epoch = models.PositiveIntegerField(
        default=0, help_text="Raised by one to sign this person out everywhere."
    )

    class Meta:
        permissions = [
            ("view_unit_dashboards", "Can view the unit's dashboards and annual report"),
            ("import_returns", "Can import and export DfE returns"),
        ]

    def __str__(self) -> str:
        return name_shown(self.first_name, self.last_name, self.username)

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]

    def get_session_auth_hash(self) -> str:
        """What a session is checked against on every request (Django's
        SessionAuthentication): the password hash, and the session epoch once raised."""
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def _session_hash(self, secret: str | bytes | None = None) -> str:
        # Django's own HMAC (same salt and algorithm). At epoch 0 it is exactly Django's, so
        # adding the field signed no one out; each raise gives a hash no session holds.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password if not self.session_epoch else f"{self.password}#{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


def return_year_field() -> models.PositiveSmallIntegerField[int | None, int | None]:
    """Which DfE return a row was last loaded from: later returns win (returns.rules)."""
    return models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Collection year of the DfE return this row was last loaded from "
        "(2024 means 2024-25); empty when entered in Oversight.",
    )


def name_shown(first_name: str, last_name: str, username: str) -> str:
    """A user's name as pages show it (str(user)), from its columns alone: their full
    name, or their username if they have none."""
    return f"{first_name} {last_name}".strip() or username


def initials_of(first_name: str, last_name: str) -> str:
    """A person's initials, as lists that name no one show a child ("AB")."""
    return f"{first_name[:1]}{last_name[:1]}".upper()


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


class AccessKind(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    API = "api", "Read through the API"


class AppendOnlyError(PermissionDenied):
    """An access event was about to be changed or deleted."""


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    """Rows are only ever added: a bulk update or delete is refused like a single one.
    (Removing a user still empties `user` through Django's base manager, keeping the
    username copy.)"""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Access events are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events are never deleted.")


class AccessEvent(models.Model):
    """Someone read personal data: a page about children, a search, a download or an API
    read (core.audit records them). Append-only: a row is never changed or deleted, so the
    record answers "who looked at this child?" as it stood.

    The path is kept without its query string, and a search keeps only the names of the
    parameters it used: the log holds IDs, never names or what was searched for.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(max_length=150, help_text="Kept if the account is removed.")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    url_name = models.CharField(max_length=100, blank=True)
    path = models.CharField(max_length=500)
    detail = models.CharField(
        max_length=200, blank=True, help_text="The query parameter names used, never values."
    )
    child_ref = models.CharField(
        max_length=40, blank=True, help_text="The child's council ID, when it was about one."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why, when the reader had to give one.")
    status_code = models.PositiveSmallIntegerField()

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["child_ref", "at"], name="accessevent_child_at"),
            models.Index(fields=["at"], name="accessevent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display().lower()} {self.path} at {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Access events are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events are never deleted.")


class FormSubmission(models.Model):
    """A form sent with its one-time token (core.submissions): claimed before the view
    runs, so a second click on Save saves nothing twice and is sent where the first went.

    Rows older than a day are removed as new ones are claimed (nothing reads them then).
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=500)
    claimed_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    redirect_to = models.CharField(max_length=2000, blank=True)

    def __str__(self) -> str:
        return f"{self.path} at {self.claimed_at}"


class KeptSubmission(models.Model):
    """A form sent after its sign-in had ended, kept for the same person to send again
    once they have signed in (core.submissions). Never shown to anyone else; removed
    when sent or discarded, and after a day."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    # The posted fields as [name, value] pairs, in order, without the CSRF and
    # one-time tokens (the page that sends them again draws fresh ones).
    data = models.JSONField(default=list)
    kept_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.path} kept at {self.kept_at}"


class OutboxKind(models.TextChoices):
    """What happened, as the council's case system is told it (core.outbox)."""

    DEADLINE_OVERDUE = "deadline.overdue", "A statutory deadline became overdue"
    REVIEW_DECISIONS_CIRCULATED = (
        "review.decisions_circulated",
        "A looked-after review's decisions were circulated",
    )
    CONFERENCE_OUTCOME_RECORDED = (
        "conference.outcome_recorded",
        "A child protection conference's outcome was recorded",
    )


# The columns that say what happened: written once, never changed (core.outbox). Only
# the webhook's delivery columns are updated after an event is added.
OUTBOX_DELIVERY_FIELDS = frozenset(
    {"delivered_at", "attempts", "last_error", "claimed_at", "retry_at"}
)


class OutboxEventQuerySet(models.QuerySet["OutboxEvent"]):
    """An event is never deleted, and an update may touch only its delivery columns."""

    def update(self, **kwargs: Any) -> int:
        if not set(kwargs) <= OUTBOX_DELIVERY_FIELDS:
            raise AppendOnlyError("Outbox events are never changed, only marked delivered.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Outbox events are never deleted.")


class OutboxEvent(models.Model):
    """Something the council's case system should hear about, kept in order for it to
    poll (/api/v1/outbox/) and for the webhook to post (core.outbox).

    Append-only. The payload carries IDs, dates and codes only, never names or free text:
    it leaves the council's records for another system.
    """

    kind = models.CharField(max_length=40, choices=OutboxKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    # Once per thing that happened: a second emit with the same key adds nothing.
    key = models.CharField(max_length=200, unique=True)
    child_ref = models.CharField(
        max_length=40, blank=True, help_text="The child's council ID, when it is about one."
    )
    subject_type = models.CharField(
        max_length=60, help_text='The record it is about, as "app_label.model".'
    )
    subject_pk = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    # The webhook's delivery (core.outbox.webhook_deliver): the only columns ever updated.
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="After a failed post, not tried again before this."
    )

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        indexes = [
            # The webhook task reads the undelivered events in order.
            models.Index(
                fields=["id"],
                condition=models.Q(delivered_at__isnull=True),
                name="outboxevent_undelivered",
            ),
            models.Index(fields=["child_ref", "id"], name="outboxevent_child_id"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type} {self.subject_pk} at {self.occurred_at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Outbox events are never changed, only marked delivered.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Outbox events are never deleted.")
