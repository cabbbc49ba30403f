"""When looked-after reviews are due: pure functions of a period of care's history.

RULES.md pinned convention 4 (CPPCR 2010 reg 33; Adoption Agencies Regulations 2005
reg 36; reg 48 short breaks). Every review held resets the clock, reviews are numbered
within their period of care, and when several schedules apply the earliest due date wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core.codes import ADOPTION_AUTHORITY_STATUSES, ADOPTION_PLACEMENTS, SHORT_BREAK_STATUSES
from core.dates import (
    WorkingCalendar,
    add_days,
    add_months,
    add_working_days,
    add_years,
    collection_year_of,
    long_date,
    year_start,
)
from core.decisions import DecisionStatus, decision_status  # noqa: F401
from core.spec_years import (
    EPISODE_CODE_YEARS,
    PLACEMENTS_WITHOUT_PROVIDER,
    code_valid_in,
    year_label,
)
from core.timescales import Due, Timescales


@dataclass(frozen=True)
class CareHistory:
    """What the schedule needs to know of one period of care."""

    started_on: dt.date | None  # None: the start is not on record
    held_reviews: Sequence[dt.date] = ()
    # Dates the authority first had authority to place for adoption (LS E1/D1, s19 consent).
    authority_to_place: Sequence[dt.date] = ()
    # Dates of placement for adoption (PLACE A3-A6 begins, or an AdoptionPlacement), each
    # with the date it ceased (None while it lasts). Not SSDA903's PlacedAdoption table:
    # its DATE_PLACED is the date of the decision that the child should be placed.
    adoption_placements: Sequence[tuple[dt.date, dt.date | None]] = ()
    short_breaks: bool = False
    ended_on: dt.date | None = None
    # The day the council's records begin (RecordsBegin): no review before it is on record.
    records_begin: dt.date | None = None


@dataclass(frozen=True)
class HeldReview:
    held_on: dt.date
    number: int | None  # None: the reviews before the records begin are not on record
    due: Due | None

    @property
    def in_time(self) -> bool | None:
        return None if self.due is None else self.held_on <= self.due.on


@dataclass(frozen=True)
class LacSchedule:
    held: list[HeldReview] = field(default_factory=list)
    next_due: Due | None = None


def records_begin_day(
    *, earliest_return_year: int | None, recording_started_on: dt.date | None
) -> dt.date | None:
    """The day the council's records begin (convention 4): 1 April of the earliest return
    year loaded, or the day the unit started recording in Oversight, whichever is earlier."""
    days = [d for d in (recording_started_on,) if d is not None]
    if earliest_return_year is not None:
        days.append(year_start(earliest_return_year))
    return min(days, default=None)


def earlier_reviews_unknown(
    history: CareHistory, *, calendar: WorkingCalendar, timescales: Timescales
) -> bool:
    """Whether the period's first review fell due before the records begin (convention 4),
    so the reviews held before then are not on record: the earliest review on record is a
    later review, and its own due date is not known."""
    start, begins = history.started_on, history.records_begin
    if start is None or begins is None or history.short_breaks or start >= begins:
        return False
    first_due = add_working_days(start, timescales.lac_first_review_working_days, calendar)
    return first_due < begins


def lac_schedule(
    history: CareHistory, *, calendar: WorkingCalendar, timescales: Timescales
) -> LacSchedule:
    """Each held review with the due date it answered, and the next review due."""
    unknown = earlier_reviews_unknown(history, calendar=calendar, timescales=timescales)
    if unknown:
        # As when the period's start is not on record: every review on record is a later
        # one, and which of the period's reviews each is cannot be known.
        history = replace(history, started_on=None)
    reviews = sorted(set(history.held_reviews))
    held = [
        HeldReview(
            held_on=day,
            number=None if unknown else i + 1,
            due=_due_after(
                history, reviews[:i], upto=day, calendar=calendar, timescales=timescales
            ),
        )
        for i, day in enumerate(reviews)
    ]
    next_due = None
    if history.ended_on is None:
        next_due = _due_after(history, reviews, upto=None, calendar=calendar, timescales=timescales)
    return LacSchedule(held=held, next_due=next_due)


def _due_after(
    history: CareHistory,
    previous: list[dt.date],
    *,
    upto: dt.date | None,
    calendar: WorkingCalendar,
    timescales: Timescales,
) -> Due | None:
    """The due date of the review that follows `previous`, counting events up to `upto`:
    the earliest that any of the schedules asks for."""
    candidates = [
        due
        for schedule in SCHEDULES
        for due in schedule(history, previous, upto, calendar, timescales)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda due: due.on)


def _happened(day: dt.date, upto: dt.date | None) -> bool:
    return upto is None or day <= upto


def usual_review_due(
    history: CareHistory,
    previous: list[dt.date],
    upto: dt.date | None,
    calendar: WorkingCalendar,
    timescales: Timescales,
) -> list[Due]:
    """CPPCR 2010 reg 33: 20 working days after entering care, then 3 months, then 6.
    Short-break series have their own (short_break_review_due)."""
    if history.short_breaks or (history.started_on is None and not previous):
        return []
    if not previous:
        assert history.started_on is not None
        days = timescales.lac_first_review_working_days
        return [
            Due(
                add_working_days(history.started_on, days, calendar),
                f"{days} working days after entering care on {long_date(history.started_on)}",
                "lac_first_review",
            )
        ]
    last = previous[-1]
    if len(previous) == 1 and history.started_on is not None:
        months = timescales.lac_second_review_months
        return [
            Due(
                add_months(last, months),
                f"{months} months after the first review on {long_date(last)}",
                "lac_second_review",
            )
        ]
    months = timescales.lac_later_review_months
    return [
        Due(
            add_months(last, months),
            f"{months} months after the previous review on {long_date(last)}",
            "lac_later_review",
        )
    ]


def short_break_review_due(
    history: CareHistory,
    previous: list[dt.date],
    upto: dt.date | None,
    calendar: WorkingCalendar,
    timescales: Timescales,
) -> list[Due]:
    """Short breaks: 3 months after the first break, then every 6 months."""
    return [_short_break_due(history, previous, timescales)] if history.short_breaks else []


def authority_to_place_due(
    history: CareHistory,
    previous: list[dt.date],
    upto: dt.date | None,
    calendar: WorkingCalendar,
    timescales: Timescales,
) -> list[Due]:
    """AAR 2005 reg 36: a review within 3 months of authority to place for adoption,
    unless one has been held since."""
    for authorised in sorted(history.authority_to_place):
        if _happened(authorised, upto) and not any(r >= authorised for r in previous):
            months = timescales.adoption_authority_review_months
            return [
                Due(
                    add_months(authorised, months),
                    f"{months} months after authority to place for adoption "
                    f"on {long_date(authorised)}",
                    "adoption_authority",
                )
            ]
    return []


def adoption_placement_due(
    history: CareHistory,
    previous: list[dt.date],
    upto: dt.date | None,
    calendar: WorkingCalendar,
    timescales: Timescales,
) -> list[Due]:
    """AAR 2005 reg 36: placed for adoption, a review within 28 days, then 3 months, then
    the usual 6 months."""
    dues = []
    for placed, ceased in sorted(history.adoption_placements):
        if not _happened(placed, upto) or (ceased is not None and _happened(ceased, upto)):
            continue
        since = [r for r in previous if r >= placed]
        if not since:
            days = timescales.adoption_placement_first_review_days
            dues.append(
                Due(
                    add_days(placed, days),
                    f"{days} days after placement for adoption on {long_date(placed)}",
                    "adoption_placement_first",
                )
            )
        elif len(since) == 1:
            months = timescales.lac_second_review_months
            dues.append(
                Due(
                    add_months(since[0], months),
                    f"{months} months after the first review since placement for "
                    f"adoption, on {long_date(since[0])}",
                    "adoption_placement_second",
                )
            )
    return dues


# Every schedule a looked-after review can be due under; the earliest wins.
SCHEDULES = [
    usual_review_due,
    short_break_review_due,
    authority_to_place_due,
    adoption_placement_due,
]


def _short_break_due(history: CareHistory, previous: list[dt.date], timescales: Timescales) -> Due:
    if previous:
        last = previous[-1]
        months = timescales.lac_later_review_months
        return Due(
            add_months(last, months),
            f"{months} months after the previous short-break review on {long_date(last)}",
            "short_breaks_later_review",
        )
    first_break = history.started_on
    if first_break is None:
        raise ValueError("A short-break series needs the date of its first break")
    months = timescales.short_break_first_review_months
    return Due(
        add_months(first_break, months),
        f"{months} months after the first short break on {long_date(first_break)}",
        "short_breaks_first_review",
    )


@dataclass(frozen=True)
class EpisodeFacts:
    started_on: dt.date
    ended_on: dt.date | None
    reason_new_episode: str
    reason_ceased: str
    legal_status: str
    placement: str


@dataclass(frozen=True)
class PeriodFacts:
    started_on: dt.date | None
    first_recorded_on: dt.date
    ended_on: dt.date | None
    is_short_breaks: bool
    episodes: tuple[int, ...]  # indexes into the sorted episode list


def periods_from_episodes(episodes: Sequence[EpisodeFacts]) -> list[PeriodFacts]:
    """Group a child's episodes (sorted by start) into periods of care.

    An episode with RNE S starts a period; an episode whose REC is not X1 ends it. A
    first episode on record that is not RNE S belongs to a period whose start is not on
    record. Short breaks: a period whose every episode is V3/V4.
    """
    periods: list[PeriodFacts] = []
    current: list[int] = []
    start_known = False

    def close() -> None:
        if not current:
            return
        first, last = episodes[current[0]], episodes[current[-1]]
        ended = last.ended_on if last.reason_ceased and last.reason_ceased != "X1" else None
        periods.append(
            PeriodFacts(
                started_on=first.started_on if start_known else None,
                first_recorded_on=first.started_on,
                ended_on=ended,
                is_short_breaks=all(
                    episodes[i].legal_status in SHORT_BREAK_STATUSES for i in current
                ),
                episodes=tuple(current),
            )
        )

    for i, episode in enumerate(episodes):
        previous = episodes[current[-1]] if current else None
        continues = (
            previous is not None
            and previous.reason_ceased == "X1"
            and episode.reason_new_episode != "S"
        )
        if not continues:
            close()
            current = []
            start_known = episode.reason_new_episode == "S"
        current.append(i)
    close()
    return periods


def adoption_facts(
    episodes: Sequence[EpisodeFacts],
) -> tuple[list[dt.date], list[tuple[dt.date, dt.date | None]]]:
    """Authority-to-place dates and adoption placements read from a period's episodes."""
    authority: list[dt.date] = []
    placements: list[tuple[dt.date, dt.date | None]] = []
    previous: EpisodeFacts | None = None
    for episode in episodes:
        if episode.legal_status in ADOPTION_AUTHORITY_STATUSES and (
            previous is None or previous.legal_status not in ADOPTION_AUTHORITY_STATUSES
        ):
            authority.append(episode.started_on)
        if episode.placement in ADOPTION_PLACEMENTS:
            if previous is not None and previous.placement in ADOPTION_PLACEMENTS and placements:
                placements[-1] = (placements[-1][0], episode.ended_on)
            else:
                placements.append((episode.started_on, episode.ended_on))
        previous = episode
    return authority, placements


