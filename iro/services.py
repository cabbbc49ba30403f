"""Writes for people and allocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.codes import Ethnicity, Sex
from core.dates import long_date
from core.decisions import history_note, reason_problem
from core.history import ANONYMISED, rows_scrub
from core.models import later_return_wins
from core.plugins import Registry
from core.request_memo import request_memo_clear
from core.services import (
    FieldErrors,
    rows_create_with_history,
    rows_update_with_history,
    today,
    valid_choice,
)
from iro.models import Child, Family, IndependentReviewingOfficer, IROAllocation, PlannedMove
from iro.restricted import ENTER_RESTRICTION_REASON
from iro.rules import (
    OLDEST_AGE_YEARS,
    birth_date_bounds,
    child_id_problem,
    expected_date_bounds,
    upn_normalised,
    upn_problem,
)


def child_problems(values: dict, *, exclude_pk: int | None = None) -> FieldErrors:
    errors = FieldErrors()
    child_id = (values.get("child_id") or "").strip()
    if not child_id:
        errors.add("child_id", "Enter the child ID")
    elif problem := child_id_problem(child_id):
        errors.add("child_id", problem)
    elif (
        Child.objects.filter(child_id=child_id)
        .exclude(pk__in=[exclude_pk] if exclude_pk else [])
        .exists()
    ):
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


# A new child's refusals; tests import them.
CHILD_ID_TAKEN = "A child with the council child ID {child_id} is already in Oversight"
UPN_TAKEN = "A child with the UPN {upn} is already in Oversight"
SAME_NAME_AND_BIRTH = (
    "A child with the same name and date of birth is already in Oversight: check it is "
    "not the same child"
)


def _duplicate_problems(
    found: dict[str, list[Child]], *, child_id: str, upn: str, different_child: bool
) -> FieldErrors:
    """The refusals for children already held who are, or may be, this one
    (iro.selectors.child_possible_duplicates): a new child's, and a correction's."""
    errors = FieldErrors()
    if found["child_id"]:
        errors.add("child_id", CHILD_ID_TAKEN.format(child_id=child_id))
    if found["upn"]:
        errors.add("upn", UPN_TAKEN.format(upn=upn))
    if found["name_and_birth"] and not different_child:
        errors.add("different_child", SAME_NAME_AND_BIRTH)
    return errors


@transaction.atomic
def child_register(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None = None,
    expected_date_of_birth: dt.date | None = None,
    sex: str,
    ethnicity: str,
    child_id: str,
    upn: str = "",
    family: Family | None = None,
    new_family: tuple[str, str] | None = None,
    different_child: bool = False,
) -> Child:
    """Add a child (born or unborn) from business support's questions.

    The same council child ID or UPN as a child already held is refused; the same names
    and date of birth need `different_child` (a person has checked). A new family is
    `new_family` (name, reference) and is made with the child, or not at all.
    """
    from iro.selectors import child_possible_duplicates

    found = child_possible_duplicates(
        first_name=first_name,
        last_name=last_name,
        born_on=date_of_birth or expected_date_of_birth,
        upn=upn,
        child_id=child_id,
    )
    errors = _duplicate_problems(found, child_id=child_id, upn=upn, different_child=different_child)
    if upn and (problem := upn_problem(upn)):
        errors.add("upn", problem)
    errors.raise_if_any()
    if new_family is not None:
        name, reference = new_family
        if Family.objects.filter(reference=reference).exists():
            raise ValidationError(
                {"family": f"A family with the reference {reference} already exists"}
            )
        family = Family.objects.create(name=name, reference=reference)
    return child_create(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        child_id=child_id,
        upn=upn,
        family=family,
    )


# Correcting a child's own details ---------------------------------------------------

# What the areas know of a child that a date of birth must agree with (a period of care,
# a review, a contact cannot be before the birth; a review's participation code depends
# on the child's age that day). Each provider, registered in an AppConfig.ready() by a
# layer that knows the areas (worklists.birth_checks), is called
# provider(*, child, date_of_birth) and returns its problems in words.
birth_date_checks = Registry("child birth date checks")

# The details a correction may change, in the order the page asks them.
CHILD_DETAILS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "disability",
)

# A correction's refusals; tests import them.
DETAILS_UNCHANGED = "Nothing has changed: correct at least one detail, or go back"
BORN_STAYS_BORN = "Enter the date of birth: a child whose birth is recorded stays born"
BORN_IN_FUTURE = "The date of birth must be today or in the past"
BORN_TOO_LONG_AGO = "The date of birth must be on or after {date}, {years} years ago"
EXPECTED_OUT_OF_RANGE = "The expected date of birth must be between {earliest} and {latest}"
UNBORN_SEX = "An unborn child's sex is U (not known) until the birth is recorded"


def _date_problems(
    errors: FieldErrors, *, child: Child, date_of_birth, expected_date_of_birth, as_of: dt.date
) -> None:
    """The dates' sense, for the dates that change (a child's dates already held stand)."""
    if child.date_of_birth is not None and date_of_birth is None:
        errors.add("date_of_birth", BORN_STAYS_BORN)
    if date_of_birth is not None and date_of_birth != child.date_of_birth:
        earliest, latest = birth_date_bounds(as_of)
        if date_of_birth > latest:
            errors.add("date_of_birth", BORN_IN_FUTURE)
        elif date_of_birth < earliest:
            errors.add(
                "date_of_birth",
                BORN_TOO_LONG_AGO.format(date=long_date(earliest), years=OLDEST_AGE_YEARS),
            )
        else:
            for check in birth_date_checks:
                for problem in check(child=child, date_of_birth=date_of_birth):
                    errors.add("date_of_birth", problem)
    expected = expected_date_of_birth
    if date_of_birth is None and expected is not None and expected != child.expected_date_of_birth:
        earliest, latest = expected_date_bounds(as_of)
        if not earliest <= expected <= latest:
            errors.add(
                "expected_date_of_birth",
                EXPECTED_OUT_OF_RANGE.format(
                    earliest=long_date(earliest), latest=long_date(latest)
                ),
            )


@transaction.atomic
def child_details_correct(
    *,
    child: Child,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    expected_date_of_birth: dt.date | None,
    sex: str,
    ethnicity: str,
    upn: str,
    disability: bool,
    reason: str,
    by=None,
    different_child: bool = False,
    as_of: dt.date | None = None,
    from_import: bool = False,
) -> Child:
    """Correct a child's own details, saying why; the child's history keeps what they
    were, who changed them and the reason.

    The details changed are kept as corrected by a person (`Child.corrected_fields`): a
    return or extract loaded later does not overwrite them but records where it disagrees
    (returns.ImportDisagreement). `from_import` is a person taking an import's value
    instead: the details changed are the imports' to update again.

    Checked as a new child is (iro.rules, and the same duplicates: another child with the
    UPN, or the same names and date of birth unless `different_child`), and the date of
    birth against what the areas hold (birth_date_checks). An unborn child's birth is
    recorded by giving a date of birth. Nothing stored is worked out from a child's age
    (the review schedules have no age cut-off and the figures' age bands are computed when
    read), so a new date of birth moves no due date; a stored participation code that the
    new age contradicts refuses the correction instead.
    """
    from iro.selectors import child_possible_duplicates

    as_of = as_of or today()
    # Lock the child: two corrections at once queue here, the second checked afresh.
    child = Child.objects.select_for_update().get(pk=child.pk)
    upn = upn_normalised(upn)
    first_name, last_name = first_name.strip(), last_name.strip()
    new = {
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": date_of_birth,
        "expected_date_of_birth": expected_date_of_birth,
        "sex": sex,
        "ethnicity": ethnicity,
        "upn": upn,
        "disability": disability,
    }
    errors = child_problems({"child_id": child.child_id, **new}, exclude_pk=child.pk)
    _date_problems(
        errors,
        child=child,
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        as_of=as_of,
    )
    if date_of_birth is None and sex != Sex.UNKNOWN:
        errors.add("sex", UNBORN_SEX)
    if upn and upn != child.upn and (problem := upn_problem(upn)):
        errors.add("upn", problem)
    changed = [name for name in CHILD_DETAILS if getattr(child, name) != new[name]]
    identity_changed = {"first_name", "last_name", "date_of_birth", "expected_date_of_birth"}
    found = child_possible_duplicates(
        first_name=first_name,
        last_name=last_name,
        born_on=date_of_birth or expected_date_of_birth,
        upn=upn if "upn" in changed else "",
        excluding=child,
    )
    if not identity_changed & set(changed):
        found["name_and_birth"] = []  # already held beside them: not this correction's doing
    for field, texts in _duplicate_problems(
        found, child_id="", upn=upn, different_child=different_child
    ).errors.items():
        for text in texts:
            errors.add(field, text)
    reason_problem(errors, reason)
    if not changed and not errors:
        errors.add("first_name", DETAILS_UNCHANGED)
    errors.raise_if_any()
    for name in changed:
        setattr(child, name, new[name])
    corrected = set(child.corrected_fields or ())
    corrected = corrected - set(changed) if from_import else corrected | set(changed)
    child.corrected_fields = [name for name in CHILD_DETAILS if name in corrected]
    history_note(child, by=by, reason=reason.strip())
    child.save()
    return child


# Allocation's refusals; tests import them.
IRO_NOT_ACTIVE = "{iro} is no longer an active IRO"
ALREADY_HELD = "{child} is already held by {iro}: choose another IRO"
STARTS_BEFORE_CURRENT = (
    "The date the new IRO takes over cannot be before the current IRO took over, {date}"
)
STARTS_BEFORE_BIRTH = "The date the new IRO takes over cannot be before the child was born, {date}"
STARTS_TOO_FAR_AHEAD = "The date the new IRO takes over must be within {days} days from today"
REASON_NEEDED = "Enter why the child is moving to another IRO"
NO_PLANNED_MOVE = "{child} has no move to another IRO waiting"

# A move is planned a few months ahead at most (a planned retirement, a new starter);
# anything further is a slip of the keyboard.
FURTHEST_AHEAD_DAYS = 366


def _allocation_problems(
    *,
    child: Child,
    current: IROAllocation | None,
    iro: IndependentReviewingOfficer,
    started_on: dt.date,
    reason: str,
    as_of: dt.date,
) -> FieldErrors:
    errors = FieldErrors()
    if not iro.active:
        errors.add("iro", IRO_NOT_ACTIVE.format(iro=iro))
    if current is not None and current.iro_id == iro.pk:
        errors.add("iro", ALREADY_HELD.format(child=child.full_name, iro=iro))
    if current is not None and started_on < current.started_on:
        errors.add("started_on", STARTS_BEFORE_CURRENT.format(date=long_date(current.started_on)))
    born = child.date_of_birth
    if current is None and born is not None and born <= as_of and started_on < born:
        errors.add("started_on", STARTS_BEFORE_BIRTH.format(date=long_date(born)))
    if started_on > as_of + dt.timedelta(days=FURTHEST_AHEAD_DAYS):
        errors.add("started_on", STARTS_TOO_FAR_AHEAD.format(days=FURTHEST_AHEAD_DAYS))
    if current is not None and not reason.strip():
        errors.add("reason", REASON_NEEDED)
    return errors


def _take_over(
    *, child: Child, current: IROAllocation | None, iro, started_on: dt.date, reason: str
) -> IROAllocation:
    if current is not None:
        current.ended_on = started_on
        current.save(update_fields=["ended_on", "updated_at"])
    request_memo_clear()  # who holds the child has changed
    return IROAllocation.objects.create(child=child, iro=iro, started_on=started_on, reason=reason)


@transaction.atomic
def iro_allocate(
    *,
    child: Child,
    iro: IndependentReviewingOfficer,
    started_on: dt.date,
    reason: str = "",
    as_of: dt.date | None = None,
) -> IROAllocation | PlannedMove:
    """Give a child to an IRO from a date.

    From today or earlier: the current allocation ends that day and the new one starts.
    From a later date: the move waits for its day as a PlannedMove (the current IRO keeps
    the child until then); a move already waiting is corrected, not doubled.
    """
    as_of = as_of or today()
    # Lock the child: two people moving one child at once queue here.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    current = child.allocations.filter(ended_on__isnull=True).first()
    _allocation_problems(
        child=child, current=current, iro=iro, started_on=started_on, reason=reason, as_of=as_of
    ).raise_if_any()
    if started_on > as_of:
        planned, _ = PlannedMove.objects.update_or_create(
            child=child, defaults={"iro": iro, "starts_on": started_on, "reason": reason}
        )
        return planned
    PlannedMove.objects.filter(child=child).delete()  # overtaken by a move made now
    return _take_over(child=child, current=current, iro=iro, started_on=started_on, reason=reason)


@transaction.atomic
def family_allocate(
    *,
    family: Family,
    iro: IndependentReviewingOfficer,
    started_on: dt.date,
    reason: str,
    as_of: dt.date | None = None,
) -> list[IROAllocation | PlannedMove]:
    """Move a sibling group to one IRO together (siblings share an IRO).

    Siblings the IRO already holds are left as they are; if the IRO holds them all, the
    move is refused as it would be for one child.
    """
    children = list(family.children.all())
    held = set(
        IROAllocation.objects.filter(
            child__in=children, ended_on__isnull=True, iro=iro
        ).values_list("child_id", flat=True)
    )
    to_move = [c for c in children if c.pk not in held]
    if children and not to_move:
        raise ValidationError(
            {"iro": ALREADY_HELD.format(child=f"The {family.name} family", iro=iro)}
        )
    return [
        iro_allocate(child=child, iro=iro, started_on=started_on, reason=reason, as_of=as_of)
        for child in to_move
    ]


@transaction.atomic
def planned_move_cancel(*, child: Child) -> PlannedMove:
    """Cancel a child's move that is waiting for its day; the current IRO keeps the child."""
    planned = PlannedMove.objects.select_for_update().filter(child=child).first()
    if planned is None:
        raise ValidationError(NO_PLANNED_MOVE.format(child=child.full_name))
    planned.delete()
    return planned


