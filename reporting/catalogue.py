"""Every counted figure of the annual report, under its report key, with its label.

The report (reporting.annual_report), the dashboard and its drill-down all read this one
catalogue, so a key such as `child_protection.icpc_within_15_working_days` means the
same selector everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.text import slugify

from core.codes import ParticipationCode
from core.dates import long_date, year_end, year_start
from core.figures import Figure
from core.timescales import default_timescales


@dataclass(frozen=True)
class Period:
    """A reporting year, and the day its snapshots are taken: 31 March, or for the year
    in progress the day the figures are asked for (the year so far)."""

    year: int
    snapshot: dt.date

    @classmethod
    def of(cls, year: int, *, as_of: dt.date | None = None) -> Period:
        end = year_end(year)
        return cls(year=year, snapshot=min(end, as_of) if as_of else end)

    @property
    def start(self) -> dt.date:
        return year_start(self.year)

    @property
    def end(self) -> dt.date:
        return year_end(self.year)

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def is_complete(self) -> bool:
        return self.snapshot == self.end

    @property
    def snapshot_label(self) -> str:
        return long_date(self.snapshot)


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    figure: Figure
    # Counted for earlier years too, for the Report's four-year tables.
    trend: bool = False

    @property
    def slug(self) -> str:
        return key_slug(self.key)


def key_slug(key: str) -> str:
    """The drill-down address of a report key: looked_after.age_bands.10_to_15 becomes
    looked-after/age-bands/10-to-15."""
    return "/".join(slugify(part.replace("_", "-")) for part in key.split("."))


LAC_AGE_LABELS = {
    "under_1": "Under 1",
    "1_to_4": "1 to 4",
    "5_to_9": "5 to 9",
    "10_to_15": "10 to 15",
    "16_to_17": "16 to 17",
}
ETHNIC_LABELS = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian or Asian British",
    "black": "Black or Black British",
    "other": "Other ethnic group",
    "not_recorded": "Not recorded",
}
PARTICIPATION_LABELS = {
    "PN0": "PN0: aged under 4",
    "PN1": "PN1: attended and spoke for self",
    "PN2": "PN2: attended, an advocate spoke",
    "PN3": "PN3: attended, views conveyed non-verbally",
    "PN4": "PN4: attended, no contribution",
    "PN5": "PN5: did not attend, briefed an advocate",
    "PN6": "PN6: did not attend, views sent",
    "PN7": "PN7: did not attend, no views sent",
}
CATEGORY_LABELS = {
    "neglect": "Neglect",
    "emotional": "Emotional abuse",
    "physical": "Physical abuse",
    "sexual": "Sexual abuse",
    "multiple": "Multiple categories",
}
CP_AGE_LABELS = {
    "unborn": "Unborn",
    "under_5": "Under 5",
    "5_to_10": "5 to 10",
    "11_to_15": "11 to 15",
    "16_and_over": "16 and over",
}


def _key(name: str) -> str:
    """A ladder level's name as a report key: a dot would read as nesting."""
    return name.replace(".", "")