@dataclass(frozen=True)
class CirculationDue:
    """When a held review's decisions and its full record should go out."""

    decisions: Due
    record: Due


def circulation_due(
    held_on: dt.date, *, calendar: WorkingCalendar, timescales: Timescales
) -> CirculationDue:
    """IRO Handbook (local timescales, configurable): the decisions within 5 working days
    of the review, the full record within 20."""
    decisions_days = timescales.decisions_circulated_working_days
    record_days = timescales.record_circulated_working_days
    return CirculationDue(
        decisions=Due(
            add_working_days(held_on, decisions_days, calendar),
            f"{decisions_days} working days after the review on {long_date(held_on)}",
            "review_decisions_circulated",
        ),
        record=Due(
            add_working_days(held_on, record_days, calendar),
            f"{record_days} working days after the review on {long_date(held_on)}",
            "review_record_circulated",
        ),
    )


# IRO Handbook / CPPCR 2010 reg 36: the permanence plan is set at the second review.
PERMANENCE_PLAN_REVIEW_NUMBER = 2


def needs_permanence_plan(*, reviews_held_before: int, period_start_known: bool) -> bool:
    """A review must record the permanence plan from the second review of a period on.

    Where the period's start is not on record, which review is the second cannot be
    known, so every review records one."""
    return reviews_held_before >= PERMANENCE_PLAN_REVIEW_NUMBER - 1 or not period_start_known