def planned_moves_apply(*, as_of: dt.date) -> int:
    """Make every planned move due by `as_of` the child's allocation (the nightly job).

    Safe to run twice: each move is claimed under a row lock and deleted as it is made.
    """
    made = 0
    for pk in PlannedMove.objects.filter(starts_on__lte=as_of).values_list("pk", flat=True):
        with transaction.atomic():
            planned = (
                PlannedMove.objects.select_for_update(skip_locked=True)
                .select_related("child", "iro")
                .filter(pk=pk)
                .first()
            )
            if planned is None:
                continue
            current = planned.child.allocations.filter(ended_on__isnull=True).first()
            if current is not None and current.iro_id == planned.iro_id:
                planned.delete()  # already there
                continue
            start = planned.starts_on
            if current is not None and start < current.started_on:
                start = current.started_on
            _take_over(
                child=planned.child,
                current=current,
                iro=planned.iro,
                started_on=start,
                reason=planned.reason,
            )
            planned.delete()
            made += 1
    return made


CHILD_RETURN_FIELDS = (
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "disability",
)


@dataclass(frozen=True)
class ImportedValue:
    """What an import gives for something a person recorded in Oversight, beside the
    unit's own value. The loader keeps the unit's; the returns layer records where the
    two differ, and closes a difference the import has come to agree with
    (returns.services.import_disagreements_record)."""

    child_pk: int
    record_kind: str  # returns.models.DisagreementRecord: "child", "section47", "conference"...
    record_pk: int
    field: str
    ours: Any
    theirs: Any
    # In words, when the returns layer cannot say it from the field alone.
    record_label: str = ""
    ours_text: str = ""
    theirs_text: str = ""