def catalogue(period: Period, *, trend_only: bool = False) -> dict[str, Entry]:
    """Every counted figure for a period, by report key (one query, for the ladder's
    levels); with `trend_only`, those of the Report's four-year tables (no query)."""
    from disputes import figures as challenge
    from disputes.models import DisputeCategory, DisputeLevel
    from fostering import figures as carers
    from protection import figures as cp
    from protection.models import ConferenceKind
    from reporting import iro_figures as service
    from reviews import figures as lac
    from reviews.models import MissingKind

    year, day = period.year, period.snapshot
    entries: list[Entry] = []

    def add(key: str, label: str, figure: Figure, *, trend: bool = False) -> None:
        entries.append(Entry(key, label, figure, trend))

    # Looked after (indicators 1-7).
    add("looked_after.at_year_end", "Children looked after", lac.looked_after(day), trend=True)
    add("looked_after.started", "Periods of care started", lac.periods_started(year), trend=True)
    add("looked_after.ceased", "Periods of care ended", lac.periods_ceased(year), trend=True)
    for band, label in LAC_AGE_LABELS.items():
        add(
            f"looked_after.age_bands.{band}",
            f"Looked after, aged {label.lower()}",
            lac.looked_after_in_age_band(day, band),
            trend=True,
        )
    for group, label in ETHNIC_LABELS.items():
        add(
            f"looked_after.ethnic_groups.{group}",
            f"Looked after, {label}",
            lac.looked_after_in_ethnic_group(day, group),
            trend=True,
        )
    add(
        "looked_after.short_break_children",
        "Children having short breaks (not looked after)",
        lac.short_break_children(year),
    )
    add("looked_after.reviews_held", "Reviews held", lac.reviews_held(year), trend=True)
    add(
        "looked_after.reviews_in_time",
        "Reviews held in time",
        lac.reviews_in_time(year),
        trend=True,
    )
    add("looked_after.reviews_late", "Reviews held late", lac.reviews_late(year), trend=True)
    add(
        "looked_after.reviews_due_date_not_known",
        "Reviews whose due date is not known (earlier reviews not on record)",
        lac.reviews_due_date_not_known(year),
        trend=True,
    )
    add("looked_after.children_reviewed", "Children reviewed", lac.children_reviewed(year))
    add(
        "looked_after.children_with_a_late_review",
        "Children with a review held late",
        lac.children_with_a_late_review(year),
    )
    for code in ParticipationCode.values:
        add(
            f"looked_after.participation.{code}",
            PARTICIPATION_LABELS[code],
            lac.reviews_with_participation(year, code),
        )
    add(
        "looked_after.permanence_at_second_review.second_reviews",
        "Second reviews held",
        lac.second_reviews(year),
    )
    add(
        "looked_after.permanence_at_second_review.with_permanence_plan",
        "Second reviews with a permanence plan",
        lac.second_reviews_with_permanence_plan(year),
    )
    add("looked_after.iro_contacts.contacts", "IRO contacts", lac.iro_contacts(year))
    add("looked_after.iro_contacts.visits", "IRO visits", lac.iro_contacts(year, kind="visit"))
    add(
        "looked_after.iro_contacts.seen_alone",
        "Contacts where the child was seen alone",
        lac.iro_contacts(year, seen_alone=True),
    )
    add("looked_after.iro_contacts.children", "Children contacted", lac.children_contacted(year))
    add(
        "looked_after.uasc_looked_after_at_year_end",
        "Unaccompanied asylum-seeking children looked after",
        lac.uasc_looked_after(day),
    )
    for missing in MissingKind:
        add(
            f"looked_after.missing_episodes_started.{missing.value}",
            f"Episodes begun: {missing.label.lower()}",
            lac.missing_episodes_started(year, missing.value),
        )
    add(
        "looked_after.children_missing_or_away",
        "Children missing or away from placement",
        lac.children_missing_or_away(year),
    )

    # Child protection (indicators 9-20).
    add("child_protection.at_year_end", "Children on plans", cp.on_plans(day), trend=True)
    add("child_protection.plans_started", "Plans started", cp.plans_started(year), trend=True)
    add("child_protection.plans_ended", "Plans ended", cp.plans_ended(year), trend=True)
    for code, key in cp.CATEGORY_KEYS.items():
        add(
            f"child_protection.initial_category.{key}",
            f"On plans, initial category {CATEGORY_LABELS[key].lower()}",
            cp.on_plans_with_initial_category(day, code),
        )
    for band in cp.CP_AGE_BAND_KEYS:
        add(
            f"child_protection.age_bands.{band}",
            f"On plans, {CP_AGE_LABELS[band].lower()}",
            cp.on_plans_in_age_band(day, band),
        )
    for key, label, figure in [
        ("icpc_children", "Children at initial conferences", cp.icpc_children(year)),
        (
            "icpc_transfer_in_children",
            "Children at transfer-in conferences",
            cp.icpc_transfer_in_children(year),
        ),
        (
            "icpc_children_excluding_transfer_in",
            "Children at initial conferences, transfer-ins left out",
            cp.icpc_children_excluding_transfer_in(year),
        ),
        (
            "icpc_with_duration",
            "Children at initial conferences (transfer-ins excluded)",
            cp.icpc_with_duration(year),
        ),
        (
            "icpc_within_15_working_days",
            f"Initial conferences within {default_timescales().icpc_working_days} working days",
            cp.icpc_within_15_working_days(year),
        ),
        (
            "icpc_children_no_plan",
            "Children at initial conferences not made subject to a plan",
            cp.icpc_children_not_made_subject_to_a_plan(year),
        ),
        (
            "plans_started_second_or_subsequent",
            "Plans started, second or subsequent (ever)",
            cp.plans_started_second_or_subsequent(year),
        ),
        (
            "plans_started_within_24_months_of_previous",
            "Plans started within 2 years of a previous plan",
            cp.plans_started_within_24_months_of_a_previous_plan(year),
        ),
        (
            "plans_ended_after_2_years_or_more",
            "Plans ended after 2 years or more",
            cp.plans_ended_after_2_years_or_more(year),
        ),
        (
            "review_conferences_children",
            "Children at review conferences",
            cp.review_conference_children(year),
        ),
        (
            "review_conferences_in_time",
            "Review conferences in time",
            cp.review_conferences_in_time(year),
        ),
    ]:
        add(f"child_protection.{key}", label, figure, trend=True)
    for kind, label in [
        (ConferenceKind.INITIAL, "Initial conferences"),
        (ConferenceKind.TRANSFER_IN, "Transfer-in conferences"),
        (ConferenceKind.REVIEW, "Review conferences"),
    ]:
        add(
            f"child_protection.conferences.{kind}_conferences",
            label,
            cp.conferences_held(year, kind),
            trend=True,
        )
    initial, review = cp.INITIAL_KINDS, (ConferenceKind.REVIEW,)
    for key, label, figure in [
        (
            "icpc_family_invitations",
            "Family invitations to initial conferences",
            cp.family_invitations(year, *initial),
        ),
        (
            "icpc_family_attended",
            "Family invitations to initial conferences attended",
            cp.family_invitations_attended(year, *initial),
        ),
        (
            "rcpc_family_invitations",
            "Family invitations to review conferences",
            cp.family_invitations(year, *review),
        ),
        (
            "rcpc_family_attended",
            "Family invitations to review conferences attended",
            cp.family_invitations_attended(year, *review),
        ),
    ]:
        add(f"child_protection.family.{key}", label, figure, trend=True)
    every = (*initial, *review)
    add(
        "child_protection.family.conferences_family_invited",
        "Conferences to which family were invited",
        cp.conferences_family_invited(year, *every),
    )
    add(
        "child_protection.family.conferences_family_attended",
        "Conferences family attended",
        cp.conferences_family_attended(year, *every),
    )
    add(
        "child_protection.family.family_excluded",
        "Family members excluded",
        cp.family_excluded(year),
    )
    add(
        "child_protection.family.family_with_parental_responsibility_excluded",
        "Family members with parental responsibility excluded",
        cp.family_excluded(year, with_parental_responsibility=True),
    )

    if trend_only:
        return {entry.key: entry for entry in entries if entry.trend}

    # The service (indicator 8).
    add("service.children_allocated", "Children allocated to IROs", service.children_allocated(day))

    # Challenges.
    levels = list(DisputeLevel.objects.order_by("rank"))
    add("disputes.raised", "Challenges raised", challenge.raised(year))
    add(
        "disputes.informal_only",
        "Dealt with informally only",
        challenge.raised_and_stayed_informal(year),
    )
    add("disputes.formal", "Went to a formal stage", challenge.raised_and_went_formal(year))
    for category in DisputeCategory:
        add(
            f"disputes.by_category.{category.value}",
            category.label,
            challenge.raised(year, category=category.value),
        )
    add("disputes.resolved", "Challenges resolved", challenge.resolved(year))
    add("disputes.resolved_at.informal", "Informally", challenge.resolved_at(year, None))
    for level in levels:
        add(
            f"disputes.resolved_at.{_key(level.name)}",
            level.name,
            challenge.resolved_at(year, level),
        )
    add(
        "disputes.formal_resolved_within_20_working_days",
        "Formal challenges resolved within "
        f"{default_timescales().dispute_formal_total_working_days} working days",
        challenge.formal_resolved_within_20_working_days(year),
    )
    add("disputes.cafcass_referrals", "Referrals to Cafcass", challenge.cafcass_referrals(year))
    add("disputes.open_by_stage.informal", "Informal", challenge.open_at_stage(day, None))
    for level in levels:
        add(
            f"disputes.open_by_stage.{_key(level.name)}",
            level.name,
            challenge.open_at_stage(day, level),
        )

    # Foster carer reviews.
    for key, label, figure in [
        ("reviews_due_held", "Due in the year and held", carers.carer_reviews_due_and_held(year)),
        (
            "reviews_due_not_held",
            "Due in the year, not yet held",
            carers.carer_reviews_due_not_held(year),
        ),
        ("reviews_held", "Reviews held", carers.carer_reviews_held(year)),
        ("reviews_in_time", "Reviews held in time", carers.carer_reviews_in_time(year)),
        (
            "referred_to_panel",
            "Referred to the fostering panel",
            carers.carer_reviews_referred_to_panel(year),
        ),
        ("first_reviews", "First reviews after approval", carers.first_carer_reviews(year)),
    ]:
        add(f"fostering.{key}", label, figure)
    return {entry.key: entry for entry in entries}