# A review's decisions: tracked actions ------------------------------------------------


# DecisionStatus and decision_status live in core.decisions (a conference's too).


# SSDA903 episode rules, checked where an episode is entered ----------------------------
#
# The DfE's validator (lac_validator) runs the whole return's rules on the records every
# night (returns.data_quality); these are the rules about one episode and the one before
# it, checked when a person records the start, a change or the end of a period of care,
# so what is entered is valid in the next return. Each message names its DfE rule.

TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
# What a continuation episode's RNE says changed: (the legal status, the placement).
CHANGES_BY_REASON = {
    "L": (True, False),
    "P": (False, True),
    "T": (False, True),
    "U": (True, True),
    "B": (True, True),
}
# The columns that say where a child is placed (rules 434-436 compare them).
PLACEMENT_FIELDS = ("placement", "placement_postcode", "urn", "placement_provider")
ADOPTED = frozenset({"E11", "E12"})
# Reasons a period ends that need the child to have reached an age (DfE rules 387, 389,
# 460) or not to have (386, 407).
LEAVING_AGE_AT_LEAST = {"E5": 14, "E6": 14, "E7": 16, "E17": 18}
LEAVING_AGE_UNDER = {
    "E11": 18,
    "E12": 18,
    "E43": 18,
    "E44": 18,
    "E45": 18,
    "E46": 18,
    "E47": 18,
    "E48": 18,
}
# Which date's collection year decides each dated code (core.spec_years): a placement is
# the year's it starts in; the reasons the placement changed and the episode ended are
# the year's it ends in, the return that reports them.
CODE_YEAR_DATE = {
    "placement": "started_on",
    "reason_place_change": "ended_on",
    "reason_ceased": "ended_on",
}
CODE_NOT_USED_THAT_YEAR = "{code} is not a code the {year} return uses (it is used {span})"
PROVIDER_NOT_GIVEN_FOR = "No placement provider is given for a {place} placement (DfE rule 178)"


