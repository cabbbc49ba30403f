"""Writes of the returns layer that are not an import (those are returns.imports), and
the disagreements an import keeps with what people recorded in Oversight."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from core.dates import long_date
from core.decisions import reason_problem
from core.history import rows_scrub
from core.services import FieldErrors
from iro.models import Child
from iro.services import CHILD_DETAILS, ImportedValue, child_details_correct
from protection.models import ConferenceChild, Section47Enquiry
from protection.services import ChildOutcome, conference_outcome_correct, section47_reinstate
from returns.models import (
    CinCensusChild,
    DataQualityIssue,
    DisagreementRecord,
    DisagreementResolution,
    ImportDisagreement,
    ImportRun,
    ReturnRow,
    SsdImportRun,
)
from reviews.models import LookedAfterReview
from reviews.services import lac_review_correct

# An SSDA903 date as the file gives it, dd/mm/yyyy.
_DAY_OF_DATE = re.compile(r"^\d{2}(/\d{2}/\d{4})$")


@transaction.atomic
def child_returns_anonymise(*, child_ids: Sequence[int]) -> dict[str, int]:
    """Blank what the kept returns say that identifies these children (the retention job,
    core.retention.child_anonymisers): the UPN and former UPN, the date of birth of a
    mother's child, the values quoted by a data-quality finding; the date of birth becomes
    the 1st of its month, as on the child. Codes and dates of care stay, so the export of a
    past year still counts the same."""
    rows = []
    for row in ReturnRow.objects.filter(child__in=child_ids):
        values = dict(row.values)
        for key in ("UPN", "MC_DOB"):
            if values.get(key):
                values[key] = ""
        if isinstance(values.get("DOB"), str) and (found := _DAY_OF_DATE.match(values["DOB"])):
            values["DOB"] = f"01{found[1]}"
        if values != row.values:
            row.values = values
            rows.append(row)
    ReturnRow.objects.bulk_update(rows, ["values"], batch_size=500)
    return {
        "return_rows": len(rows),
        "cin_census_children": rows_scrub(
            CinCensusChild.objects.filter(child__in=child_ids).exclude(former_upn=""),
            {"former_upn": ""},
        ),
        "data_quality_issues": rows_scrub(
            DataQualityIssue.objects.filter(child__in=child_ids).exclude(values=""),
            {"values": ""},
        ),
    }


# Disagreements with what people recorded ------------------------------------------------

_CHUNK = 2000


@dataclass
class DisagreementTally:
    """What one load found: new differences, ones still open from an earlier load, and
    ones closed because the load now gives the unit's value."""

    new: int = 0
    still_open: int = 0
    agreed: int = 0

    @property
    def open(self) -> int:
        return self.new + self.still_open

    def __str__(self) -> str:
        return (
            f"{self.open} disagreement{'' if self.open == 1 else 's'} with what people "
            f"recorded in Oversight ({self.new} new, {self.still_open} from an earlier load, "
            f"{self.agreed} now agreed); Oversight's values were kept"
        )

    def as_json(self) -> dict[str, int]:
        return {"new": self.new, "still_open": self.still_open, "agreed": self.agreed}


