"""The child protection figures of the annual IRO report (RULES.md §7, indicators 9-20).

Each figure is a selector returning a `Figure` (core.figures): the records it
counts and the filter that picks them, so the report's count and the dashboard's list
of the children behind it come from one definition. Its docstring is its definition.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from core.codes import CategoryOfAbuse
from core.dates import add_years
from core.figures import (
    Figure,
    anniversary_number,
    count_all,
    counted_rows,
    date_number,
    in_year,
    month_ends,
    open_on,
)
from protection.models import (
    Attendance,
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    ConferenceKind,
    ConferenceOutcome,
    ConferenceStatus,
    InvitationKind,
)

CATEGORY_KEYS = {
    CategoryOfAbuse.NEGLECT: "neglect",
    CategoryOfAbuse.EMOTIONAL: "emotional",
    CategoryOfAbuse.PHYSICAL: "physical",
    CategoryOfAbuse.SEXUAL: "sexual",
    CategoryOfAbuse.MULTIPLE: "multiple",
}
# The Report's local bands (¶47), age in completed years: (key, from, up to but not).
CP_AGE_BANDS = [
    ("under_5", 0, 5),
    ("5_to_10", 5, 11),
    ("11_to_15", 11, 16),
    ("16_and_over", 16, None),
]
CP_AGE_BAND_KEYS = ["unborn", *[key for key, *_ in CP_AGE_BANDS]]
# Initial conferences in the Report's counts: transfer-ins are initial conferences too
# (¶54), but left out of timeliness (¶59).
INITIAL_KINDS = (ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN)
# A transfer-in conference (pinned convention 5): recorded as one here, or, from the CIN
# census, an initial conference no section 47 enquiry led to (DateOfInitialCPC on the
# CINdetails) that started a plan on its own date (CPPstartDate equal to it).
TRANSFER_IN_CONFERENCE = Q(conference__kind=ConferenceKind.TRANSFER_IN) | Q(
    conference__kind=ConferenceKind.INITIAL,
    section47__isnull=True,
    plan__started_on=F("conference__held_on"),
)
LONG_PLAN_YEARS = 2
REPEAT_WITHIN_YEARS = 2


@counted_rows
def plans() -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.all()


def on_plans(day: dt.date) -> Figure:
    """Children on a child protection plan on a day (indicator 9 at 31 March)."""
    return Figure(plans(), open_on(day, start="started_on", end="ended_on"), of="child")


def on_plans_with_initial_category(day: dt.date, category: str) -> Figure:
    """Children on plans on a day whose plan began in a category (pinned convention 11)."""
    base = on_plans(day)
    return Figure(base.rows, base.where & Q(initial_category=category), of="child")


def on_plans_in_age_band(day: dt.date, band: str) -> Figure:
    """Children on plans on a day by age: unborn, under 5, 5-10, 11-15, 16 and over.

    Born on the day itself is age 0 (under 5), not unborn.
    """
    base = on_plans(day)
    if band == "unborn":
        where = Q(child__date_of_birth__isnull=True) | Q(child__date_of_birth__gt=day)
    else:
        low, high = next((low, high) for key, low, high in CP_AGE_BANDS if key == band)
        where = Q(child__date_of_birth__lte=add_years(day, -low))
        if high is not None:
            where &= Q(child__date_of_birth__gt=add_years(day, -high))
    return Figure(base.rows, base.where & where, of="child")


def on_plans_by_month(first_day: dt.date, months: int) -> list[tuple[dt.date, int]]:
    """Children on plans at the end of each month, in one query."""
    ends = month_ends(first_day, months)
    counts = count_all({end: on_plans(end) for end in ends})
    return [(end, counts[end]) for end in ends]


@counted_rows
def plans_started_in(year: int) -> QuerySet[ChildProtectionPlan]:
    # Rows of their own: each repeat-plan figure then looks for earlier plans only for
    # the year's new plans, not for every plan on record.
    return ChildProtectionPlan.objects.filter(in_year("started_on", year))


def plans_started(year: int) -> Figure:
    """Plans that started in the year (indicator 12)."""
    return Figure(plans_started_in(year))


def plans_ended(year: int) -> Figure:
    """Plans that ended in the year (indicator 12)."""
    return Figure(plans(), in_year("ended_on", year))


def plans_started_second_or_subsequent(year: int) -> Figure:
    """Plans started in the year for a child with any earlier plan, however long ago: on
    record, or counted in an imported NumberOfPreviousCPP (indicator 17, the national
    "ever" measure, DfE table D3)."""
    earlier = ChildProtectionPlan.objects.filter(
        child=OuterRef("child"), started_on__lt=OuterRef("started_on")
    )
    return Figure(plans_started_in(year), Q(previous_plans__gt=0) | Q(Exists(earlier)))


def plans_started_within_24_months_of_a_previous_plan(year: int) -> Figure:
    """Plans started in the year within 2 years of the end of an earlier plan on record
    (the Report's local variant of indicator 17, ¶64). An earlier plan known only from an
    imported NumberOfPreviousCPP has no end date, so it cannot count here."""
    recent = ChildProtectionPlan.objects.filter(
        LessThanOrEqual(
            date_number(OuterRef("started_on")),
            anniversary_number(F("ended_on"), REPEAT_WITHIN_YEARS),
        ),
        child=OuterRef("child"),
        ended_on__lte=OuterRef("started_on"),
    )
    return Figure(plans_started_in(year), Q(Exists(recent)))


def plans_ended_after_2_years_or_more(year: int) -> Figure:
    """Plans ended in the year that had lasted 2 years or more (indicator 18, DfE D7)."""
    lasted = GreaterThanOrEqual(
        date_number(F("ended_on")), anniversary_number(F("started_on"), LONG_PLAN_YEARS)
    )
    return Figure(plans(), in_year("ended_on", year) & Q(lasted))


@counted_rows
def conference_children() -> QuerySet[ConferenceChild]:
    """Each child at each conference held."""
    return ConferenceChild.objects.filter(conference__status=ConferenceStatus.HELD)


def _at(year: int, *kinds: str) -> Q:
    return in_year("conference__held_on", year) & Q(conference__kind__in=kinds)


def icpc_children(year: int) -> Figure:
    """Children at initial conferences held in the year, transfer-ins included (¶54)."""
    return Figure(conference_children(), _at(year, *INITIAL_KINDS))


def icpc_transfer_in_children(year: int) -> Figure:
    """Children at transfer-in conferences held in the year (pinned convention 5)."""
    return Figure(conference_children(), _at(year, *INITIAL_KINDS) & TRANSFER_IN_CONFERENCE)


def icpc_children_excluding_transfer_in(year: int) -> Figure:
    """Children at initial conferences held in the year that were not transfer-ins
    (pinned convention 5), whether or not their timeliness can be judged."""
    return Figure(conference_children(), _at(year, *INITIAL_KINDS) & ~TRANSFER_IN_CONFERENCE)


def icpc_with_duration(year: int) -> Figure:
    """Children at initial conferences in the year whose timeliness can be judged: not a
    transfer-in, and not dated before the strategy discussion (indicator 15's denominator)."""
    return Figure(
        conference_children(),
        _at(year, ConferenceKind.INITIAL)
        & Q(
            section47__isnull=False, conference__held_on__gte=F("section47__strategy_discussion_on")
        ),
    )


def icpc_within_15_working_days(year: int) -> Figure:
    """Children whose initial conference in the year was within 15 working days of the
    strategy discussion that began the section 47 enquiry (indicator 15)."""
    base = icpc_with_duration(year)
    return Figure(base.rows, base.where & Q(conference__held_on__lte=F("section47__icpc_due")))


def icpc_children_not_made_subject_to_a_plan(year: int) -> Figure:
    """Children at initial conferences in the year not made subject to a plan (indicator 14)."""
    base = icpc_children(year)
    return Figure(base.rows, base.where & Q(outcome=ConferenceOutcome.NO_PLAN))


def review_conference_children(year: int) -> Figure:
    """Each child's review conference held in the year (indicator 16's denominator)."""
    return Figure(conference_children(), _at(year, ConferenceKind.REVIEW))


def review_conferences_in_time(year: int) -> Figure:
    """Each child's review conference held in the year by its due date: 3 months after the
    initial conference, then 6 months after the previous one (indicator 16)."""
    base = review_conference_children(year)
    return Figure(base.rows, base.where & Q(conference__held_on__lte=F("due_on")))


@counted_rows
def conferences() -> QuerySet[ChildProtectionConference]:
    """Conferences (meetings, each covering one child or a sibling group) held."""
    return ChildProtectionConference.objects.filter(status=ConferenceStatus.HELD)


def conferences_held(year: int, kind: str) -> Figure:
    """Conferences (meetings, each covering one child or a sibling group) held in the year."""
    return Figure(
        conferences(),
        in_year("held_on", year) & Q(kind=kind),
        child_path="covered__child",
    )


@counted_rows
def _family_invitations() -> QuerySet[ConferenceInvitation]:
    return ConferenceInvitation.objects.filter(
        kind=InvitationKind.FAMILY, conference__status=ConferenceStatus.HELD
    )


_FAMILY = {"child_path": "conference__covered__child"}


def family_invitations(year: int, *kinds: str) -> Figure:
    """Family members invited to conferences of these kinds held in the year (¶73-74)."""
    return Figure(_family_invitations(), _at(year, *kinds), **_FAMILY)


def family_invitations_attended(year: int, *kinds: str) -> Figure:
    """Family members invited to conferences of these kinds in the year who attended."""
    return Figure(
        _family_invitations(), _at(year, *kinds) & Q(attendance=Attendance.ATTENDED), **_FAMILY
    )


def conferences_family_invited(year: int, *kinds: str) -> Figure:
    """Conferences of these kinds held in the year to which family were invited."""
    return Figure(_family_invitations(), _at(year, *kinds), of="conference", **_FAMILY)


def conferences_family_attended(year: int, *kinds: str) -> Figure:
    """Conferences of these kinds held in the year that family attended."""
    return Figure(
        _family_invitations(),
        _at(year, *kinds) & Q(attendance=Attendance.ATTENDED),
        of="conference",
        **_FAMILY,
    )


def family_excluded(year: int, *, with_parental_responsibility: bool = False) -> Figure:
    """Family members excluded from conferences held in the year (indicator 20: those
    with parental responsibility)."""
    where = in_year("conference__held_on", year) & Q(attendance=Attendance.EXCLUDED)
    if with_parental_responsibility:
        where &= Q(has_parental_responsibility=True)
    return Figure(_family_invitations(), where, **_FAMILY)
