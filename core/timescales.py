"""The statutory and local timescales, and the `Due` value every schedule returns.

Defaults are the law or RULES.md's pinned conventions; a council changes any of them
with OVERSIGHT_TIMESCALES in settings (from the environment), in one place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Due:
    """A due date and the plain-English reason for it ("3 months after ...")."""

    on: dt.date
    reason: str
    rule: str


DUE_FIELDS = ("due_on", "due_reason", "due_rule")
NEXT_REVIEW_FIELDS = ("next_review_due", "next_review_reason", "next_review_rule")


def due_stored(row: object, due: Due | None, fields: tuple[str, str, str] = DUE_FIELDS) -> bool:
    """Put a due date, its reason and rule (or none) in a row's three fields; True where
    that changed them, so only the rows that change are written."""
    value = (due.on, due.reason, due.rule) if due else (None, "", "")
    if tuple(getattr(row, name) for name in fields) == value:
        return False
    for name, part in zip(fields, value, strict=True):
        setattr(row, name, part)
    return True


@dataclass(frozen=True)
class Timescales:
    # Looked-after reviews (CPPCR 2010 reg 33; AAR 2005 reg 36).
    lac_first_review_working_days: int = 20
    lac_second_review_months: int = 3
    lac_later_review_months: int = 6
    adoption_authority_review_months: int = 3
    adoption_placement_first_review_days: int = 28
    short_break_first_review_months: int = 3
    # Review record (IRO Handbook, local: UNCONFIRMED, so configurable).
    decisions_circulated_working_days: int = 5
    record_circulated_working_days: int = 20
    # Child protection (Working Together).
    icpc_working_days: int = 15
    transfer_in_working_days: int = 15
    first_rcpc_months: int = 3
    later_rcpc_months: int = 6
    # Dispute resolution (IRO Handbook ch. 6).
    dispute_stage_working_days: int = 5
    dispute_formal_total_working_days: int = 20
    # Foster carer reviews (FSR 2011 reg 28).
    foster_carer_review_years: int = 1

    @classmethod
    def from_mapping(cls, overrides: dict[str, int]) -> Timescales:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"Unknown timescale setting(s): {', '.join(sorted(unknown))}")
        return cls(**{k: int(v) for k, v in overrides.items()})


def default_timescales() -> Timescales:
    from django.conf import settings

    return Timescales.from_mapping(settings.OVERSIGHT_TIMESCALES)
