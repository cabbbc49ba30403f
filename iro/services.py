"""Writes for people and allocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.codes import Ethnicity, Sex
from core.dates import long_date
from core.models import later_return_wins
from core.services import FieldErrors, valid_choice
from iro.models import Child, Family, IndependentReviewingOfficer, IROAllocation


def child_problems(values: dict, *, exclude_pk: int | None = None) -> FieldErrors:
    errors = FieldErrors()
    child_id = (values.get("child_id") or "").strip()
    if not child_id:
        errors.add("child_id", "Enter the child ID")
    elif len(child_id) > 10:
        errors.add("child_id", "The child ID must be 10 characters or fewer")
    elif Child.objects.filter(child_id=child_id).exclude(pk=exclude_pk).exists():
        errors.add("child_id", f"A child with ID {child_id} already exists")
    for field, label in [("first_name", "first name"), ("last_name", "last name")]:
        if not (values.get(field) or "").strip():
            errors.add(field, f"Enter the child's {label}")
    if values.get("date_of_birth") is None and values.get("expected_date_of_birth") is None:
        errors.add(
            "date_of_birth", "Enter the date of birth, or the expected date for an unborn child"
        )
    valid_choice(errors, "sex", values.get("sex", Sex.UNKNOWN), Sex, "Sex")
    valid_choice(errors, "ethnicity", values.get("ethnicity", "NOBT"), Ethnicity, "Ethnicity")
    return errors


@transaction.atomic
def child_create(**values) -> Child:
    child_problems(values).raise_if_any()
    return Child.objects.create(**values)


@transaction.atomic
def child_update(*, child: Child, **values) -> Child:
    merged = {
        f: getattr(child, f)
        for f in (
            "child_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "ethnicity",
        )
    }
    merged.update(values)
    child_problems(merged, exclude_pk=child.pk).raise_if_any()
    for field, value in values.items():
        setattr(child, field, value)
    child.save()
    return child


@transaction.atomic
def iro_allocate(
    *, child: Child, iro: IndependentReviewingOfficer, started_on: dt.date, reason: str = ""
) -> IROAllocation:
    """Give a child to an IRO from a date, ending the current allocation the same day."""
    errors = FieldErrors()
    current = child.allocations.select_for_update().filter(ended_on__isnull=True).first()
    if not iro.active:
        errors.add("iro", f"{iro} is no longer an active IRO")
    if current is not None:
        if current.iro_id == iro.pk:
            errors.add("iro", f"{child.child_id} is already held by {iro}")
        if started_on < current.started_on:
            errors.add(
                "started_on",
                f"The new allocation cannot start before the current one "
                f"({long_date(current.started_on)})",
            )
        if not reason.strip():
            errors.add("reason", "Enter why the child is moving to another IRO")
    errors.raise_if_any()
    if current is not None:
        current.ended_on = started_on
        current.save(update_fields=["ended_on", "updated_at"])
    return IROAllocation.objects.create(child=child, iro=iro, started_on=started_on, reason=reason)


@transaction.atomic
def family_allocate(
    *, family: Family, iro: IndependentReviewingOfficer, started_on: dt.date, reason: str
) -> list[IROAllocation]:
    """Move a sibling group to one IRO together (siblings share an IRO)."""
    return [
        iro_allocate(child=child, iro=iro, started_on=started_on, reason=reason)
        for child in family.children.all()
        if not child.allocations.filter(ended_on__isnull=True, iro=iro).exists()
    ]


CHILD_RETURN_FIELDS = (
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "disability",
)


def _return_changes(child: Child, year: int, values: dict) -> list[str] | None:
    """The fields a return row changes on a stored child, or None if the child's values came
    from a later return (a later collection year's values win, so load order never matters)."""
    if not later_return_wins(child.return_year, year):
        return None
    return [k for k, v in values.items() if k in CHILD_RETURN_FIELDS and getattr(child, k) != v]


def _child_from_return(child_id: str, year: int, values: dict) -> Child:
    # Names are not in the returns: placeholders until the council's own data fills them.
    return Child(
        child_id=child_id,
        first_name="Child",
        last_name=child_id,
        return_year=year,
        **{k: v for k, v in values.items() if k in CHILD_RETURN_FIELDS},
    )


def child_upsert_from_return(*, child_id: str, year: int, values: dict) -> tuple[Child, str]:
    """Add or update a child from a DfE return row: "added", "changed" or "unchanged".

    Names are not in the returns: a new child gets placeholder names until the council's
    own data fills them. A later collection year's values win over an earlier year's.
    """
    child = Child.objects.filter(child_id=child_id).first()
    if child is None:
        child = _child_from_return(child_id, year, values)
        child.save()
        return child, "added"
    changed = _return_changes(child, year, values)
    if changed is None:
        return child, "unchanged"
    for field in changed:
        setattr(child, field, values[field])
    if changed or child.return_year != year:
        child.return_year = year
        child.save()
    return child, "changed" if changed else "unchanged"


def children_upsert_from_return(
    *, rows: Mapping[str, tuple[int, dict]], change_reason: str = ""
) -> dict[str, tuple[Child, str]]:
    """Add or update many children at once, as `child_upsert_from_return` does one.

    `rows` maps each child ID to the collection year and values of its return row. A few
    queries per 2,000 children, whatever their number; history is kept as for one.
    """
    ids = sorted(rows)
    stored: dict[str, Child] = {}
    for i in range(0, len(ids), 2000):
        stored.update(Child.objects.in_bulk(ids[i : i + 2000], field_name="child_id"))
    result: dict[str, tuple[Child, str]] = {}
    added, changed, year_only, fields = [], [], [], set()
    for child_id in ids:
        year, values = rows[child_id]
        child = stored.get(child_id)
        if child is None:
            child = _child_from_return(child_id, year, values)
            added.append(child)
            result[child_id] = (child, "added")
            continue
        changes = _return_changes(child, year, values)
        for field in changes or ():
            setattr(child, field, values[field])
        if changes:
            fields.update(changes)
            changed.append(child)
        elif changes is not None and child.return_year != year:
            year_only.append(child)
        if changes is not None:
            child.return_year = year
        result[child_id] = (child, "changed" if changes else "unchanged")
    bulk_create_with_history(added, Child, batch_size=500, default_change_reason=change_reason)
    now = timezone.now()
    for child in changed:
        child.updated_at = now
    bulk_update_with_history(
        changed,
        Child,
        [*sorted(fields), "return_year", "updated_at"],
        batch_size=500,
        default_change_reason=change_reason,
    )
    Child.objects.bulk_update(year_only, ["return_year"], batch_size=500)
    return result