def _return_changes(
    child: Child, year: int, values: dict, found: list[ImportedValue] | None = None
) -> list[str] | None:
    """The fields a return row changes on a stored child, or None if the child's values came
    from a later return (a later collection year's values win, so load order never matters).

    A detail a person corrected in Oversight is never changed: what the return gives for
    it is added to `found`."""
    if not later_return_wins(child.return_year, year):
        return None
    corrected = set(child.corrected_fields or ())
    changes = []
    for name, value in values.items():
        if name not in CHILD_RETURN_FIELDS:
            continue
        if name in corrected:
            if found is not None:
                found.append(
                    ImportedValue(child.pk, "child", child.pk, name, getattr(child, name), value)
                )
        elif getattr(child, name) != value:
            changes.append(name)
    return changes


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
    *,
    rows: Mapping[str, tuple[int, dict]],
    change_reason: str | None = "",
    year_only_history: bool = False,
    found: list[ImportedValue] | None = None,
) -> dict[str, tuple[Child, str]]:
    """Add or update many children at once, as `child_upsert_from_return` does one.

    `rows` maps each child ID to the collection year and values of its return row. A few
    queries per 2,000 children, whatever their number; history is kept as for one.
    A child whose only change is the year its values came from is written without a
    history row, unless `year_only_history` (then as `child_upsert_from_return` saves it).
    The details a person corrected are kept, and what the rows give for them is added to
    `found` (read from the children already loaded: no query more).
    """
    ids = sorted(rows)
    stored: dict[str, Child] = {}
    for i in range(0, len(ids), 2000):
        stored.update(Child.objects.in_bulk(ids[i : i + 2000], field_name="child_id"))
    result: dict[str, tuple[Child, str]] = {}
    added: list[Child] = []
    changed: list[Child] = []
    year_only: list[Child] = []
    fields: set[str] = set()
    for child_id in ids:
        year, values = rows[child_id]
        child = stored.get(child_id)
        if child is None:
            child = _child_from_return(child_id, year, values)
            added.append(child)
            result[child_id] = (child, "added")
            continue
        changes = _return_changes(child, year, values, found)
        for field in changes or ():
            setattr(child, field, values[field])
        if changes:
            fields.update(changes)
            changed.append(child)
        elif changes is not None and child.return_year != year:
            (changed if year_only_history else year_only).append(child)
        if changes is not None:
            child.return_year = year
        result[child_id] = (child, "changed" if changes else "unchanged")
    rows_create_with_history(added, Child, batch_size=500, default_change_reason=change_reason)
    now = timezone.now()
    for child in changed:
        child.updated_at = now
    rows_update_with_history(
        changed,
        Child,
        [*sorted(fields), "return_year", "updated_at"],
        batch_size=500,
        change_reason=change_reason,
    )
    Child.objects.bulk_update(year_only, ["return_year"], batch_size=500)
    return result


