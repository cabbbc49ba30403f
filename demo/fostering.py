"""Foster carer households, their annual reviews, and the children placed with them.

About sixty in-house households: mainstream carers approved over many years, connected
persons approved for the children they care for, and one short-breaks household. Most
are reviewed by the unit's independent fostering reviewing officer (Report ¶15); an IRO
reviews a few, never carers of a child the IRO holds.
"""

from __future__ import annotations

import datetime as dt

from core.dates import add_years
from demo import names
from demo.builder import DemoBuilder
from demo.looked_after import LookedAfter
from fostering.models import FosterCarerHousehold, FosterCarerReview
from reviews.models import Episode

HOUSEHOLDS = 60
KIN = {"U1", "U2", "U3"}
MAX_CHILDREN = 3

# Terms of approval: (number of children, youngest, oldest, kinds of care, other conditions).
Terms = tuple[int, int, int, list[str], str]
TERMS_MAINSTREAM: list[Terms] = [
    (2, 0, 18, ["short_term", "long_term"], ""),
    (3, 0, 18, ["short_term", "long_term"], "Including sibling groups"),
    (1, 0, 10, ["emergency", "short_term"], ""),
    (2, 5, 18, ["long_term"], ""),
    (2, 0, 5, ["parent_and_child", "short_term"], ""),
    (2, 11, 18, ["long_term", "remand"], ""),
]
TERMS_CONNECTED: Terms = (2, 0, 18, ["connected_person"], "For the named children only")
TERMS_SHORT_BREAKS: Terms = (2, 5, 18, ["short_breaks"], "Disabled children")


