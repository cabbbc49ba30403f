"""Ofsted ILACS Annex A lists 5, 7 and 8, as at a date (RULES.md §8).

Columns and their order are the ones Ofsted names; codes are letter-prefixed where
Ofsted's lists are ("a) Neglect", "a) WBRI"), and Oversight's own code lists give the
rest ("C2: full care order"). A column Oversight holds nothing for (team, worker, visits,
health checks, missing episodes) is left blank rather than guessed.

Windows: list 5 holds enquiries whose strategy discussion was in the 6 months up to and
including the date; lists 7 and 8 hold plans and periods of care open at the date
(pinned convention 8) plus those that ended in the 6 months up to and including it.
"Last 12 months" counts are over the 12 months up to and including the date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from core.codes import (
    CategoryOfNeed,
    LegalStatus,
    PermanencePlan,
    Placement,
    PlacementProvider,
    ReasonEpisodeCeased,
)
from core.dates import add_months
from core.spreadsheet import cell_safe, csv_row, xlsx_append

COMMON_COLUMNS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
]

LIST_5_COLUMNS = [
    *COMMON_COLUMNS,
    "Does the Child have a Disability",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
]

LIST_7_COLUMNS = [
    *COMMON_COLUMNS,
    "Does the Child have a Disability",
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months "
    "(Y/N)",
    "Number of Previous Child Protection Plans",
    "Allocated Team",
    "Allocated Worker",
]

LIST_8_COLUMNS = [
    *COMMON_COLUMNS,
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last 12 "
    "months (Y/N)",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
    "Placement Location",
    "LA of Placement",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    "Allocated Team",
    "Allocated Worker",
]

TITLES = {
    5: "List 5: Section 47 enquiries and initial child protection conferences",
    7: "List 7: Child protection",
    8: "List 8: Children in care",
}

GENDERS = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
ETHNICITY_ORDER = [
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
]  # fmt: skip
ETHNICITIES = {code: f"{chr(ord('a') + i)}) {code}" for i, code in enumerate(ETHNICITY_ORDER)}
CATEGORIES = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}
EMERGENCY_STATUSES = ("L1", "L2")  # police protection, emergency protection order

Value = str | int | dt.date | None


@dataclass(frozen=True)
class AnnexAList:
    number: int
    as_of: dt.date
    columns: list[str]
    rows: list[list[Value]]

    @property
    def title(self) -> str:
        return TITLES[self.number]


def _yes_no(value: bool) -> str:
    return "a) Yes" if value else "b) No"


def _common(child, as_of: dt.date) -> list[Value]:
    return [
        child.child_id,
        GENDERS.get(child.sex, ""),
        ETHNICITIES.get(child.ethnicity, child.ethnicity),
        child.date_of_birth,
        child.age_on(as_of),
    ]


def annex_a_list(*, number: int, as_of: dt.date) -> AnnexAList:
    """One Annex A list as at `as_of`."""
    builders = {5: _list_5, 7: _list_7, 8: _list_8}
    if number not in builders:
        raise ValueError(f"Oversight produces Annex A lists 5, 7 and 8, not {number}")
    columns = {5: LIST_5_COLUMNS, 7: LIST_7_COLUMNS, 8: LIST_8_COLUMNS}[number]
    rows = builders[number](as_of)
    assert all(len(row) == len(columns) for row in rows)
    return AnnexAList(number=number, as_of=as_of, columns=columns, rows=rows)


def _list_5(as_of: dt.date) -> list[list[Value]]:
    from protection.models import (
        ConferenceChild,
        ConferenceKind,
        ConferenceStatus,
        Section47Enquiry,
    )

    six_months, twelve_months = add_months(as_of, -6), add_months(as_of, -12)
    enquiries = list(
        Section47Enquiry.objects.filter(
            strategy_discussion_on__gte=six_months, strategy_discussion_on__lte=as_of
        ).select_related("child")
    )
    children = {e.child_id for e in enquiries}
    recent_enquiries: dict[int, int] = defaultdict(int)
    for child_pk in Section47Enquiry.objects.filter(
        child__in=children,
        strategy_discussion_on__gte=twelve_months,
        strategy_discussion_on__lte=as_of,
    ).values_list("child_id", flat=True):
        recent_enquiries[child_pk] += 1
    initial = ConferenceChild.objects.filter(
        child__in=children,
        conference__kind__in=[ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN],
        conference__status=ConferenceStatus.HELD,
        conference__held_on__lte=as_of,
    ).select_related("conference")
    recent_icpcs: dict[int, int] = defaultdict(int)
    icpc_of: dict[int, object] = {}
    for entry in initial:
        if entry.conference.held_on >= twelve_months:
            recent_icpcs[entry.child_id] += 1
        if entry.section47_id:
            icpc_of[entry.section47_id] = entry

    rows = []
    for enquiry in sorted(enquiries, key=lambda e: (e.child.child_id, e.strategy_discussion_on)):
        child = enquiry.child
        icpc = icpc_of.get(enquiry.pk)
        rows.append(
            [
                *_common(child, as_of),
                _yes_no(child.disability),
                enquiry.strategy_discussion_on,
                _yes_no(enquiry.icpc_not_required),
                icpc.conference.held_on if icpc else None,
                _yes_no(icpc.outcome == "plan_started" or bool(icpc.plan_id)) if icpc else None,
                recent_enquiries[child.pk],
                recent_icpcs[child.pk],
                None,
                None,
            ]
        )
    return rows


def _list_7(as_of: dt.date) -> list[list[Value]]:
    from protection.models import (
        ChildProtectionPlan,
        ConferenceChild,
        ConferenceKind,
        ConferenceStatus,
    )
    from reviews.models import Episode

    six_months = add_months(as_of, -6)
    plans = list(
        ChildProtectionPlan.objects.filter(
            Q(started_on__lte=as_of, ended_on__isnull=True)
            | Q(started_on__lte=as_of, ended_on__gt=as_of)
            | Q(ended_on__gte=six_months, ended_on__lte=as_of)
        ).select_related("child")
    )
    latest_review: dict[int, dt.date] = {}
    for plan_pk, held_on in ConferenceChild.objects.filter(
        plan__in=plans,
        conference__kind=ConferenceKind.REVIEW,
        conference__status=ConferenceStatus.HELD,
        conference__held_on__lte=as_of,
    ).values_list("plan_id", "conference__held_on"):
        latest_review[plan_pk] = max(held_on, latest_review.get(plan_pk, held_on))
    # Police protection or an EPO shows in Oversight only as a looked-after legal status
    # (L1, L2): "Y" when one is on record, blank (not known) otherwise.
    emergency = set(
        Episode.objects.filter(
            child__in={p.child_id for p in plans},
            legal_status__in=EMERGENCY_STATUSES,
            started_on__lte=as_of,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=six_months))
        .values_list("child_id", flat=True)
    )

    rows = []
    for plan in sorted(plans, key=lambda p: (p.child.child_id, p.started_on)):
        child = plan.child
        ended = plan.ended_on if plan.ended_on and plan.ended_on <= as_of else None
        rows.append(
            [
                *_common(child, as_of),
                _yes_no(child.disability),
                plan.started_on,
                CATEGORIES[plan.initial_category],
                CATEGORIES[plan.latest_category],
                None,
                None,
                latest_review.get(plan.pk),
                ended,
                "Y" if child.pk in emergency else None,
                plan.previous_plans,
                None,
                None,
            ]
        )
    return rows


def _list_8(as_of: dt.date) -> list[list[Value]]:
    from reviews.models import Episode, IROContact, LookedAfterReview, PeriodOfCare

    six_months, twelve_months = add_months(as_of, -6), add_months(as_of, -12)
    periods = PeriodOfCare.objects.filter(is_short_breaks=False).select_related("child")
    in_scope = periods.filter(
        Q(first_recorded_on__lte=as_of, ended_on__isnull=True)
        | Q(first_recorded_on__lte=as_of, ended_on__gt=as_of)
        | Q(ended_on__gte=six_months, ended_on__lte=as_of)
    )
    latest: dict[int, PeriodOfCare] = {}
    for period in in_scope.order_by("first_recorded_on"):
        latest[period.child_id] = period
    children = list(latest)

    all_periods: dict[int, list[PeriodOfCare]] = defaultdict(list)
    for period in periods.filter(child__in=children):
        all_periods[period.child_id].append(period)
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for episode in Episode.objects.filter(child__in=children).order_by("started_on"):
        episodes[episode.child_id].append(episode)
    reviews: dict[int, list[LookedAfterReview]] = defaultdict(list)
    for review in LookedAfterReview.objects.filter(
        child__in=children, status="held", held_on__lte=as_of
    ).order_by("held_on"):
        reviews[review.period_id].append(review)
    last_contact: dict[int, dt.date] = {}
    for child_pk, day in IROContact.objects.filter(
        child__in=children, occurred_on__lte=as_of
    ).values_list("child_id", "occurred_on"):
        last_contact[child_pk] = max(day, last_contact.get(child_pk, day))

    rows = []
    for period in sorted(latest.values(), key=lambda p: p.child.child_id):
        child = period.child
        own = [e for e in episodes[child.pk] if e.period_id == period.pk] or [
            e for e in episodes[child.pk] if e.started_on >= period.first_recorded_on
        ]
        current = next(
            (e for e in own if e.started_on <= as_of and (e.ended_on or dt.date.max) > as_of),
            own[-1] if own else None,
        )
        ceased = period.ended_on if period.ended_on and period.ended_on <= as_of else None
        held = reviews[period.pk]
        plans = [r for r in held if r.permanence_plan]
        other_periods = [
            p
            for p in all_periods[child.pk]
            if p.pk != period.pk and (p.ended_on or dt.date.max) >= twelve_months
        ]
        rows.append(
            [
                *_common(child, as_of),
                None,
                _yes_no(child.disability),
                period.started_on,
                _label(CategoryOfNeed, own[0].category_of_need) if own else None,
                "Y" if other_periods else "N",
                _status_started(own, current) if current else None,
                _label(LegalStatus, current.legal_status) if current else None,
                held[-1].held_on if held else None,
                None,
                _permanence(plans[-1].permanence_plan) if plans else None,
                last_contact.get(child.pk),
                None,
                None,
                _placements_in(episodes[child.pk], twelve_months, as_of),
                ceased,
                _label(ReasonEpisodeCeased, own[-1].reason_ceased) if ceased and own else None,
                _placement_started(own, current) if current else None,
                _label(Placement, current.placement) if current else None,
                _label(PlacementProvider, current.placement_provider) if current else None,
                current.placement_postcode or None if current else None,
                current.urn or None if current else None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        )
    return rows


def _label(choices, code: str) -> str | None:
    return dict(choices.choices).get(code, code) if code else None


def _permanence(code: str) -> str:
    return f"{code}) {PermanencePlan(code).label}"


def _walk_back(episodes: list, current, same) -> dt.date:
    """The start of the run of back-to-back episodes, ending at `current`, that `same`
    says continue it (the same legal status; the same placement)."""
    index = episodes.index(current)
    start = current.started_on
    while index > 0:
        before, after = episodes[index - 1], episodes[index]
        if before.ended_on != after.started_on or not same(before, after):
            break
        start = before.started_on
        index -= 1
    return start


def _status_started(episodes: list, current) -> dt.date:
    return _walk_back(episodes, current, lambda a, b: a.legal_status == b.legal_status)


def _placement_started(episodes: list, current) -> dt.date:
    # RNE L: the legal status changed and the placement did not.
    return _walk_back(episodes, current, lambda a, b: b.reason_new_episode == "L")


def _placements_in(episodes: list, start: dt.date, end: dt.date) -> int:
    """Placements during [start, end]: each episode except a legal-status-only change."""
    spanning = [e for e in episodes if e.started_on <= end and (e.ended_on or dt.date.max) >= start]
    return sum(1 for i, e in enumerate(spanning) if i == 0 or e.reason_new_episode != "L")


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def annex_a_csv(annex: AnnexAList) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(annex.columns))
    for row in annex.rows:
        # Made safe before dates and numbers become text: a negative number is no formula.
        writer.writerow([_text(cell_safe(v)) for v in row])
    return out.getvalue()


def annex_a_xlsx(annex: AnnexAList) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"List {annex.number}"
    for cell in xlsx_append(sheet, annex.columns):
        cell.font = Font(bold=True)
    for row in annex.rows:
        for cell in xlsx_append(sheet, row):
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