# Restricting a record; tests import the messages.
RESTRICTION_UNCHANGED = "The record is already {state}"


@transaction.atomic
def child_restriction_set(*, child: Child, restricted: bool, reason: str, by=None) -> Child:
    """Restrict a child's record (sealed, or a member of staff's child) or lift it, saying
    why; the child's history keeps who did it and the reason (iro.restricted)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    errors = FieldErrors()
    if not reason.strip():
        errors.add("reason", ENTER_RESTRICTION_REASON)
    elif len(reason.strip()) > 200:
        errors.add("reason", "The reason must be 200 characters or fewer")
    if child.restricted == restricted:
        state = "restricted" if restricted else "not restricted"
        errors.add("restricted", RESTRICTION_UNCHANGED.format(state=state))
    errors.raise_if_any()
    what = "Restricted" if restricted else "Restriction lifted"
    return _child_flags_save(
        child,
        {"restricted": restricted, "restricted_reason": reason.strip() if restricted else ""},
        by=by,
        reason=f"{what}: {reason.strip()}",
    )


def _child_flags_save(child: Child, values: dict, *, by, reason: str) -> Child:
    """Save a change of a child's flags (restricted, legal hold), with who and why in the
    child's history."""
    for field, value in values.items():
        setattr(child, field, value)
    history_note(child, by=by, reason=reason)
    child.save(update_fields=[*values, "updated_at"])
    request_memo_clear()  # whose records are hidden from whom may have changed
    return child