def _as_json(value: Any) -> Any:
    """The value as it comes back from a JSON column (a date as its ISO text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _model_field(model: type[models.Model], name: str) -> models.Field:
    return cast(models.Field, model._meta.get_field(name))


def child_value_text(field: str, value: Any) -> str:
    """A child's detail in words, as the child's record shows it."""
    model_field = _model_field(Child, field)
    value = model_field.to_python(value)
    if value is None or value == "":
        return "Not recorded"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return long_date(value)
    return str(value)


def _texts(value: ImportedValue) -> tuple[str, str, str, str]:
    """The record, the field, ours and theirs, in words."""
    if value.record_kind == DisagreementRecord.CHILD:
        label = str(_model_field(Child, value.field).verbose_name)
        return (
            value.record_label or DisagreementRecord.CHILD.label,
            label[:1].upper() + label[1:],
            value.ours_text or child_value_text(value.field, value.ours),
            value.theirs_text or child_value_text(value.field, value.theirs),
        )
    names = {
        "withdrawn": "Withdrawn",
        "participation_code": "Participation code",
        "outcome": "Outcome",
        "held_on": "Date held",
    }
    return (
        value.record_label or DisagreementRecord(value.record_kind).label,
        names.get(value.field, value.field),
        value.ours_text or _value_text(value.ours),
        value.theirs_text or _value_text(value.theirs),
    )


def _value_text(value: Any) -> str:
    return long_date(value) if isinstance(value, dt.date) else str(value)


def import_disagreements_record(
    *,
    found: Sequence[ImportedValue],
    source: str,
    import_run: ImportRun | None = None,
    ssd_run: SsdImportRun | None = None,
) -> DisagreementTally:
    """Keep where a load differs from what people recorded, as ImportDisagreement rows.

    `found` is every value the load gave for something a person recorded (equal or not;
    a record given twice, by two years, takes the last). A difference already open is
    updated, not doubled; one a person kept Oversight's against the same value is not
    asked again; one whose value the load now agrees with is closed as agreed. One query
    per 2,000 children, and bulk writes."""
    latest = {(v.child_pk, v.record_kind, v.record_pk, v.field): v for v in found}
    tally = DisagreementTally()
    if not latest:
        return tally
    now = timezone.now()
    new: list[ImportDisagreement] = []
    changed: list[ImportDisagreement] = []
    child_pks = sorted({key[0] for key in latest})
    for start in range(0, len(child_pks), _CHUNK):
        chunk = set(child_pks[start : start + _CHUNK])
        stored: dict[tuple, ImportDisagreement] = {}
        for kept in ImportDisagreement.objects.filter(child_id__in=chunk).order_by(
            "found_at", "pk"
        ):
            stored[kept.key] = kept  # the latest of each record's field
        for key, value in latest.items():
            if key[0] not in chunk:
                continue
            ours, theirs = _as_json(value.ours), _as_json(value.theirs)
            row = stored.get(key)
            if ours == theirs:
                if row is not None and row.is_open:
                    row.resolved_at, row.resolution = now, DisagreementResolution.AGREED
                    changed.append(row)
                    tally.agreed += 1
                continue
            record_label, field_label, ours_text, theirs_text = _texts(value)
            described = {
                "record_label": record_label[:200],
                "field_label": field_label[:100],
                "ours": ours,
                "theirs": theirs,
                "ours_text": ours_text[:300],
                "theirs_text": theirs_text[:300],
                "source": source[:120],
                "import_run": import_run,
                "ssd_run": ssd_run,
                "seen_at": now,
            }
            if row is not None and row.is_open:
                for name, text in described.items():
                    setattr(row, name, text)
                changed.append(row)
                tally.still_open += 1
            elif (
                row is not None
                and row.resolution == DisagreementResolution.KEPT_OURS
                and (row.ours, row.theirs) == (ours, theirs)
            ):
                continue  # a person has decided this very difference
            else:
                new.append(
                    ImportDisagreement(
                        child_id=key[0],
                        record_kind=key[1],
                        record_id=key[2],
                        field=key[3],
                        found_at=now,
                        **described,
                    )
                )
                tally.new += 1
    ImportDisagreement.objects.bulk_update(
        changed,
        [
            "record_label",
            "field_label",
            "ours",
            "theirs",
            "ours_text",
            "theirs_text",
            "source",
            "import_run",
            "ssd_run",
            "seen_at",
            "resolved_at",
            "resolution",
        ],
        batch_size=500,
    )
    ImportDisagreement.objects.bulk_create(new, batch_size=500)
    return tally


# A person's choice; tests import the messages.
CHOOSE_SIDE = "Choose whether to keep Oversight's value or take the import's"
ALREADY_DECIDED = "This difference has already been decided: {resolution}"


@transaction.atomic
def import_disagreement_resolve(
    *, disagreement: ImportDisagreement, resolution: str, reason: str, by=None
) -> ImportDisagreement:
    """Decide a difference between an import and what people recorded, saying why.

    Keeping Oversight's leaves the record as it is (the same difference is not asked
    again). Taking the import's changes the record through its area's own correction
    (iro.services.child_details_correct, protection.services.section47_reinstate), with
    the reason in its history and its due dates worked out again; the detail is then the
    imports' to update again. Refused, with nothing saved, if that correction is."""
    row = ImportDisagreement.objects.select_for_update().get(pk=disagreement.pk)
    errors = FieldErrors()
    if not row.is_open:
        errors.add(
            "resolution", ALREADY_DECIDED.format(resolution=row.get_resolution_display().lower())
        )
    elif resolution not in (DisagreementResolution.KEPT_OURS, DisagreementResolution.TOOK_THEIRS):
        errors.add("resolution", CHOOSE_SIDE)
    reason_problem(errors, reason)
    errors.raise_if_any()
    if resolution == DisagreementResolution.TOOK_THEIRS:
        # The person's own reason, as a correction keeps it (the row keeps the source).
        _take_theirs(row, reason=reason.strip(), by=by)
    row.resolution = resolution
    row.resolved_at = timezone.now()
    row.resolved_by = by
    row.reason = reason.strip()
    row.save()
    return row


def _take_theirs(row: ImportDisagreement, *, reason: str, by) -> None:
    if row.record_kind == DisagreementRecord.REVIEW:
        review = LookedAfterReview.objects.select_related("child").get(pk=row.record_id)
        corrected: dict[str, Any] = {
            "held_on": review.held_on,
            "participation_code": review.participation_code,
            "child_seen_alone": review.child_seen_alone,
        }
        corrected[row.field] = _model_field(LookedAfterReview, row.field).to_python(row.theirs)
        lac_review_correct(review=review, **corrected, reason=reason, by=by)
        return
    if row.record_kind == DisagreementRecord.CONFERENCE:
        _conference_outcome_take(row, reason=reason, by=by)
        return
    if row.record_kind == DisagreementRecord.SECTION47:
        enquiry = Section47Enquiry.all_objects.get(pk=row.record_id)
        section47_reinstate(enquiry=enquiry, reason=reason, by=by)
        return
    child = Child.objects.get(pk=row.record_id)
    details = {name: getattr(child, name) for name in CHILD_DETAILS}
    details[row.field] = _model_field(Child, row.field).to_python(row.theirs)
    child_details_correct(child=child, **details, reason=reason, by=by, from_import=True)


def _conference_outcome_take(row: ImportDisagreement, *, reason: str, by) -> None:
    """Correct a conference's outcome for the child to the import's, as a person would
    (protection.services.conference_outcome_correct: a plan started or removed, its
    review conferences' due dates worked out again); the other children's stay."""
    entry = ConferenceChild.objects.select_related("conference").get(pk=row.record_id)
    assert entry.conference.held_on is not None  # a held conference has its day
    theirs = row.theirs or {}
    outcomes = [
        ChildOutcome(
            child=other.child,
            outcome=other.outcome,
            category=other.plan.initial_category if other.plan else "",
        )
        for other in entry.conference.covered.select_related("child", "plan")
        if other.pk != entry.pk
    ]
    outcomes.append(
        ChildOutcome(
            child=entry.child,
            outcome=theirs.get("outcome", ""),
            category=theirs.get("category", ""),
        )
    )
    conference_outcome_correct(
        conference=entry.conference,
        held_on=entry.conference.held_on,
        outcomes=outcomes,
        reason=reason,
        by=by,
    )
