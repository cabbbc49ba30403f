"""Merge CIN census returns into children, enquiries, plans and conferences.

Idempotent and order-free: children are matched by ID, enquiries by child and strategy
discussion date, plans by child and start, conferences by child, date and kind. Each row
records the collection year it was last loaded from, and a return only updates rows
from its own year or earlier (returns.rules.later_return_wins), so the last three years
loaded in any order, or one year twice, leave the same records.

A plan's review conferences come from the latest return that holds the plan: each
return lists every review held so far, so it replaces the review conferences an earlier
return loaded. Conferences entered in Oversight (no return year) are never removed.

Every file is read and checked before anything is written, and everything is written in
one transaction: one bad file, or a plan that would overlap one already recorded, and
nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from core.codes import CategoryOfAbuse
from core.dates import long_date, year_end
from core.models import later_return_wins
from core.services import rows_create_with_history, rows_update_with_history
from iro.models import Child
from iro.services import ImportedValue, children_upsert_from_return
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceKind,
    ConferenceOutcome,
    ConferenceStatus,
    Section47Enquiry,
)
from protection.services import plan_schedules_refresh, section47_schedules_refresh
from returns.cin_census import codes
from returns.cin_census.reader import (
    CensusChild,
    CensusPlan,
    CensusProblem,
    CensusRefused,
    CensusReturn,
    census_read,
)
from returns.models import CinCensusChild, CinCensusReturn, ImportRun
from returns.rules import return_year_from_name, year_label
from returns.services import DisagreementTally, import_disagreements_record

CHUNK = 250
YEAR_DISAGREES = (
    "the file is said to be the {given} census but its ReferenceDate makes it {found}: "
    "nothing was loaded"
)
KINDS = (
    "children",
    "section 47 enquiries",
    "plans",
    "initial conferences",
    "review conferences",
)
Progress = Callable[[str, int, int], None]


@dataclass
class ImportSummary:
    """What an import added, changed and left alone, per kind of record."""

    files: list[str] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    notes: list[str] = field(default_factory=list)
    # What the census gives for things people recorded in Oversight, which it left as
    # they were (returns.services.import_disagreements_record).
    found: list[ImportedValue] = field(default_factory=list)
    disagreements: DisagreementTally = field(default_factory=DisagreementTally)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[kind][outcome] += n


def cin_census_import(
    *,
    paths: Sequence[str | Path],
    year: int | None = None,
    progress: Progress | None = None,
    import_run: ImportRun | None = None,
) -> ImportSummary:
    """Load CIN census files (any years, any order), or raise CensusRefused and save nothing.

    `year` (2019 for 2019-20) is the council's word for the year of every file given,
    else each file's name says it when it can (cin_2019.xml); either must agree with
    the file's ReferenceDate, or the file is refused naming both. What people recorded
    in Oversight (a child's corrected details, an enquiry withdrawn) is kept, and where
    the census disagrees the difference is recorded, for `import_run` if given.
    """
    problems: list[CensusProblem] = []
    returns: list[CensusReturn] = []
    for path in paths:
        try:
            census = census_read(path)
        except CensusRefused as exc:
            problems.extend(exc.problems)
            continue
        said = year if year is not None else return_year_from_name(Path(path).name)
        if said is not None and said != census.year:
            problems.append(
                CensusProblem(
                    file=census.file,
                    line=None,
                    child=None,
                    element="ReferenceDate",
                    message=YEAR_DISAGREES.format(
                        given=year_label(said), found=year_label(census.year)
                    ),
                )
            )
            continue
        returns.append(census)
    if problems:
        raise CensusRefused(problems)

    summary = ImportSummary(files=[r.file for r in returns])
    # The DfE's queries (18A from 2024-25): the file is read, the council told.
    summary.notes += [str(query) for r in returns for query in r.queries]
    with transaction.atomic():
        child_pks: set[int] = set()
        for census in sorted(returns, key=lambda r: r.year):
            child_pks |= CensusLoad(census, summary, progress).run()
        for pks in _chunks(sorted(child_pks), 500):
            section47_schedules_refresh(
                enquiries=list(Section47Enquiry.objects.filter(child__in=pks))
            )
            plan_schedules_refresh(plans=list(ChildProtectionPlan.objects.filter(child__in=pks)))
        years = ", ".join(year_label(r.year) for r in sorted(returns, key=lambda r: r.year))
        summary.disagreements = import_disagreements_record(
            found=summary.found, source=f"the CIN census {years}", import_run=import_run
        )
    return summary


def _outcome(outcome: str, plan: CensusPlan | ChildProtectionPlan | None = None) -> dict:
    """A conference's outcome for a child as an import disagreement keeps it: the plan's
    initial category too, where it started one."""
    started = outcome == ConferenceOutcome.PLAN_STARTED
    return {"outcome": outcome, "category": plan.initial_category if started and plan else ""}


def _initial_outcome(c: CensusChild, held_on: dt.date) -> dict:
    """What the census says an initial conference decided: a plan if one starts that day."""
    plan = next((p for p in c.plans if p.started_on == held_on), None)
    if plan is None:
        return _outcome(ConferenceOutcome.NO_PLAN)
    return _outcome(ConferenceOutcome.PLAN_STARTED, plan)


def _outcome_text(value: dict) -> str:
    text = str(ConferenceOutcome(value["outcome"]).label)
    if value.get("category"):
        text += f" ({CategoryOfAbuse(value['category']).label.lower()})"
    return text


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _child_values(c: CensusChild) -> dict:
    values = {
        "date_of_birth": c.date_of_birth,
        "expected_date_of_birth": c.expected_date_of_birth,
        "sex": c.sex,
        "ethnicity": c.ethnicity,
        "upn": c.upn,
    }
    if c.disabilities:
        values["disability"] = any(d != codes.NO_DISABILITY for d in c.disabilities)
    return values


@dataclass
class _Pending:
    """Changes to rows already stored, written together at the end of a chunk: a few
    queries per kind of record, however many children the chunk holds."""

    changed: dict[type[models.Model], dict[int, models.Model]] = field(default_factory=dict)
    fields: dict[type[models.Model], set[str]] = field(default_factory=dict)
    year_only: dict[type[models.Model], dict[int, models.Model]] = field(default_factory=dict)
    conference_years: set[int] = field(default_factory=set)
    removed_entries: set[int] = field(default_factory=set)

    def change(self, row: models.Model, names: Sequence[str]) -> None:
        model = type(row)
        self.changed.setdefault(model, {})[row.pk] = row
        self.fields.setdefault(model, set()).update(names)
        self.year_only.get(model, {}).pop(row.pk, None)

    def year_changed(self, row: models.Model) -> None:
        model = type(row)
        if row.pk not in self.changed.get(model, {}):
            self.year_only.setdefault(model, {})[row.pk] = row

    def write(self, year: int) -> None:
        """Save each changed row with its history row, as row.save() would, and the rows
        whose only change is the year their values came from (no history, as before)."""
        now = timezone.now()
        for model, rows in self.changed.items():
            kept = [r for pk, r in rows.items() if not self._removed(model, pk)]
            for row in kept:
                row.updated_at = now  # type: ignore[attr-defined]
            rows_update_with_history(
                kept,
                model,
                [*sorted(self.fields[model]), *_year_field(model), "updated_at"],
                batch_size=500,
            )
        for model, rows in self.year_only.items():
            model._default_manager.filter(pk__in=list(rows)).update(return_year=year)
        if self.conference_years:
            ChildProtectionConference.objects.filter(pk__in=sorted(self.conference_years)).update(
                return_year=year
            )

    def _removed(self, model: type[models.Model], pk: int) -> bool:
        return model is ConferenceChild and pk in self.removed_entries


def _year_field(model: type[models.Model]) -> list[str]:
    return [] if model is ConferenceChild else ["return_year"]


class CensusLoad:
    """One return merged into the database, a chunk of children at a time (also how an
    SSD extract's census years are loaded, returns.ssd.importer)."""

    def __init__(
        self, census: CensusReturn, summary: ImportSummary, progress: Progress | None
    ) -> None:
        self.census = census
        self.year = census.year
        self.summary = summary
        self.progress = progress
        self.problems: list[CensusProblem] = []
        self.provisional_ends: dict[tuple[int, dt.date], dt.date] = {}

    def run(self) -> set[int]:
        children = self.census.children
        child_pks: set[int] = set()
        for done, chunk in enumerate(_chunks(children, CHUNK), start=1):
            child_pks |= self.load_chunk(chunk)
            if self.progress:
                self.progress(self.census.file, min(done * CHUNK, len(children)), len(children))
        if self.problems:
            raise CensusRefused(self.problems)
        CinCensusReturn.objects.update_or_create(
            return_year=self.year,
            defaults={"la_code": self.census.la_code, "file_name": Path(self.census.file).name},
        )
        return child_pks

    def problem(self, c: CensusChild, line: int, element: str, message: str) -> None:
        self.problems.append(CensusProblem(self.census.file, line, c.child_id, element, message))

    def load_chunk(self, chunk: Sequence[CensusChild]) -> set[int]:
        # As child_upsert_from_return one at a time: a child changed only in its year
        # still gets a history row, with no reason given.
        upserted = children_upsert_from_return(
            rows={c.child_id: (self.year, _child_values(c)) for c in chunk},
            change_reason=None,
            year_only_history=True,
            found=self.summary.found,
        )
        children: dict[str, Child] = {}
        for c in chunk:
            child, outcome = upserted[c.child_id]
            self.summary.add("children", outcome)
            children[c.child_id] = child
        pks = [child.pk for child in children.values()]
        self.pending = _Pending()

        self.plans: dict[int, dict[dt.date, ChildProtectionPlan]] = defaultdict(dict)
        self.plans_by_pk: dict[int, ChildProtectionPlan] = {}
        for plan in ChildProtectionPlan.objects.filter(child__in=pks):
            self.plans[plan.child_id][plan.started_on] = plan
            self.plans_by_pk[plan.pk] = plan
        self.enquiries: dict[int, dict[dt.date, Section47Enquiry]] = defaultdict(dict)
        # An enquiry a person withdrew is read too (in the same query): a census that
        # still holds it must not bring it back.
        self.withdrawn: dict[int, dict[dt.date, Section47Enquiry]] = defaultdict(dict)
        for enquiry in Section47Enquiry.all_objects.filter(child__in=pks):
            held = self.withdrawn if enquiry.is_withdrawn else self.enquiries
            held[enquiry.child_id][enquiry.strategy_discussion_on] = enquiry
        self.entries: dict[tuple[int, str, dt.date], ConferenceChild] = {}
        self.entries_by_plan: dict[int, list[ConferenceChild]] = defaultdict(list)
        self.entries_by_enquiry: dict[int, list[ConferenceChild]] = defaultdict(list)
        for entry in ConferenceChild.objects.filter(
            child__in=pks,
            conference__status=ConferenceStatus.HELD,
            conference__kind__in=[ConferenceKind.INITIAL, ConferenceKind.REVIEW],
        ).select_related("conference"):
            conference = entry.conference
            self.entries[(entry.child_id, conference.kind, conference.held_on)] = entry
            if entry.plan_id:
                self.entries_by_plan[entry.plan_id].append(entry)
            if entry.section47_id:
                self.entries_by_enquiry[entry.section47_id].append(entry)

        loadable = [c for c in chunk if self.plans_fit(c, children[c.child_id])]
        self.store_entries(loadable, children)
        self.new_enquiries: list[Section47Enquiry] = []
        self.new_plans: list[ChildProtectionPlan] = []
        self.new_conferences: list[tuple[ChildProtectionConference, ConferenceChild]] = []
        owned = {
            c.child_id: (
                self.merge_enquiries(c, children[c.child_id]),
                self.merge_plans(c, children[c.child_id]),
            )
            for c in loadable
        }
        rows_create_with_history(self.new_enquiries, Section47Enquiry)
        rows_create_with_history(self.new_plans, ChildProtectionPlan)
        for c in loadable:
            child = children[c.child_id]
            owned_enquiries, owned_plans = owned[c.child_id]
            self.merge_initial_conferences(c, child, owned_enquiries)
            for census_plan, plan in owned_plans:
                self.merge_reviews(child, census_plan, plan)
        self.create_conferences()
        self.pending.write(self.year)
        return set(pks)

    def plans_fit(self, c: CensusChild, child: Child) -> bool:
        """Refuse a plan that would overlap one already recorded for the child.

        A plan open in a return is only known to be open until that return's 31 March.
        When a later plan starts after that, the open plan ended in between: until the
        return that holds its end is loaded, it is recorded as ended when the next one
        started (and a note says so). Plans that overlap in known time are refused.
        """
        spans: dict[dt.date, list] = {}  # start -> [start, end, open until, line, plan]
        for start, plan in self.plans[child.pk].items():
            known_until = year_end(plan.return_year) if plan.return_year else None
            spans[start] = [start, plan.ended_on, known_until, None, plan]
        for census_plan in c.plans:
            existing = self.plans[child.pk].get(census_plan.started_on)
            if existing is None or later_return_wins(existing.return_year, self.year):
                spans[census_plan.started_on] = [
                    census_plan.started_on,
                    census_plan.ended_on,
                    self.census.reference_date,
                    census_plan.line,
                    existing,
                ]
        ordered = sorted(spans.values(), key=lambda span: span[0])
        closed: list[tuple[list, dt.date]] = []
        for earlier, later in pairwise(ordered):
            if earlier[1] is None and earlier[2] is not None and later[0] > earlier[2]:
                closed.append((earlier, later[0]))
                earlier[1] = later[0]
            elif later[0] < (earlier[1] or dt.date.max):
                ours, theirs = (later, earlier) if later[3] else (earlier, later)
                self.problem(
                    c,
                    ours[3] or c.line,
                    "CPPstartDate",
                    f"the plan from {long_date(ours[0])} overlaps the plan from "
                    f"{long_date(theirs[0])} already recorded for this child",
                )
                return False
        for span, ended_on in closed:
            self.provisional_ends[(child.pk, span[0])] = ended_on
            self.summary.notes.append(
                f"{c.child_id}: the plan from {long_date(span[0])} is open in the latest "
                f"return loaded that holds it, and the next plan started on "
                f"{long_date(ended_on)}; it is recorded as ended then until the return "
                f"that holds its end is loaded"
            )
            plan = span[4]
            if span[3] is None and plan is not None:  # recorded earlier, not in this file
                plan.ended_on = ended_on
                plan.save()
        return True

    def store_entries(self, chunk: Sequence[CensusChild], children: dict[str, Child]) -> None:
        """Keep each child's census entry for this year, for writing the census back."""
        stored = {
            e.child_id: e
            for e in CinCensusChild.objects.filter(
                child__in=[children[c.child_id].pk for c in chunk], return_year=self.year
            )
        }
        new, changed = [], []
        for c in chunk:
            child = children[c.child_id]
            values = {
                "upn_unknown": c.upn_unknown,
                "former_upn": c.former_upn,
                "died_on": c.died_on,
                "disabilities": list(c.disabilities),
                "episodes": [e.as_stored() for e in c.episodes],
            }
            entry = stored.get(child.pk)
            if entry is None:
                new.append(CinCensusChild(child=child, return_year=self.year, **values))
            elif any(getattr(entry, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(entry, k, v)
                changed.append(entry)
        CinCensusChild.objects.bulk_create(new)
        if changed:
            CinCensusChild.objects.bulk_update(changed, [*values, "updated_at"])

    def merge_enquiries(self, c: CensusChild, child: Child) -> list[Section47Enquiry]:
        """Add or update the child's enquiries; return those this return now speaks for."""
        owned = []
        for s in c.section47s:
            enquiry = self.enquiries[child.pk].get(s.started_on)
            withdrawn = self.withdrawn[child.pk].get(s.started_on)
            if enquiry is None and withdrawn is not None:
                self.withdrawn_kept(child, withdrawn)
                continue
            if enquiry is None:
                enquiry = Section47Enquiry(
                    child=child,
                    strategy_discussion_on=s.started_on,
                    icpc_not_required=s.icpc_not_required,
                    concluded_on=s.icpc_on,
                    return_year=self.year,
                )
                self.new_enquiries.append(enquiry)
                self.enquiries[child.pk][s.started_on] = enquiry
                self.summary.add("section 47 enquiries", "added")
            elif later_return_wins(enquiry.return_year, self.year):
                values = {
                    "icpc_not_required": s.icpc_not_required,
                    "concluded_on": s.icpc_on or enquiry.concluded_on,
                }
                self.update(enquiry, values, "section 47 enquiries")
            else:
                self.summary.add("section 47 enquiries", "unchanged")
                continue
            owned.append((s, enquiry))
        return owned

    def withdrawn_kept(self, child: Child, enquiry: Section47Enquiry) -> None:
        """Keep withdrawn an enquiry a person withdrew that the census holds, noting the
        difference for a person to decide."""
        self.summary.add("section 47 enquiries", "unchanged")
        day = long_date(enquiry.strategy_discussion_on)
        self.summary.found.append(
            ImportedValue(
                child_pk=child.pk,
                record_kind="section47",
                record_pk=enquiry.pk,
                field="withdrawn",
                ours=True,
                theirs=False,
                record_label=f"Section 47 enquiry from a strategy discussion on {day}",
                ours_text=f"Withdrawn in Oversight: {enquiry.withdrawn_reason}",
                theirs_text=f"In the CIN census {year_label(self.year)}, not withdrawn",
            )
        )

    def merge_plans(
        self, c: CensusChild, child: Child
    ) -> list[tuple[CensusPlan, ChildProtectionPlan]]:
        owned = []
        for p in c.plans:
            plan = self.plans[child.pk].get(p.started_on)
            icpc = self.own_entry(child.pk, ConferenceKind.INITIAL, p.started_on)
            if plan is None and icpc is not None and icpc.outcome == ConferenceOutcome.NO_PLAN:
                # The initial conference held in Oversight decided no plan: the census's
                # plan waits for a person to choose (returns.services: taking it starts it).
                self.outcome_found(icpc, theirs=_outcome(ConferenceOutcome.PLAN_STARTED, p))
                self.summary.add("plans", "unchanged")
                continue
            values = {
                "ended_on": p.ended_on or self.provisional_ends.get((child.pk, p.started_on)),
                "initial_category": p.initial_category,
                "latest_category": p.latest_category,
                "previous_plans": p.previous_plans,
                "reference": p.reference,
            }
            if plan is not None:
                self.keep_conferences_decisions(plan, values, icpc)
            if plan is None:
                plan = ChildProtectionPlan(
                    child=child, started_on=p.started_on, return_year=self.year, **values
                )
                self.new_plans.append(plan)
                self.plans[child.pk][p.started_on] = plan
                self.summary.add("plans", "added")
            elif later_return_wins(plan.return_year, self.year):
                self.update(plan, values, "plans")
            else:
                self.summary.add("plans", "unchanged")
                continue
            owned.append((p, plan))
        return owned

    def own_entry(self, child_pk: int, kind: str, held_on: dt.date) -> ConferenceChild | None:
        """The child's conference of that kind and day recorded held in Oversight (no return
        year): a census may disagree with its outcome, but never changes it."""
        entry = self.entries.get((child_pk, kind, held_on))
        if entry is None or entry.pk is None or entry.conference.return_year is not None:
            return None
        return entry

    def keep_conferences_decisions(
        self, plan: ChildProtectionPlan, values: dict, icpc: ConferenceChild | None
    ) -> None:
        """Leave what conferences held in Oversight decided of a plan (its category, and
        whether it ended at a review) as they decided it, whatever the census says; where
        the census holds the same conference, merge_conference notes any difference."""
        if icpc is not None and icpc.plan_id == plan.pk:
            values["initial_category"] = plan.initial_category
        own_reviews = [
            entry
            for entry in self.entries_by_plan.get(plan.pk, [])
            if entry.pk is not None
            and entry.conference.kind == ConferenceKind.REVIEW
            and entry.conference.return_year is None
        ]
        continued = {
            e.conference.held_on for e in own_reviews if e.outcome != ConferenceOutcome.PLAN_ENDED
        }
        ended_here = any(e.outcome == ConferenceOutcome.PLAN_ENDED for e in own_reviews)
        if ended_here or values["ended_on"] in continued:
            values["ended_on"] = plan.ended_on

    def outcome_found(self, entry: ConferenceChild, *, theirs: dict) -> bool:
        """Note what the census gives as the outcome of a conference held in Oversight,
        beside the unit's own; True where they differ (the unit's is kept)."""
        plan = self.plans_by_pk.get(entry.plan_id) if entry.plan_id else None
        ours = _outcome(entry.outcome, plan)
        conference = entry.conference
        assert conference.held_on is not None  # a held conference has its day (a constraint)
        kind = "Initial" if conference.kind == ConferenceKind.INITIAL else "Review"
        self.summary.found.append(
            ImportedValue(
                child_pk=entry.child_id,
                record_kind="conference",
                record_pk=entry.pk,
                field="outcome",
                ours=ours,
                theirs=theirs,
                record_label=(
                    f"{kind} child protection conference held on {long_date(conference.held_on)}"
                ),
                ours_text=_outcome_text(ours),
                theirs_text=f"In the CIN census {year_label(self.year)}: {_outcome_text(theirs)}",
            )
        )
        return ours != theirs

    def update(self, row, values: dict, kind: str) -> None:
        """Apply a return's values to a row it may update; count whether anything changed."""
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        for k in changed:
            setattr(row, k, values[k])
        if changed:
            row.return_year = self.year
            self.pending.change(row, changed)
        elif row.return_year != self.year:
            row.return_year = self.year
            self.pending.year_changed(row)
        self.summary.add(kind, "changed" if changed else "unchanged")

    def merge_initial_conferences(self, c: CensusChild, child: Child, owned: list[tuple]) -> None:
        """An enquiry's initial conference, and the plan it started (CIN rule 2885)."""
        for s, enquiry in owned:
            for entry in self.entries_by_enquiry.get(enquiry.pk, []):
                conference = entry.conference
                if (
                    conference.kind == ConferenceKind.INITIAL
                    and conference.return_year is not None
                    and conference.held_on != s.icpc_on
                ):
                    self.remove(entry, "initial conferences")
            if s.icpc_on:
                self.merge_conference(
                    child,
                    ConferenceKind.INITIAL,
                    s.icpc_on,
                    section47=enquiry,
                    theirs=_initial_outcome(c, s.icpc_on),
                )
        # An initial conference recorded on the CIN episode, with no enquiry in it: in
        # practice a transfer-in (RULES.md §6, UNCONFIRMED). Without the notification date
        # it is kept as an initial conference that no enquiry led to.
        for episode in c.episodes:
            if episode.icpc_on:
                entry = self.entries.get((child.pk, ConferenceKind.INITIAL, episode.icpc_on))
                if entry and not later_return_wins(entry.conference.return_year, self.year):
                    self.summary.add("initial conferences", "unchanged")
                    continue
                self.merge_conference(
                    child,
                    ConferenceKind.INITIAL,
                    episode.icpc_on,
                    theirs=_initial_outcome(c, episode.icpc_on),
                )

    def merge_reviews(self, child: Child, p: CensusPlan, plan: ChildProtectionPlan) -> None:
        wanted = set(p.reviews)
        for entry in self.entries_by_plan.get(plan.pk, []):
            conference = entry.conference
            if (
                conference.kind == ConferenceKind.REVIEW
                and conference.return_year is not None
                and conference.held_on not in wanted
            ):
                self.remove(entry, "review conferences")
        for day in sorted(wanted):
            ended = p.ended_on == day
            theirs = _outcome(
                ConferenceOutcome.PLAN_ENDED if ended else ConferenceOutcome.PLAN_CONTINUED
            )
            self.merge_conference(child, ConferenceKind.REVIEW, day, plan=plan, theirs=theirs)

    def merge_conference(
        self,
        child: Child,
        kind: str,
        held_on: dt.date,
        *,
        section47: Section47Enquiry | None = None,
        plan: ChildProtectionPlan | None = None,
        theirs: dict,
    ) -> None:
        """Add or update the child's conference of that kind and day. One held in Oversight
        keeps its outcome where `theirs`, the census's, differs (the difference is noted);
        one the census agrees with is the census's from then on."""
        counted = f"{kind} conferences"
        own = self.own_entry(child.pk, kind, held_on)
        if own is not None and self.outcome_found(own, theirs=theirs):
            self.summary.add(counted, "unchanged")
            return
        if kind == ConferenceKind.INITIAL:
            plan = self.plans[child.pk].get(held_on)
            outcome = ConferenceOutcome.PLAN_STARTED if plan else ConferenceOutcome.NO_PLAN
        else:
            ended_here = plan.ended_on == held_on
            outcome = (
                ConferenceOutcome.PLAN_ENDED if ended_here else ConferenceOutcome.PLAN_CONTINUED
            )
        entry = self.entries.get((child.pk, kind, held_on))
        if entry is None:
            conference = ChildProtectionConference(
                kind=kind, status=ConferenceStatus.HELD, held_on=held_on, return_year=self.year
            )
            entry = ConferenceChild(child=child, section47=section47, plan=plan, outcome=outcome)
            self.new_conferences.append((conference, entry))
            self.entries[(child.pk, kind, held_on)] = entry
            self.summary.add(counted, "added")
            return
        # Compare ids, not related rows: reading entry.plan would cost a query each.
        links = {"plan_id": (plan, plan.pk if plan else None), "outcome": (outcome, outcome)}
        if section47 is not None:
            links["section47_id"] = (section47, section47.pk)
        changed = [k for k, (_, v) in links.items() if getattr(entry, k) != v]
        for k in changed:
            setattr(entry, k.removesuffix("_id"), links[k][0])
        if entry.pk is None:  # added earlier in this chunk
            return
        if changed:
            self.pending.change(entry, [k.removesuffix("_id") for k in changed])
        conference = entry.conference
        if conference.return_year != self.year:
            conference.return_year = self.year
            self.pending.conference_years.add(conference.pk)
        self.summary.add(counted, "changed" if changed else "unchanged")

    def remove(self, entry: ConferenceChild, kind: str) -> None:
        conference = entry.conference
        self.pending.removed_entries.add(entry.pk)
        entry.delete()
        if not conference.covered.exists():
            conference.delete()
        self.entries.pop((entry.child_id, conference.kind, conference.held_on), None)
        self.summary.add(kind, "removed")

    def create_conferences(self) -> None:
        if not self.new_conferences:
            return
        conferences = rows_create_with_history(
            [conference for conference, _ in self.new_conferences], ChildProtectionConference
        )
        entries = []
        for conference, (_, entry) in zip(conferences, self.new_conferences, strict=True):
            entry.conference = conference
            entries.append(entry)
        rows_create_with_history(entries, ConferenceChild)
