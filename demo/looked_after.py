"""Looked-after children: periods of care as SSDA903 episodes, reviews, decisions, contacts.

Numbers follow the Report: about 220 children looked after on the day, an age profile
like ¶25's table, roughly a third leaving each year, and participation like ¶31's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.dates import add_years, age_on
from demo import names
from demo.builder import ChildStory, DemoBuilder
from demo.parts import (
    CATEGORY_OF_NEED,
    ENDINGS,
    FOSTER,
    HOMES,
    PARTICIPATION,
    PLACE_CHANGE_REASONS,
    Deck,
    ending_for,
    placement_options,
    supported_accommodation,
)
from demo.protection import cp_case_before_care
from reviews.models import (
    AdoptionPlacement,
    ContactKind,
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    PlacementOrder,
    ReviewDecision,
    ReviewStatus,
)
from reviews.rules import CareHistory, EpisodeFacts, adoption_facts, lac_schedule
from reviews.services import participation_code_problem, participation_codes_for_age

# Report ¶25, 2018 column: age at the snapshot, in completed years. (Sampled a little
# older than the targets: the adoption cases add young children.)
AGE_BANDS = [((0, 0), 5), ((1, 4), 14), ((5, 9), 26), ((10, 15), 36), ((16, 17), 19)]
LONG_TERM = {"U6": "U4", "U3": "U1"}


@dataclass(frozen=True)
class Placing:
    place: str
    provider: str
    carer: int  # same key, same carer
    urn: str = ""
    postcode: str = ""


@dataclass
class Change:
    on: dt.date
    legal: str | None = None
    placing: Placing | None = None
    reason: str = ""


@dataclass
class PeriodStory:
    """One child's period of care before it becomes rows."""

    kid: ChildStory
    start: dt.date
    end: dt.date | None
    rec: str
    cin: str
    scenario: str
    changes: list[Change]
    overdue: bool = False
    period: PeriodOfCare | None = None
    episodes: list[Episode] = field(default_factory=list)
    # Carried from review to review: a plan and a way of taking part rarely change.
    permanence: str = ""
    participation: str = ""