# Legal hold ---------------------------------------------------------------------------

# A legal hold's refusals; tests import them.
HOLD_ALREADY_SET = "{child} is already on legal hold"
HOLD_NOT_SET = "{child} is not on legal hold"


@transaction.atomic
def child_legal_hold_set(
    *, child: Child, on: bool, reason: str, by=None, as_of: dt.date | None = None
) -> Child:
    """Put a child on legal hold, or take them off it, saying why; the child's history
    keeps each change, who made it and the reason.

    A child on hold is never anonymised by the retention job (a court case, an inquiry
    or a complaint needs their records as they are)."""
    as_of = as_of or today()
    child = Child.objects.select_for_update().get(pk=child.pk)
    errors = FieldErrors()
    reason_problem(errors, reason)
    if on and child.legal_hold:
        errors.add("reason", HOLD_ALREADY_SET.format(child=child.full_name))
    if not on and not child.legal_hold:
        errors.add("reason", HOLD_NOT_SET.format(child=child.full_name))
    errors.raise_if_any()
    return _child_flags_save(
        child,
        {
            "legal_hold": on,
            "legal_hold_reason": reason.strip() if on else "",
            "legal_hold_set_on": as_of if on else None,
        },
        by=by,
        reason=reason.strip(),
    )


# Anonymising (the retention job, retention.services.retention_run) ---------------------

