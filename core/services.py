"""Helpers every app's services share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

if TYPE_CHECKING:
    from core.models import User

M = TypeVar("M", bound=models.Model)


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


# Values the drivers take as they are: Django's preparation of them changes nothing.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _prepared(field: models.Field[Any, Any], values: Sequence[Any]) -> Sequence[Any]:
    """A column's values as the driver is given them: each prepared by its field (once per
    distinct date or time: a load's timestamps and dates repeat), or as they are where
    the driver takes them so."""
    if isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.AutoField):
        return values
    prepare = field.get_db_prep_save
    if isinstance(field, models.DateField):  # and DateTimeField
        seen: dict[Any, Any] = {}
        return [
            seen[v] if v in seen else seen.setdefault(v, prepare(v, connection)) for v in values
        ]
    return [prepare(v, connection) for v in values]


def _insert_rows(
    table: str, fields: Sequence[models.Field[Any, Any]], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT the rows' values (in the order of `fields`) into `table`, a batch a time."""
    columns = [str(f.column) for f in fields]
    for start in range(0, len(rows), _INSERT_BATCH):
        batch = rows[start : start + _INSERT_BATCH]
        by_column = zip(*batch, strict=True) if len(fields) > 1 else [[r[0] for r in batch]]
        prepared = [_prepared(f, list(v)) for f, v in zip(fields, by_column, strict=True)]
        _insert_batch(table, columns, list(zip(*prepared, strict=True)))


_INSERT_BATCH = 2000


def _insert_batch(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values  # type: ignore[import-untyped]

            execute_values(
                cursor.cursor,
                f"INSERT INTO {quote(table)} ({names}) VALUES %s",
                rows,
                page_size=len(rows),
            )
            return
        # SQLite's limit on parameters a statement, as bulk_create splits by.
        per = max(1, 999 // max(1, len(columns)))
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([row_sql] * len(chunk))}",
                [v for row in chunk for v in row],
            )


def rows_insert(objs: Sequence[models.Model], model: type[models.Model]) -> None:
    """Insert new rows whose primary keys nobody reads back (the rows kept of an SSD
    extract, history rows): one statement a batch, each value prepared by its own field,
    or passed as it is where the driver takes it so.

    QuerySet.bulk_create compiles every value of every row through the query compiler,
    which at tens of thousands of rows costs more than the database spends storing them.
    No signals, as bulk_create; auto_now and auto_now_add are filled in."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for field in stamped:  # one time for them all, as one statement's default would be
        stamp = field.pre_save(objs[0], True)
        for obj in objs:
            setattr(obj, field.attname, stamp)
    _insert_rows(
        model._meta.db_table, fields, [[getattr(o, f.attname) for f in fields] for o in objs]
    )


def history_rows_insert(
    objs: Sequence[models.Model],
    model: type[models.Model],
    *,
    update: bool = False,
    change_reason: str | None = None,
) -> None:
    """The history rows simple_history's bulk_history_create writes for `objs` (added, or
    with `update` changed), with the same user (the object's own, or the request's),
    reason (the object's own, or `change_reason`) and date, without building a
    historical instance a row (rows_insert)."""
    from simple_history.utils import get_change_reason_from_object

    if not objs:
        return
    manager = get_history_manager_for_model(model)
    historical: Any = manager.model
    meta = historical._meta
    tracked = [meta.get_field(f.name) for f in historical.tracked_fields]
    extra = [meta.get_field(n) for n in _HISTORY_COLUMNS]
    if {f.name for f in meta.concrete_fields} != {f.name for f in (*tracked, *extra)} | {
        "history_id"
    }:  # a history with columns of its own: simple_history's own way
        manager.bulk_history_create(objs, update=update, default_change_reason=change_reason)
        return
    now = timezone.now()
    kind = "~" if update else "+"
    rows = []
    for obj in objs:
        user = historical.get_default_history_user(obj)
        rows.append(
            [
                *(getattr(obj, f.attname) for f in historical.tracked_fields),
                getattr(obj, "_history_date", now),
                get_change_reason_from_object(obj) or change_reason,
                kind,
                user.pk if user is not None else None,
            ]
        )
    columns = [*tracked, *extra]
    _insert_rows(str(meta.db_table), columns, rows)


_HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user")


def rows_create_with_history(
    objs: Iterable[M],
    model: type[M],
    *,
    batch_size: int = 500,
    default_change_reason: str | None = None,
) -> list[M]:
    """simple_history's bulk_create_with_history, on PostgreSQL and SQLite (both give the
    new primary keys back): the rows by bulk_create, their history by history_rows_insert."""
    rows = list(objs)
    if not rows:
        return []
    with transaction.atomic(savepoint=False):
        created = model._default_manager.bulk_create(rows, batch_size=batch_size)
        history_rows_insert(created, model, change_reason=default_change_reason)
    return created


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
        history_rows_insert(rows, model, update=True, change_reason=change_reason)
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