class LookedAfter:
    def __init__(self, b: DemoBuilder):
        self.b = b
        self.open_children = 0
        self.closed_children = 0
        self.adoptions_now = 0
        # Current in-house foster placements, for linking to households: carer key ->
        # (first day with that carer, episodes now open with them).
        self.carers: dict[int, tuple[dt.date, list[Episode]]] = {}
        self.stories: list[PeriodStory] = []
        self.ages = Deck(b.rng, AGE_BANDS)
        # The short-breaks agreement's open episode, placed with one of the unit's carers.
        self.short_break_episode: Episode | None = None

    # The whole area -----------------------------------------------------------------

    def build(self) -> None:
        b = self.b
        # Cases the demo always shows: a child just into care whose first review is
        # overdue, one whose second review is, one whose six-monthly review is left
        # unheld (overdue, or due if it falls after today), and young children on the way
        # to adoption.
        self.current_family(
            scenario="care_order", k=1, days_in_care=b.rng.randint(38, 46), overdue=True
        )
        self.current_family(
            scenario="care_order", k=1, days_in_care=b.rng.randint(140, 170), overdue=True
        )
        self.current_family(
            scenario="care_order", k=1, days_in_care=b.rng.randint(900, 1500), overdue=True
        )
        self.current_family(scenario="adoption", k=1, days_in_care=b.rng.randint(330, 420))
        self.current_family(scenario="adoption", k=2, days_in_care=b.rng.randint(600, 700))
        self.current_family(scenario="adoption", k=1, days_in_care=b.rng.randint(620, 760))
        target = b.rng.randint(214, 226)
        while self.open_children < target:
            self.current_family()
        closed_target = b.rng.randint(255, 280)
        while self.closed_children < closed_target:
            self.closed_family()
        self.short_breaks_series()
        self.short_breaks_agreement()

    # Families entering care ---------------------------------------------------------

    def current_family(
        self,
        *,
        scenario: str | None = None,
        k: int | None = None,
        days_in_care: int | None = None,
        overdue: bool = False,
    ) -> None:
        """A sibling group looked after today."""
        b = self.b
        k = k or b.sibling_count()
        if scenario == "adoption":
            dobs = [b.as_of - dt.timedelta(days=days_in_care + b.rng.randint(5, 200))]
            if k == 2:
                dobs.insert(0, dobs[0] - b.days(400, 800))
        else:
            dobs = sorted(self._dob_in_band(b.as_of) for _ in range(k))
        youngest = max(dobs)
        if days_in_care is None:
            days_in_care = b.weighted(
                [
                    (b.rng.randint(1, 365), 24),
                    (b.rng.randint(366, 1095), 33),
                    (b.rng.randint(1096, 2190), 27),
                    (b.rng.randint(2191, 4400), 16),
                ]
            )
        days_in_care = max(1, min(days_in_care, (b.as_of - youngest).days))
        start = b.as_of - dt.timedelta(days=days_in_care)
        eldest_age = age_on(dobs[0], start)
        if scenario is None:
            if (
                age_on(youngest, start) < 2
                and eldest_age < 5
                and k <= 2
                and days_in_care > 330
                and self.adoptions_now < 7
                and b.chance(0.3)
            ):
                scenario = "adoption"
            elif (eldest_age >= 12 and b.chance(0.45)) or b.chance(0.1):
                scenario = "s20"
            else:
                scenario = "care_order"
        if scenario == "adoption":
            self.adoptions_now += k
        fam = b.family_new(start, open_kids=k)
        kids = [b.child_new(fam, date_of_birth=dob) for dob in dobs]
        if scenario != "adoption" and b.chance(0.06):
            self._earlier_period(kids, start)
        if scenario == "care_order" and b.chance(0.3):
            cp_case_before_care(b, kids, care_started_on=start)
        self._period(kids, start=start, end=None, scenario=scenario, overdue=overdue)
        self.open_children += k

    def closed_family(self) -> None:
        """A sibling group that left care in the last four years."""
        b = self.b
        end = b.between(b.since, b.as_of - dt.timedelta(days=3))
        kind = b.weighted(
            [("leaver", 20), ("adoption", 10), ("s20", 32), ("care_order", 35), ("remand", 3)]
        )
        k = 1
        if kind == "leaver":
            dobs = [add_years(end, -18)]
            start = b.between(
                max(add_years(dobs[0], 6), end - dt.timedelta(days=4000)),
                end - dt.timedelta(days=60),
            )
            scenario = "s20" if age_on(dobs[0], start) >= 14 and b.chance(0.5) else "care_order"
        elif kind == "adoption":
            k = 2 if b.chance(0.2) else 1
            start = end - b.days(600, 1000)
            dobs = [start - b.days(0, 14) if b.chance(0.4) else start - b.days(15, 500)]
            if k == 2:
                dobs.insert(0, dobs[0] - b.days(400, 900))
            scenario = "adoption"
        elif kind == "remand":
            dobs = [end - b.days(14 * 365, 17 * 365 + 300)]
            start = end - b.days(14, 120)
            scenario = "remand"
        else:
            k = b.sibling_count()
            dobs = sorted(end - b.days(20, 17 * 365 + 300) for _ in range(k))
            if kind == "s20":
                length = b.weighted(
                    [
                        (b.rng.randint(8, 60), 35),
                        (b.rng.randint(61, 240), 40),
                        (b.rng.randint(241, 900), 25),
                    ]
                )
            else:
                length = b.rng.randint(200, 1800)
            length = max(2, min(length, (end - max(dobs)).days - 1))
            start = end - dt.timedelta(days=length)
            scenario = kind
        fam = b.family_new(start)
        kids = [b.child_new(fam, date_of_birth=dob) for dob in dobs]
        if scenario == "care_order" and start > b.since and b.chance(0.3):
            cp_case_before_care(b, kids, care_started_on=start)
        self._period(kids, start=start, end=end, scenario=scenario, leaver=kind == "leaver")
        if end >= b.since:
            self.closed_children += k

    def _earlier_period(self, kids: list[ChildStory], start: dt.date) -> None:
        """An earlier, shorter period under section 20 that ended with a return home."""
        b = self.b
        end = start - b.days(90, 600)
        first = end - b.days(20, 300)
        if first <= max(k.child.date_of_birth for k in kids) + dt.timedelta(days=30):
            return
        self._period(
            kids, start=first, end=end, scenario="s20", rec=b.weighted([("E4A", 70), ("E13", 30)])
        )
        if end >= b.since:
            self.closed_children += len(kids)

    # A period of care ---------------------------------------------------------------

    def _period(
        self,
        kids: list[ChildStory],
        *,
        start: dt.date,
        end: dt.date | None,
        scenario: str,
        overdue: bool = False,
        leaver: bool = False,
        rec: str = "",
    ) -> None:
        b = self.b
        limit = end or b.as_of
        legal = self._legal_changes(scenario, start, limit)
        together = len(kids) == 1 or b.chance(0.75)
        groups = [kids] if together else [[k] for k in kids]
        placements: dict[int, list[Change]] = {}
        for group in groups:
            eldest = min(k.child.date_of_birth for k in group)
            changes = self._placement_changes(scenario, start, limit, eldest, legal)
            for kid in group:
                placements[id(kid)] = changes
        cin = "N6" if scenario == "remand" else b.weighted(CATEGORY_OF_NEED)
        for kid in kids:
            changes = legal + placements[id(kid)]
            last_place = _last_placing(changes).place
            ending = rec
            if end is not None and not ending:
                ending = self._ending(scenario, leaver, last_place)
            story = PeriodStory(
                kid=kid,
                start=start,
                end=end,
                rec=ending,
                cin=cin,
                scenario=scenario,
                changes=changes,
                overdue=overdue,
            )
            self._period_rows(story)
            self.stories.append(story)
            kid.spans.append((start, end, "lac"))
            if end is None:
                kid.open_lac = True

    def _ending(self, scenario: str, leaver: bool, last_place: str) -> str:
        b = self.b
        if scenario == "adoption":
            return b.weighted([("E11", 60), ("E12", 40)])
        if scenario == "remand":
            return b.weighted([("E14", 75), ("E9", 25)])
        return ending_for(b.weighted(ENDINGS["leaver" if leaver else scenario]), last_place)

    def _legal_changes(self, scenario: str, start: dt.date, limit: dt.date) -> list[Change]:
        b = self.b
        out: list[Change] = []
        if scenario == "remand":
            return [Change(start, legal="J1")]
        if scenario == "s20":
            out.append(Change(start, legal="V2"))
            if b.chance(0.12):
                out.append(Change(start + b.days(30, 200), legal="C1"))
                out.append(Change(out[-1].on + b.days(150, 330), legal="C2"))
        elif scenario == "adoption":
            out.append(Change(start, legal="C1"))
            out.append(Change(start + b.days(200, 330), legal="E1"))
        else:
            first = b.weighted([("C1", 82), ("L1", 6), ("L2", 4), ("V2", 8)])
            out.append(Change(start, legal=first))
            day = start
            if first == "L1":
                day += b.days(1, 3)
                out.append(Change(day, legal="C1"))
            elif first == "L2":
                day += b.days(3, 8)
                out.append(Change(day, legal="C1"))
            elif first == "V2":
                day += b.days(20, 150)
                out.append(Change(day, legal="C1"))
            out.append(Change(day + b.days(150, 330), legal="C2"))
        return [c for c in out if c.on < limit]

    def _placing(self, age: int, day: dt.date, scenario: str, legal: str) -> Placing:
        b = self.b
        place, provider = b.weighted(placement_options(age, day, scenario, legal))
        urn = f"SC{b.rng.randint(100000, 999999)}" if place in HOMES else ""
        local = b.chance(0.7)
        postcode = f"{'OV' if local else 'OW'}{b.rng.randint(1, 19)} {b.rng.randint(1, 9)}"
        return Placing(place, provider, b.carer_key(), urn, postcode)

    def _placement_changes(
        self,
        scenario: str,
        start: dt.date,
        limit: dt.date,
        eldest: dt.date,
        legal: list[Change],
    ) -> list[Change]:
        b = self.b

        def legal_on(day: dt.date) -> str:
            return [c.legal for c in legal if c.on <= day][-1]

        current = self._placing(age_on(eldest, start), start, scenario, legal_on(start))
        out = [Change(start, placing=current)]
        since_carer = start
        if scenario == "adoption":
            e1 = next((c.on for c in legal if c.legal == "E1"), None)
            if e1 is not None:
                placed = e1 + b.days(90, 230)
                if placed < limit - dt.timedelta(days=5):
                    same = current.place == "U5"
                    adopters = Placing(
                        "A5" if same else "A6",
                        b.weighted([("PR1", 60), ("PR2", 40)]),
                        current.carer if same else b.carer_key(),
                    )
                    out.append(Change(placed, placing=adopters, reason="CARPL"))
            return [c for c in out if c.on < limit]
        day = start
        while True:
            first_year = (day - start).days < 365
            moves_on = day + dt.timedelta(
                days=int(b.rng.expovariate(1 / (400 if first_year else 700))) + 14
            )
            # A settled foster placement may be confirmed as a long-term match, same carer.
            if current.place in LONG_TERM:
                matched_on = since_carer + b.days(180, 540)
                if matched_on < min(moves_on, limit - dt.timedelta(days=7)) and b.chance(0.7):
                    current = Placing(
                        LONG_TERM[current.place],
                        current.provider,
                        current.carer,
                        current.urn,
                        current.postcode,
                    )
                    out.append(Change(matched_on, placing=current, reason="PLACE"))
            day = moves_on
            if day >= limit - dt.timedelta(days=7):
                break
            age = age_on(eldest, day)
            new = self._placing(age, day, scenario, legal_on(day))
            if age >= 16 and b.chance(0.4):
                supported = supported_accommodation(day)
                new = Placing(supported, "PR4", b.carer_key(), "", new.postcode)
            out.append(Change(day, placing=new, reason=b.weighted(PLACE_CHANGE_REASONS)))
            current, since_carer = new, day
        return out

    def _dob_in_band(self, on: dt.date) -> dt.date:
        b = self.b
        lo, hi = self.ages.draw()
        earliest = add_years(on, -(hi + 1)) + dt.timedelta(days=1)
        latest = add_years(on, -lo) - dt.timedelta(days=7 if lo == 0 else 0)
        return b.between(earliest, latest)

    # Rows ---------------------------------------------------------------------------

    def _period_rows(self, story: PeriodStory) -> None:
        b = self.b
        child = story.kid.child
        period = b.add(
            PeriodOfCare(
                child=child,
                started_on=story.start,
                first_recorded_on=story.start,
                ended_on=story.end,
                is_short_breaks=False,
            )
        )
        story.period = period
        merged: dict[dt.date, Change] = {}
        for change in sorted(story.changes, key=lambda c: c.on):
            into = merged.setdefault(change.on, Change(change.on))
            into.legal = change.legal or into.legal
            into.placing = change.placing or into.placing
            into.reason = change.reason or into.reason
        legal: str | None = None
        placing: Placing | None = None
        episodes: list[Episode] = []
        for day in sorted(merged):
            change = merged[day]
            new_legal = change.legal if change.legal and change.legal != legal else None
            new_placing = change.placing if change.placing and change.placing != placing else None
            if episodes and not new_legal and not new_placing:
                continue
            if not episodes:
                rne = "S"
            else:
                same_carer = new_placing is not None and new_placing.carer == placing.carer
                if new_legal and new_placing:
                    rne = "U" if same_carer else "B"
                elif new_legal:
                    rne = "L"
                else:
                    rne = "T" if same_carer else "P"
                episodes[-1].ended_on = day
                episodes[-1].reason_ceased = "X1"
            legal = new_legal or legal
            placing = new_placing or placing
            episodes.append(
                Episode(
                    child=child,
                    period=period,
                    started_on=day,
                    reason_new_episode=rne,
                    legal_status=legal,
                    category_of_need=story.cin,
                    placement=placing.place,
                    placement_provider=placing.provider,
                    reason_place_change=change.reason if new_placing and episodes else "",
                    home_postcode=story.kid.fam.postcode,
                    placement_postcode=placing.postcode,
                    urn=placing.urn,
                )
            )
            if new_placing is not None and placing.place in FOSTER and placing.provider == "PR1":
                self.carers.setdefault(placing.carer, (day, []))
        if story.end is not None:
            episodes[-1].ended_on = story.end
            episodes[-1].reason_ceased = story.rec
        else:
            last = episodes[-1]
            if last.placement in FOSTER and last.placement_provider == "PR1":
                self.carers[_last_placing(story.changes).carer][1].append(last)
        for episode in episodes:
            b.add(episode)
        story.episodes = episodes
        self._adoption_rows(story)
        self._reviews(story)

    def _adoption_rows(self, story: PeriodStory) -> None:
        b = self.b
        adopted = story.rec in {"E11", "E12"}
        previous = None
        for episode in story.episodes:
            if episode.legal_status == "E1" and previous != "E1":
                b.add(
                    PlacementOrder(
                        child=story.kid.child,
                        granted_on=episode.started_on,
                        ended_on=story.end if adopted else None,
                        note="Placement order granted at the final hearing",
                    )
                )
            if episode.placement in {"A5", "A6"}:
                b.add(
                    AdoptionPlacement(
                        child=story.kid.child,
                        placed_on=episode.started_on,
                        ceased_on=story.end if adopted else None,
                        reason_ceased=story.rec if adopted else "",
                    )
                )
            previous = episode.legal_status

    # Reviews ------------------------------------------------------------------------

    def _reviews(self, story: PeriodStory) -> None:
        b = self.b
        facts = [
            EpisodeFacts(
                started_on=e.started_on,
                ended_on=e.ended_on,
                reason_new_episode=e.reason_new_episode,
                reason_ceased=e.reason_ceased,
                legal_status=e.legal_status,
                placement=e.placement,
            )
            for e in story.episodes
        ]
        authority, placements = adoption_facts(facts)
        # The schedule service reads each review with only the events up to its day; the
        # adoption order that ends the period has not happened by any review in it.
        placements = [(placed, None) for placed, _ in placements]
        limit = story.end or b.as_of
        held: list[dt.date] = []
        while True:
            schedule = lac_schedule(
                CareHistory(
                    started_on=story.start,
                    held_reviews=held,
                    authority_to_place=authority,
                    adoption_placements=placements,
                ),
                calendar=b.calendar,
                timescales=b.timescales,
            )
            due = schedule.next_due.on
            if due >= limit:
                break
            if story.overdue and due >= b.as_of - dt.timedelta(days=75):
                break
            lower = held[-1] + dt.timedelta(days=14) if held else story.start + dt.timedelta(days=5)
            day = self._review_day(due, lower=lower, limit=limit, first=not held)
            if day is None:
                break
            held.append(day)
        previous = story.start
        for number, day in enumerate(held, start=1):
            self._held_review(story, day, number, previous)
            previous = day
        if story.end is None:
            self._book_next(story, due)
            self._contact_since(story, previous)

    def _review_day(
        self, due: dt.date, *, lower: dt.date, limit: dt.date, first: bool
    ) -> dt.date | None:
        b = self.b
        # Most reviews are held a little early; about one in fifty is late.
        day = due + b.days(1, 15) if b.chance(0.02) else due - b.days(0, 8 if first else 25)
        day = b.working_on_or_before(day)
        if day < lower:
            day = b.working_on_or_after(lower)
        if day >= limit or day >= b.as_of:
            day = b.working_on_or_before(min(due, limit, b.as_of) - dt.timedelta(days=1))
            if day < lower:
                return None
        return day

    def _held_review(
        self, story: PeriodStory, day: dt.date, number: int, previous: dt.date
    ) -> None:
        b = self.b
        kid = story.kid
        child = kid.child
        chair = b.chair_at(kid.fam, day)
        codes = participation_codes_for_age(date_of_birth=child.date_of_birth, held_on=day)
        if codes == ["PN0"]:
            code = "PN0"
        elif story.participation in codes and story.participation != "PN0" and b.chance(0.5):
            code = story.participation
        else:
            code = b.weighted([(c, w) for c, w in PARTICIPATION if c in codes])
        story.participation = code
        problem = participation_code_problem(code, date_of_birth=child.date_of_birth, held_on=day)
        if problem:  # the generator must never write what the service would refuse
            raise AssertionError(f"{child.child_id} on {day}: {problem}")
        older = code != "PN0"
        decisions_on = b.add_wd(day, b.rng.randint(1, 5) if b.chance(0.9) else b.rng.randint(6, 10))
        record_on = b.add_wd(day, b.rng.randint(8, 20) if b.chance(0.88) else b.rng.randint(21, 30))
        review = b.add(
            LookedAfterReview(
                child=child,
                period=story.period,
                status=ReviewStatus.HELD,
                scheduled_for=b.at(day),
                venue=b.rng.choice(names.REVIEW_VENUES),
                chair=chair,
                held_on=day,
                participation_code=code,
                child_seen_alone=(b.chance(0.78) if b.chance(0.9) else None) if older else None,
                permanence_plan=self._permanence(story, day) if number > 1 or b.chance(0.5) else "",
                decisions_circulated_on=b.not_after_today(decisions_on),
                record_circulated_on=b.not_after_today(record_on),
            )
        )
        if b.chance(0.02):
            b.add(
                LookedAfterReview(
                    child=child,
                    period=story.period,
                    status=ReviewStatus.CANCELLED,
                    scheduled_for=b.at(day - b.days(7, 14)),
                    venue=review.venue,
                    chair=chair,
                    cancellation_reason=b.rng.choice(names.CANCELLATION_REASONS),
                )
            )
        recent = day >= b.as_of - dt.timedelta(days=730)
        if recent:
            self._decisions(review, older, child, day)
            self._contacts_before(story, day, previous, older)

    def _permanence(self, story: PeriodStory, day: dt.date) -> str:
        """The plan for permanence: kept from review to review, now and then revised."""
        b = self.b
        if story.scenario == "adoption":
            return "b"
        age = story.kid.child.age_on(day) or 0
        if story.permanence and not (age >= 16 and story.permanence != "d") and b.chance(0.9):
            return story.permanence
        if story.scenario == "s20" and (day - story.start).days < 365:
            plan = "a"
        elif age >= 16:
            plan = b.weighted([("d", 60), ("f", 30), ("e", 10)])
        else:
            plan = b.weighted([("f", 45), ("a", 20), ("c", 25), ("e", 5), ("g", 5)])
        story.permanence = plan
        return plan

    def _decisions(self, review, older: bool, child, day: dt.date) -> None:
        b = self.b
        pool = names.REVIEW_DECISIONS if older else names.REVIEW_DECISIONS_YOUNG
        for owner, action in b.rng.sample(pool, b.rng.randint(1, 4)):
            due = day + b.days(14, 90)
            done = None
            # Most are done; one left undone is chased at the next review, so an old
            # decision is rarely still open.
            if due < b.as_of and b.chance(0.85 if (b.as_of - due).days < 180 else 0.99):
                done = min(due + b.days(-20, 10), b.as_of)
                done = max(done, day)
            b.add(
                ReviewDecision(
                    review=review, action=action, owner=owner, due_on=due, completed_on=done
                )
            )

    def _contacts_before(
        self, story: PeriodStory, day: dt.date, previous: dt.date, older: bool
    ) -> None:
        b = self.b
        if b.chance(0.75 if older else 0.3):
            on = day - b.days(1, 10)
            if on > previous:
                self._contact(story, on, "visit", older)
        if (day - previous).days > 60 and b.chance(0.35):
            on = b.between(previous + dt.timedelta(days=20), day - dt.timedelta(days=20))
            self._contact(story, on, b.weighted([("call", 70), ("other", 30)]), older)

    def _contact_since(self, story: PeriodStory, last: dt.date) -> None:
        b = self.b
        if (b.as_of - last).days > 40 and b.chance(0.4):
            on = b.between(last + dt.timedelta(days=14), b.as_of - dt.timedelta(days=1))
            age = story.kid.child.age_on(on) or 0
            self._contact(story, on, b.weighted([("visit", 50), ("call", 50)]), age >= 4)

    def _contact(self, story: PeriodStory, on: dt.date, kind: str, older: bool) -> None:
        b = self.b
        b.add(
            IROContact(
                child=story.kid.child,
                iro=b.iro_at(story.kid.fam, on),
                occurred_on=on,
                kind=kind,
                seen_alone=kind == ContactKind.VISIT and older and b.chance(0.6),
                note=b.rng.choice(names.CONTACT_NOTES[kind]),
            )
        )

    def _book_next(self, story: PeriodStory, due: dt.date) -> None:
        """Book the next review, as business support does once it is due within weeks."""
        b = self.b
        if due >= b.as_of:
            if due > b.as_of + dt.timedelta(days=42) or not b.chance(0.85):
                return
            day = b.working_on_or_before(b.between(max(b.as_of, due - dt.timedelta(days=10)), due))
            if day <= b.as_of:
                day = b.working_on_or_after(b.as_of + dt.timedelta(days=1))
        elif b.chance(0.5):
            day = b.add_wd(b.as_of, b.rng.randint(3, 12))  # booked late
        else:
            return
        review = b.add(
            LookedAfterReview(
                child=story.kid.child,
                period=story.period,
                status=ReviewStatus.SCHEDULED,
                scheduled_for=b.at(day),
                venue=b.rng.choice(names.REVIEW_VENUES),
                chair=b.iro_at(story.kid.fam, b.as_of),
            )
        )
        b.booked_reviews.append(review)

    # Short breaks (reg 48): not counted as looked after -------------------------------

    def short_breaks_series(self) -> None:
        """A disabled child with monthly breaks, each break its own episode (V3).

        A break is under way today, so the series' next review is on the deadlines list.
        """
        b = self.b
        first = b.working_on_or_before(b.as_of - b.days(480, 640))
        fam = b.family_new(first, open_kids=1)
        kid = b.child_new(fam, date_of_birth=first - b.days(9 * 365, 12 * 365), disability=True)
        carer = Placing("K2", "PR1", b.carer_key(), f"SC{b.rng.randint(100000, 999999)}", "OV3 2")
        breaks: list[tuple[dt.date, dt.date | None]] = []
        day = first
        while day + dt.timedelta(days=4) < b.as_of:
            breaks.append((day, day + b.days(2, 3)))
            day = b.working_on_or_before(day + b.days(26, 35))
        today = b.working_on_or_before(b.as_of)
        if today > breaks[-1][1]:
            breaks.append((today, None))
        periods = []
        for start, end in breaks:
            period = b.add(
                PeriodOfCare(
                    child=kid.child,
                    started_on=start,
                    first_recorded_on=start,
                    ended_on=end,
                    is_short_breaks=True,
                )
            )
            b.add(
                Episode(
                    child=kid.child,
                    period=period,
                    started_on=start,
                    reason_new_episode="S",
                    legal_status="V3",
                    category_of_need="N2",
                    placement=carer.place,
                    placement_provider=carer.provider,
                    ended_on=end,
                    reason_ceased="E4A" if end else "",
                    home_postcode=fam.postcode,
                    placement_postcode=carer.postcode,
                    urn=carer.urn,
                )
            )
            periods.append(period)
        held: list[dt.date] = []
        while True:
            schedule = lac_schedule(
                CareHistory(started_on=first, held_reviews=held, short_breaks=True),
                calendar=b.calendar,
                timescales=b.timescales,
            )
            due = schedule.next_due.on
            options = [
                (start, p)
                for (start, _), p in zip(breaks, periods, strict=True)
                if start <= due and (not held or start > held[-1] + dt.timedelta(days=30))
            ]
            if due >= b.as_of or not options:
                break
            day, period = options[-1]
            held.append(day)
            self._short_break_review(kid, period, day)
        kid.spans.append((first, None, "lac"))

    def short_breaks_agreement(self) -> None:
        """A child with a short-breaks agreement (V4) with one of the unit's foster carers."""
        b = self.b
        start = b.as_of - b.days(260, 400)
        fam = b.family_new(start, open_kids=1)
        kid = b.child_new(fam, date_of_birth=start - b.days(6 * 365, 10 * 365), disability=True)
        period = b.add(
            PeriodOfCare(
                child=kid.child, started_on=start, first_recorded_on=start, is_short_breaks=True
            )
        )
        episode = b.add(
            Episode(
                child=kid.child,
                period=period,
                started_on=start,
                reason_new_episode="S",
                legal_status="V4",
                category_of_need="N2",
                placement="U6",
                placement_provider="PR1",
                home_postcode=fam.postcode,
                placement_postcode=fam.postcode,
            )
        )
        self.short_break_episode = episode
        held: list[dt.date] = []
        while True:
            schedule = lac_schedule(
                CareHistory(started_on=start, held_reviews=held, short_breaks=True),
                calendar=b.calendar,
                timescales=b.timescales,
            )
            due = schedule.next_due.on
            if due >= b.as_of:
                break
            day = b.working_on_or_before(due - b.days(0, 20))
            held.append(day)
            self._short_break_review(kid, period, day)
        kid.spans.append((start, None, "lac"))

    def _short_break_review(self, kid: ChildStory, period: PeriodOfCare, day: dt.date) -> None:
        b = self.b
        codes = participation_codes_for_age(date_of_birth=kid.child.date_of_birth, held_on=day)
        code = (
            b.weighted([(c, w) for c, w in [("PN3", 40), ("PN5", 20), ("PN6", 40)] if c in codes])
            if "PN3" in codes
            else "PN0"
        )
        b.add(
            LookedAfterReview(
                child=kid.child,
                period=period,
                status=ReviewStatus.HELD,
                scheduled_for=b.at(day),
                venue="Short-break home",
                chair=b.chair_at(kid.fam, day),
                held_on=day,
                participation_code=code,
                permanence_plan="a",
                decisions_circulated_on=b.not_after_today(b.add_wd(day, 4)),
                record_circulated_on=b.not_after_today(b.add_wd(day, 15)),
            )
        )


def _last_placing(changes: list[Change]) -> Placing:
    return [c.placing for c in sorted(changes, key=lambda c: c.on) if c.placing][-1]
