"""Helpers every app's services share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

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


def rows_update(
    rows: Sequence[models.Model],
    model: type[models.Model],
    fields: Sequence[str],
    *,
    batch_size: int = 1000,
) -> int:
    """Write `fields` of many saved rows, one statement a batch, as QuerySet.bulk_update
    does (no signals, no history: for the due dates stored beside a record).

    An UPDATE ... FROM (VALUES ...), on PostgreSQL and SQLite: bulk_update's CASE WHEN
    per row and field costs more in Django than the database spends, and an import
    rewrites thousands of due dates. Other databases get bulk_update itself.
    """
    if not rows:
        return 0
    postgres = connection.vendor == "postgresql"
    if not postgres and connection.vendor != "sqlite":
        return model._default_manager.bulk_update(rows, fields, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns = [meta.get_field(name) for name in fields]
    concrete = [c for c in columns if isinstance(c, models.Field)]
    assert len(concrete) == len(columns), "only a model's own columns can be updated"
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key = quote(str(pk.column))
    names = ", ".join([key, *(quote(str(c.column)) for c in concrete)])
    # PostgreSQL types a VALUES column from its literals: each is cast to its column's
    # type. SQLite's columns take any value, as the ORM writes it, and are named
    # column1, column2, ... (a WITH could name them, but then no count of rows written).
    if postgres:
        sets = ", ".join(
            f"{quote(str(c.column))} = v.{quote(str(c.column))}::{c.cast_db_type(connection)}"
            for c in concrete
        )
        alias, match = f"v({names})", f"t.{key} = v.{key}"
    else:
        sets = ", ".join(f"{quote(str(c.column))} = v.column{n}" for n, c in enumerate(concrete, 2))
        alias, match = "v", f"t.{key} = v.column1"
    placeholders = "(" + ", ".join(["%s"] * (len(concrete) + 1)) + ")"
    # SQLite's limit on parameters a statement (bulk_batch_size says how many rows fit).
    batch_size = min(batch_size, max(1, connection.ops.bulk_batch_size([pk, *concrete], rows)))
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            params: list[Any] = []
            for row in batch:
                params.append(row.pk)
                params.extend(
                    c.get_db_prep_save(getattr(row, c.attname), connection) for c in concrete
                )
            values = ", ".join([placeholders] * len(batch))
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {values}) AS {alias} WHERE {match}",
                params,
            )
            written += cursor.rowcount
    return written


def rows_update_with_history(
    rows: Sequence[models.Model],
    model: type[models.Model],
    fields: Sequence[str],
    *,
    change_reason: str | None = None,
    batch_size: int = 500,
) -> int:
    """rows_update, with a history row for each row, as simple_history's
    bulk_update_with_history writes them (its user: the request's, if any)."""
    if not rows:
        return 0
    with transaction.atomic(savepoint=False):
        written = rows_update(rows, model, fields, batch_size=batch_size)
        get_history_manager_for_model(model).bulk_history_create(
            rows, batch_size=batch_size, update=True, default_change_reason=change_reason
        )
    return written


def access_events_expire(*, before: dt.date, apply: bool) -> int:
    """The access events of days before `before` (past their keeping period), deleted
    when `apply`; the number of them either way.

    The one way an access event goes: the retention job's (retention.services). The
    append-only manager refuses any delete, so this uses the model's base manager."""
    from core.models import AccessEvent

    start = timezone.make_aware(dt.datetime.combine(before, dt.time()))
    expired = AccessEvent._base_manager.filter(at__lt=start)
    if not apply:
        return expired.count()
    deleted, _ = expired.delete()
    return deleted


def access_event_reasons_blank(*, child_refs: Sequence[str]) -> int:
    """Blank the reasons given for reading these children's records (free text that may
    name people) as they are anonymised; who read what, and when, stays. The number of
    events changed. The one change ever made to an access event (retention.services)."""
    from core.models import AccessEvent

    if not child_refs:
        return 0
    events = AccessEvent._base_manager.filter(child_ref__in=list(child_refs)).exclude(reason="")
    return events.update(reason="")
