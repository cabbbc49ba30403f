"""A record's corrections as its page shows them, read from its django-simple-history
rows: each change made with a reason (history_change_reason), what it changed from what
to what, who and when. Knows no app: each caller names the fields to compare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import models
from django.db.models import Case, Value, When

from core.dates import long_date


@dataclass(frozen=True)
class Correction:
    """A change made to a record with a reason."""

    on: dt.datetime
    by: Any
    reason: str
    changes: list[tuple[str, str, str]]  # (what, before, after), in the fields' order


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def field_label(model: type[models.Model], field: str) -> str:
    name = str(_field(model, field).verbose_name)
    return name[:1].upper() + name[1:]


def value_shown(model: type[models.Model], field: str, value: Any) -> str:
    """A stored value in words: dates in the GOV.UK style, choices by their label."""
    if value in (None, ""):
        return "Not recorded"
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = dict(_field(model, field).choices or ())
    return str(choices.get(value, value))


def corrections_each(rows: Sequence[Any]) -> dict[Any, list[Any]]:
    """The history entries that say why each record changed (corrections, a withdrawal),
    oldest first, with who made them, for several records of one model at once:
    {record pk: entries}, in one query."""
    if not rows:
        return {}
    found: dict[Any, list[Any]] = {row.pk: [] for row in rows}
    entries = (
        type(rows[0])
        .history.filter(id__in=list(found))
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for entry in entries:
        found[entry.id].append(entry)
    return found


def corrections_of(record: models.Model, *, fields: Sequence[str]) -> list[Correction]:
    """The changes made to `fields` of `record` with a reason given, oldest first."""
    model = type(record)
    order = list(fields)
    entries = (
        record.history.exclude(history_change_reason__isnull=True)  # type: ignore[attr-defined]
        .exclude(history_change_reason="")
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    found = []
    for entry in entries:
        before = entry.prev_record
        if before is None:
            continue
        delta = entry.diff_against(before, included_fields=order)
        rows = [
            (
                field_label(model, c.field),
                value_shown(model, c.field, c.old),
                value_shown(model, c.field, c.new),
            )
            for c in sorted(delta.changes, key=lambda c: order.index(c.field))
        ]
        if rows:
            found.append(
                Correction(
                    on=entry.history_date,
                    by=entry.history_user,
                    reason=entry.history_change_reason or "",
                    changes=rows,
                )
            )
    return found


# What an anonymised name or piece of free text becomes (the retention job).
ANONYMISED = "Anonymised"


def anonymised_unless_blank(field: str) -> Case:
    """A text column anonymised where it held something and left blank where it did not
    (a reason a constraint requires when something else is set, e.g. a withdrawal's)."""
    return Case(When(**{field: ""}, then=Value("")), default=Value(ANONYMISED))


def rows_scrub(rows: models.QuerySet[Any], values: Mapping[str, Any]) -> int:
    """Overwrite `values` (plain values or expressions) on each of `rows` and on every
    history entry of those rows, and return how many rows there were.

    For the retention job's anonymising: django-simple-history keeps what a row was, so
    the old names would stay in its history otherwise. An update, so the overwrite adds no
    history entry of its own (none that would keep the old values either)."""
    model = rows.model
    pks = list(rows.values_list("pk", flat=True))
    if not pks or not values:
        return len(pks)
    model._base_manager.filter(pk__in=pks).update(**values)
    history = getattr(model, "history", None)
    if history is not None:
        history.model._base_manager.filter(**{f"{model._meta.pk.attname}__in": pks}).update(
            **values
        )
    return len(pks)