def episodes_overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two episodes share a day other than one's end and the next one's start."""
    return bool(
        a["started_on"] < (b["ended_on"] or dt.date.max)
        and b["started_on"] < (a["ended_on"] or dt.date.max)
    )


def reason_new_episode_for(
    *, legal_status_changes: bool, placement_changes: bool, same_carer: bool
) -> str:
    """The RNE code of a change (SSDA903): L, P, T, U or B."""
    if legal_status_changes and placement_changes:
        return "U" if same_carer else "B"
    if legal_status_changes:
        return "L"
    if placement_changes:
        return "T" if same_carer else "P"
    raise ValueError("A new episode needs the legal status or the placement to change")


def _aged(date_of_birth: dt.date, years: int, on: dt.date) -> bool:
    return add_years(date_of_birth, years) <= on


def episode_rule_problems(
    episode: Mapping[str, Any],
    *,
    previous: Mapping[str, Any] | None,
    date_of_birth: dt.date | None,
) -> list[tuple[str, str]]:
    """(field, message) for each DfE rule the episode breaks, given the episode before it.

    `episode` and `previous` hold Episode field values; `previous` is the child's episode
    just before (with its end), or None for the child's first.
    """
    problems: list[tuple[str, str]] = []
    start, rne = episode["started_on"], episode.get("reason_new_episode", "")
    legal, place = episode.get("legal_status", ""), episode.get("placement", "")
    if date_of_birth is not None and start < date_of_birth:
        problems.append(
            ("started_on", "The episode cannot start before the child was born (DfE rule 302)")
        )
    if rne == "S" and date_of_birth is not None and _aged(date_of_birth, 18, start):
        problems.append(
            (
                "started_on",
                "A child cannot start to be looked after aged 18 or over (DfE rule 352)",
            )
        )
    if place in TEMPORARY_PLACEMENTS and rne not in {"P", "B"}:
        problems.append(
            (
                "placement",
                "A temporary placement can only follow a change of placement (DfE rule 380)",
            )
        )
    if place == "P1" and legal == "V2":
        problems.append(
            (
                "legal_status",
                "A child placed with parents cannot be accommodated under section 20 "
                "(V2) (DfE rule 378)",
            )
        )
    if (
        legal in {"J1", "J2", "J3"}
        and date_of_birth is not None
        and not add_years(date_of_birth, 10) < start
    ):
        problems.append(
            ("legal_status", "A child under 10 cannot have this legal status (DfE rule 358)")
        )
    problems += episode_code_year_problems(episode, fields=("placement", "reason_place_change"))
    problems += _continuation_problems(episode, previous)
    problems += episode_end_problems(episode, date_of_birth)
    return problems


def episode_code_year_problems(
    episode: Mapping[str, Any], *, fields: Iterable[str] = tuple(CODE_YEAR_DATE)
) -> list[tuple[str, str]]:
    """(field, message) for each code that the collection year its date falls in does
    not use (H5 on an episode from 1 April 2025; Z11 before), and a provider given for
    a placement that has none."""
    problems = []
    for name in fields:
        code, day = episode.get(name) or "", episode.get(CODE_YEAR_DATE[name])
        if not code or day is None:
            continue
        year = collection_year_of(day)
        if not code_valid_in(name, code, year):
            span = EPISODE_CODE_YEARS[name][code].span()
            problems.append(
                (
                    name,
                    CODE_NOT_USED_THAT_YEAR.format(code=code, year=year_label(year), span=span),
                )
            )
    place = episode.get("placement") or ""
    if (
        "placement" in fields
        and place in PLACEMENTS_WITHOUT_PROVIDER
        and episode.get("placement_provider")
    ):
        problems.append(("placement_provider", PROVIDER_NOT_GIVEN_FOR.format(place=place)))
    return problems


def _continuation_problems(
    episode: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> list[tuple[str, str]]:
    rne, start = episode.get("reason_new_episode", ""), episode["started_on"]
    if previous is None:
        if rne != "S":
            return [
                (
                    "reason_new_episode",
                    "A child's first episode is the start of being looked after, RNE S "
                    "(DfE rule 357)",
                )
            ]
        return []
    ended, rec = previous.get("ended_on"), previous.get("reason_ceased", "")
    if ended is None:
        return [("started_on", "The episode before has not ended (DfE rule 142)")]
    if rne == "S":
        if start <= ended:
            return [
                (
                    "started_on",
                    f"A new period of care must start after the last one ended on "
                    f"{long_date(ended)} (DfE rule 431)",
                )
            ]
        return []
    if rec != "X1":
        return [
            (
                "reason_new_episode",
                "The child had stopped being looked after, so this is a new start, RNE S "
                "(DfE rule 432)",
            )
        ]
    problems = []
    if start != ended:
        problems.append(
            (
                "started_on",
                f"A change starts the day the episode before ended, {long_date(ended)} "
                "(DfE rule 433)",
            )
        )
    legal_changes, placement_changes = CHANGES_BY_REASON.get(rne, (None, None))
    legal_changed = episode.get("legal_status") != previous.get("legal_status")
    placement_changed = any(
        (episode.get(f) or "") != (previous.get(f) or "") for f in PLACEMENT_FIELDS
    )
    if legal_changes is not None and legal_changed != legal_changes:
        problems.append(
            (
                "legal_status",
                "The legal status must change (DfE rules 434, 436)"
                if legal_changes
                else "The legal status cannot change with a change of placement only "
                "(DfE rule 435)",
            )
        )
    if placement_changes is not None and placement_changed != placement_changes:
        problems.append(
            (
                "placement",
                "Something about the placement must change: its type, provider or postcode "
                "(DfE rules 435, 436)"
                if placement_changes
                else "The placement cannot change with a change of legal status only "
                "(DfE rule 434)",
            )
        )
    temporary = {episode.get("placement"), previous.get("placement")} & TEMPORARY_PLACEMENTS
    if placement_changes and not temporary and not previous.get("reason_place_change"):
        problems.append(
            ("reason_place_change", "Give the reason the placement changed (DfE rule 225)")
        )
    if temporary and previous.get("reason_place_change"):
        problems.append(
            (
                "reason_place_change",
                "No reason for the change is recorded for a temporary placement (DfE rule 226)",
            )
        )
    return problems


def episode_end_problems(
    episode: Mapping[str, Any], date_of_birth: dt.date | None
) -> list[tuple[str, str]]:
    """(field, message) for each DfE rule broken by how an episode that ends care ends."""
    rec, ended = episode.get("reason_ceased", ""), episode.get("ended_on")
    if not rec or rec == "X1" or ended is None:
        return []
    problems = episode_code_year_problems(episode, fields=("reason_ceased",))
    if episode.get("placement") in TEMPORARY_PLACEMENTS:
        problems.append(
            ("reason_ceased", "A period of care cannot end in a temporary placement (DfE rule 381)")
        )
    if rec in ADOPTED and episode.get("placement") not in ADOPTION_PLACEMENTS:
        problems.append(
            (
                "reason_ceased",
                "A child can only leave care adopted from a placement for adoption, A3 to A6 "
                "(DfE rule 390)",
            )
        )
    if date_of_birth is not None:
        if rec in LEAVING_AGE_AT_LEAST and not _aged(
            date_of_birth, LEAVING_AGE_AT_LEAST[rec], ended
        ):
            problems.append(
                (
                    "reason_ceased",
                    f"The child was under {LEAVING_AGE_AT_LEAST[rec]} when care ended, so the "
                    f"reason cannot be {rec} (DfE rules 387, 389, 460)",
                )
            )
        if rec in LEAVING_AGE_UNDER and _aged(date_of_birth, LEAVING_AGE_UNDER[rec], ended):
            problems.append(
                (
                    "reason_ceased",
                    f"The child was 18 or over when care ended, so the reason cannot be {rec} "
                    "(DfE rules 386, 407)",
                )
            )
    return problems