class Fostering:
    def __init__(self, b: DemoBuilder, looked_after: LookedAfter):
        self.b = b
        self.looked_after = looked_after
        self.placed: dict[int, list[Episode]] = {}  # id(household) -> open episodes

    def build(self) -> None:
        b = self.b
        carers = sorted(
            (key, since, episodes)
            for key, (since, episodes) in self.looked_after.carers.items()
            if episodes
        )
        kin = [c for c in carers if c[2][0].placement in KIN]
        mainstream = [c for c in carers if c[2][0].placement not in KIN]
        kin = b.rng.sample(kin, min(len(kin), 12))
        households: list[FosterCarerHousehold] = []
        for _key, since, episodes in sorted(kin, key=lambda c: c[0]):
            household = self._household(
                approved_on=min(since - b.days(0, 10), b.as_of - dt.timedelta(days=1)),
                terms=TERMS_CONNECTED,
                surname=episodes[0].child.last_name if b.chance(0.6) else None,
            )
            self._place(household, episodes)
            households.append(household)

        short_breaks = self._household(
            approved_on=b.as_of - b.days(3 * 365, 8 * 365), terms=TERMS_SHORT_BREAKS
        )
        if self.looked_after.short_break_episode is not None:
            self._place(short_breaks, [self.looked_after.short_break_episode])
        households.append(short_breaks)

        # Two households whose review is overdue: a first review a few weeks late, and a
        # third annual review not yet held.
        late_first = self._household(approved_on=add_years(b.as_of, -1) - b.days(15, 40))
        late_third = self._household(approved_on=add_years(b.as_of, -3) - b.days(45, 60))
        mainstream_households = [late_first, late_third]
        for _ in range(HOUSEHOLDS - len(households) - len(mainstream_households)):
            if b.chance(0.12):
                approved = b.as_of - b.days(30, 364)
            else:
                approved = b.as_of - b.days(365, 16 * 365)
            mainstream_households.append(self._household(approved_on=approved))
        households += mainstream_households

        for _key, since, episodes in mainstream:
            eligible = [
                h
                for h in mainstream_households
                if h.approved_on <= since - dt.timedelta(days=30)
                and len(self.placed.get(id(h), [])) + len(episodes) <= MAX_CHILDREN
            ]
            if eligible and b.chance(0.9):
                self._place(b.rng.choice(eligible), episodes)

        # A few carers have resigned or retired: approval ended, no child placed now.
        empty = [
            h
            for h in mainstream_households[2:]
            if id(h) not in self.placed and h.approved_on < b.as_of - dt.timedelta(days=800)
        ]
        for household in b.rng.sample(empty, min(3, len(empty))):
            household.approval_ended_on = b.between(
                add_years(household.approved_on, 1), b.as_of - dt.timedelta(days=30)
            )

        for household in households:
            household.reviewing_officer = self._officer(household)
            self._reviews(
                household,
                overdue=household in (late_first, late_third),
                on_time=household is late_third,
            )

    def _household(
        self,
        *,
        approved_on: dt.date,
        terms: Terms | None = None,
        surname: str | None = None,
    ) -> FosterCarerHousehold:
        b = self.b
        surname = surname or b.rng.choice(names.SURNAMES)
        woman = b.rng.choice(names.ADULT_WOMEN)
        carers = (
            f"{woman} and {b.rng.choice(names.ADULT_MEN)} {surname}"
            if b.chance(0.7)
            else f"{woman} {surname}"
        )
        places, age_from, age_to, care_types, conditions = terms or b.rng.choice(TERMS_MAINSTREAM)
        return b.add(
            FosterCarerHousehold(
                reference=b.reference("FC"),
                name=carers,
                approved_on=approved_on,
                places=places,
                age_from=age_from,
                age_to=age_to,
                care_types=care_types,
                terms_of_approval=conditions,
            )
        )

    def _place(self, household: FosterCarerHousehold, episodes: list[Episode]) -> None:
        for episode in episodes:
            episode.foster_household = household
        self.placed.setdefault(id(household), []).extend(episodes)

    def _officer(self, household: FosterCarerHousehold):
        """The fostering reviewing officer, or an IRO holding none of the children placed."""
        b = self.b
        if b.chance(0.8):
            return b.users["fosterreviewer"]
        # Any IRO who has held a child placed here, at any time, would be conflicted.
        held_by = {
            index
            for episode in self.placed.get(id(household), [])
            for _, index, _ in b.story_of(episode.child).fam.iro_changes
        }
        free = [iro for i, iro in enumerate(b.iros) if i not in held_by]
        return b.rng.choice(free).user if free else b.users["fosterreviewer"]

    def _reviews(self, household: FosterCarerHousehold, *, overdue: bool, on_time: bool) -> None:
        b = self.b
        officer = household.reviewing_officer
        end = household.approval_ended_on or b.as_of
        held: list[dt.date] = []
        due = add_years(household.approved_on, 1)
        while due < end and not (overdue and due >= b.as_of - dt.timedelta(days=75)):
            if on_time:
                day = b.working_on_or_before(due)
            elif b.chance(0.05):
                day = b.working_on_or_before(due + b.days(1, 40))  # late
            else:
                day = b.working_on_or_before(due - b.days(0, 50))
            lower = held[-1] if held else household.approved_on
            if day <= lower + dt.timedelta(days=60):
                day = b.working_on_or_after(lower + dt.timedelta(days=61))
            if day >= end:
                break
            first = not held
            referred = first or b.chance(0.2)
            b.add(
                FosterCarerReview(
                    household=household,
                    scheduled_for=b.at(day),
                    held_on=day,
                    reviewing_officer=officer,
                    is_first=first,
                    referred_to_panel=referred,
                    panel_on=b.not_after_today(day + b.days(14, 40)) if referred else None,
                    recommendation=b.rng.choice(names.FOSTER_RECOMMENDATIONS),
                )
            )
            held.append(day)
            due = add_years(day, 1)
        if household.approval_ended_on is not None or due < b.as_of:
            return
        if due <= b.as_of + dt.timedelta(days=45) and b.chance(0.7):
            day = b.working_on_or_before(b.between(b.as_of + dt.timedelta(days=1), due))
            if day <= b.as_of:
                day = b.working_on_or_after(b.as_of + dt.timedelta(days=1))
            review = b.add(
                FosterCarerReview(
                    household=household,
                    scheduled_for=b.at(day),
                    reviewing_officer=officer,
                    is_first=not held,
                    referred_to_panel=not held,
                )
            )
            b.booked_carer_reviews.append(review)