# Anonymising's refusal; tests import it.
ON_LEGAL_HOLD = "A child on legal hold is never anonymised"


def child_anonymise(*, children: Sequence[Child], as_of: dt.date) -> dict[str, int]:
    """Anonymise these children's own details and return the rows changed per kind.

    Names become "Anonymised", the date of birth (or expected date) the 1st of its month,
    the UPN and the reason given for each move to another IRO are blanked, in the rows and
    in their history. The child ID, sex, ethnicity and every date of care are kept, so the
    figures of past years do not change. A family whose children are all anonymised loses
    its name. Called inside the retention job's transaction; a child on legal hold is
    refused, whoever calls."""
    pks = [c.pk for c in children]
    if Child.objects.filter(pk__in=pks, legal_hold=True).exists():
        raise ValidationError(ON_LEGAL_HOLD)
    rows = Child.objects.filter(pk__in=pks)
    family_ids = set(rows.exclude(family=None).values_list("family_id", flat=True))
    changed = {
        "children": rows_scrub(
            rows,
            {
                "first_name": ANONYMISED,
                "last_name": ANONYMISED,
                "date_of_birth": TruncMonth("date_of_birth"),
                "expected_date_of_birth": TruncMonth("expected_date_of_birth"),
                "upn": "",
            },
        ),
        "iro_allocations": rows_scrub(
            IROAllocation.objects.filter(child__in=pks).exclude(reason=""), {"reason": ""}
        ),
    }
    # After the names, which history rows also hold: a row update leaves no new entry.
    Child.objects.filter(pk__in=pks).update(anonymised_on=as_of)
    PlannedMove.objects.filter(child__in=pks).delete()
    whole = Family.objects.filter(pk__in=family_ids).exclude(children__anonymised_on=None)
    changed["families"] = rows_scrub(whole, {"name": ANONYMISED})
    return changed
