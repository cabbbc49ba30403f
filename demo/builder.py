"""The demo unit's shared state: the random source, the calendar, people and families.

The area modules (looked_after, protection, fostering, disputes) add unsaved rows to a
`DemoBuilder`; `DemoBuilder.save` writes them with bulk_create in dependency order and
then runs each area's schedule refresh service, so every stored due date is exactly what
a real write would have stored.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from core.codes import ethnic_group
from core.dates import add_working_days, add_years, default_calendar
from core.roles import Role
from core.timescales import default_timescales
from demo import names, parts
from demo.parts import ETHNICITY_WEIGHTS, SIBLING_COUNTS, spans_merged
from disputes.models import Dispute, DisputeLevel, DisputeStage
from fostering.models import FosterCarerHousehold, FosterCarerReview
from fostering.services import household_schedule_refresh
from iro.models import Child, Employment, Family, IndependentReviewingOfficer, IROAllocation
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceDecision,
    ConferenceInvitation,
    Section47Enquiry,
)
from protection.services import plan_schedule_refresh, section47_schedule_refresh
from reviews.models import (
    AdoptionPlacement,
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    PlacementOrder,
    ReviewDecision,
)
from reviews.services import period_schedule_refresh

T = TypeVar("T")

DEMO_PASSWORD = "oversight-demo"

# The unit's posts (Report ¶10: 5.4 FTE): five permanent IROs and one agency IRO.
IRO_POSTS: list[tuple[str, Decimal, str]] = [
    ("iro1", Decimal("1.0"), Employment.PERMANENT),
    ("iro2", Decimal("1.0"), Employment.PERMANENT),
    ("iro3", Decimal("0.8"), Employment.PERMANENT),
    ("iro4", Decimal("1.0"), Employment.PERMANENT),
    ("iro5", Decimal("0.6"), Employment.PERMANENT),
    ("iro6", Decimal("1.0"), Employment.AGENCY),
]
AGENCY = 5  # index of the agency IRO in IRO_POSTS
# (username, role, is_staff and is_superuser)
STAFF_ACCOUNTS: list[tuple[str, Role, bool]] = [
    ("support", Role.BUSINESS_SUPPORT, False),
    ("head", Role.HEAD_OF_SERVICE, False),
    ("admin", Role.ADMINISTRATOR, True),
    # Reviews foster carers, so is independent of the children placed (Report ¶15).
    ("fosterreviewer", Role.BUSINESS_SUPPORT, False),
]

# Rows are written in this order, so every foreign key points at a row already saved.
SAVE_ORDER: list[type[models.Model]] = [
    Family,
    Child,
    FosterCarerHousehold,
    PeriodOfCare,
    Episode,
    PlacementOrder,
    AdoptionPlacement,
    LookedAfterReview,
    ReviewDecision,
    IROContact,
    Section47Enquiry,
    ChildProtectionPlan,
    ChildProtectionConference,
    ConferenceChild,
    ConferenceDecision,
    ConferenceInvitation,
    IROAllocation,
    Dispute,
    DisputeStage,
    FosterCarerReview,
]


@dataclass
class CaseFamily:
    """Children the unit keeps together: one surname, one IRO, one conference."""

    surname: str
    ethnicity: str
    mother: str
    father: str
    father_has_pr: bool
    social_worker: str
    postcode: str
    # (from, index into the IROs, reason): who holds the family's children, and why.
    iro_changes: list[tuple[dt.date, int, str]]
    kids: list[ChildStory] = field(default_factory=list)
    family: Family | None = None


@dataclass
class ChildStory:
    child: Child
    fam: CaseFamily
    # (start, end or None, kind): when the unit is involved with the child.
    spans: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)
    open_lac: bool = False
    open_plan: bool = False
    plans: int = 0  # child protection plans on record so far
    plans_before_records: int | None = None  # plans before the council's records begin


SPAN_REASONS = {
    "lac": "Allocated when the child became looked after",
    "cp": "Allocated for the initial child protection conference",
    "transfer": "Allocated for the transfer-in conference",
}


class DemoBuilder:
    """Random but repeatable: the same seed and date always build the same unit."""

    def __init__(self, *, seed: int, as_of: dt.date, password: str = DEMO_PASSWORD):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.since = add_years(as_of, -4)
        self.password = password
        self.calendar = default_calendar()
        self.timescales = default_timescales()
        self.tz = timezone.get_default_timezone()
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.kids: list[ChildStory] = []
        self._kid_of: dict[int, ChildStory] = {}
        self.families: list[CaseFamily] = []
        self.iros: list[IndependentReviewingOfficer] = []
        self.users: dict[str, models.Model] = {}
        self.levels: list[DisputeLevel] = []
        # Children each IRO holds today, for sharing new cases out fairly.
        self.load: dict[int, int] = defaultdict(int)
        # The agency IRO joined fourteen months ago to cover a vacancy (Report ¶9).
        self.agency_joined_on = self.as_of - dt.timedelta(days=425)
        self._child_numbers = iter(self.rng.sample(range(200000, 999999), 5000))
        self._carer_keys = 0
        self._references: dict[str, int] = defaultdict(int)
        # Scheduled rows whose due date is copied from their parent after the refresh.
        self.booked_reviews: list[LookedAfterReview] = []
        self.booked_entries: list[ConferenceChild] = []
        self.booked_carer_reviews: list[FosterCarerReview] = []
        # Children on a plan today, and children whose plan ended in the last four years.
        self.open_plans = 0
        self.closed_plans = 0
        # One family member is excluded from one conference (Report ¶75: a rare event).
        self.exclusion_pending = True
        # Children on plans today by initial category, for keeping the Report's shares.
        self.open_categories: Counter[str] = Counter()

    # Random helpers -----------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def weighted(self, options: Sequence[tuple[T, float]]) -> T:
        return parts.weighted(self.rng, options)

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        """A day from first to last inclusive (first if the range is empty)."""
        return parts.between(self.rng, first, last)

    def days(self, lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(lo, hi))

    # Calendar helpers ---------------------------------------------------------------

    def working_on_or_before(self, day: dt.date) -> dt.date:
        return parts.working_on_or_before(self.calendar, day)

    def working_on_or_after(self, day: dt.date) -> dt.date:
        return parts.working_on_or_after(self.calendar, day)

    def add_wd(self, day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n, self.calendar)

    def sub_wd(self, day: dt.date, n: int) -> dt.date:
        """The working day n working days before `day` (n=0: `day` or the one before)."""
        day = self.working_on_or_before(day)
        while n > 0:
            day -= dt.timedelta(days=1)
            if self.calendar.is_working_day(day):
                n -= 1
        return day

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = hour if hour is not None else self.rng.choice([9, 10, 11, 13, 14, 15])
        return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=self.tz)

    def not_after_today(self, day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= self.as_of else None

    # Rows ---------------------------------------------------------------------------

    def add(self, row: models.Model) -> models.Model:
        self.rows[type(row)].append(row)
        return row

    def reference(self, prefix: str) -> str:
        self._references[prefix] += 1
        return f"{prefix}{self._references[prefix]:05d}"

    def carer_key(self) -> int:
        self._carer_keys += 1
        return self._carer_keys

    # People -------------------------------------------------------------------------

    def people_build(self) -> None:
        """The demo's sign-ins, one shared password, each in its role's group."""
        groups = {g.name: g for g in Group.objects.filter(name__in=[r.label for r in Role])}
        missing = [r.label for r in Role if r.label not in groups]
        if missing:
            raise ImproperlyConfigured(
                f"Role groups missing ({', '.join(missing)}): run manage.py migrate first"
            )
        hashed = make_password(self.password)  # set_password's hash, computed once
        for index, (username, fte, employment) in enumerate(IRO_POSTS):
            first, last = names.OFFICER_NAMES[index]
            user = self._account(username, first, last, hashed, groups[Role.IRO.label], False)
            profile, _ = IndependentReviewingOfficer.objects.update_or_create(
                user=user, defaults={"fte": fte, "employment": employment, "active": True}
            )
            self.iros.append(profile)
        for username, role, superuser in STAFF_ACCOUNTS:
            first, last = names.STAFF_NAMES[username]
            self._account(username, first, last, hashed, groups[role.label], superuser)
        self.levels = list(DisputeLevel.objects.filter(active=True).order_by("rank"))

    def _account(self, username, first, last, hashed, group, superuser):
        user, _ = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@council.example",
                "password": hashed,
                "is_active": True,
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        user.groups.set([group])
        self.users[username] = user
        return user

    def iros_active_on(self, day: dt.date) -> list[int]:
        return [i for i in range(len(self.iros)) if i != AGENCY or day >= self.agency_joined_on]

    def iro_changes(self, start: dt.date, *, open_kids: int) -> list[tuple[dt.date, int, str]]:
        """Who holds a family from `start`, with the occasional reallocation and why.

        A family the unit still holds today goes to the less loaded (per FTE) of two
        IROs, as a manager sharing out new cases would.
        """
        first = self.weighted([(i, float(IRO_POSTS[i][1])) for i in self.iros_active_on(start)])
        events: list[tuple[dt.date, str]] = []
        if start < self.agency_joined_on and self.chance(0.15):
            events.append((self.agency_joined_on, names.AGENCY_REBALANCE_REASON))
        day = start
        while True:
            day += self.days(150, 1500)
            if day >= self.as_of:
                break
            if self.chance(0.3):
                events.append((day, self.rng.choice(names.ALLOCATION_REASONS)))
        changes = [(start, first, "")]
        current = first
        for day, reason in sorted(events):
            if reason == names.AGENCY_REBALANCE_REASON:
                chosen = AGENCY
            else:
                chosen = self.rng.choice([i for i in self.iros_active_on(day) if i != current])
            if chosen != current:
                changes.append((day, chosen, reason))
                current = chosen
        if open_kids:
            on, _, reason = changes[-1]
            if reason != names.AGENCY_REBALANCE_REASON:
                before = changes[-2][1] if len(changes) > 1 else None
                candidates = [i for i in self.iros_active_on(on) if i != before]
                pair = self.rng.sample(candidates, min(2, len(candidates)))
                chosen = min(pair, key=lambda i: (self.load[i] + open_kids) / IRO_POSTS[i][1])
                changes[-1] = (on, chosen, reason)
            self.load[changes[-1][1]] += open_kids
        return changes

    def iro_at(self, fam: CaseFamily, day: dt.date) -> IndependentReviewingOfficer:
        current = fam.iro_changes[0][1]
        for on, index, _ in fam.iro_changes:
            if on > day:
                break
            current = index
        return self.iros[current]

    def chair_at(self, fam: CaseFamily, day: dt.date) -> IndependentReviewingOfficer:
        """The family's IRO, or now and then a colleague covering leave."""
        held_by = self.iro_at(fam, day)
        if self.chance(0.04):
            cover = [self.iros[i] for i in self.iros_active_on(day) if self.iros[i] != held_by]
            return self.rng.choice(cover)
        return held_by

    # Families and children ----------------------------------------------------------

    def family_new(self, start: dt.date, *, open_kids: int = 0) -> CaseFamily:
        """A new family first known to the unit on `start`.

        `open_kids`: how many of its children the unit will still hold today.
        """
        ethnicity = self.weighted(ETHNICITY_WEIGHTS)
        group = ethnic_group(ethnicity)
        pool = names.SURNAMES_BY_GROUP.get(group, names.SURNAMES)
        if group == "white" and ethnicity in {"WOTH", "WROM"} and self.chance(0.5):
            pool = names.SURNAMES_BY_GROUP["other"]
        surname = self.rng.choice(pool)
        father_surname = surname if self.chance(0.6) else self.rng.choice(names.SURNAMES)
        fam = CaseFamily(
            surname=surname,
            ethnicity=ethnicity,
            mother=f"{self.rng.choice(names.ADULT_WOMEN)} {surname}",
            father=f"{self.rng.choice(names.ADULT_MEN)} {father_surname}",
            father_has_pr=self.chance(0.75),
            social_worker=(
                f"{self.rng.choice(names.ADULT_WOMEN + names.ADULT_MEN)} "
                f"{self.rng.choice(names.SURNAMES)}"
            ),
            postcode=f"OV{self.rng.randint(1, 9)} {self.rng.randint(1, 9)}",
            iro_changes=self.iro_changes(start, open_kids=open_kids),
        )
        self.families.append(fam)
        return fam

    def child_new(
        self,
        fam: CaseFamily,
        *,
        date_of_birth: dt.date | None,
        expected_date_of_birth: dt.date | None = None,
        disability: bool | None = None,
    ) -> ChildStory:
        sex = "U" if date_of_birth is None else self.rng.choice(["M", "F"])
        first = self.rng.choice(names.GIRLS if sex == "F" else names.BOYS)
        if sex == "U":
            first = "Baby"
        child = Child(
            child_id=str(next(self._child_numbers)),
            first_name=first,
            last_name=fam.surname,
            date_of_birth=date_of_birth,
            expected_date_of_birth=expected_date_of_birth,
            sex=sex,
            ethnicity=fam.ethnicity,
            disability=self.chance(0.07) if disability is None else disability,
        )
        self.add(child)
        kid = ChildStory(child=child, fam=fam)
        fam.kids.append(kid)
        self.kids.append(kid)
        self._kid_of[id(child)] = kid
        if fam.family is None and len(fam.kids) > 1:
            fam.family = self.add(Family(name=fam.surname, reference=self.reference("FAM")))
        if fam.family is not None:
            for each in fam.kids:
                each.child.family = fam.family
        return kid

    def story_of(self, child: Child) -> ChildStory:
        return self._kid_of[id(child)]

    def sibling_count(self) -> int:
        return self.weighted(SIBLING_COUNTS)

    # Allocations --------------------------------------------------------------------

    def allocations_build(self) -> None:
        """Each child's IRO while the unit is involved, split where the family moved."""
        for kid in self.kids:
            for start, end, kind in spans_merged(kid.spans):
                first_on = start
                held_by = self.iro_at(kid.fam, start)
                reason = SPAN_REASONS[kind]
                for on, index, why in kid.fam.iro_changes:
                    if on <= start or on > self.as_of or (end is not None and on >= end):
                        continue
                    if self.iros[index] == held_by:
                        continue
                    if why == names.SIBLINGS_REASON and len(kid.fam.kids) < 2:
                        why = names.REBALANCE_REASON
                    self.add(
                        IROAllocation(
                            child=kid.child,
                            iro=held_by,
                            started_on=first_on,
                            ended_on=on,
                            reason=reason,
                        )
                    )
                    first_on, held_by, reason = on, self.iros[index], why
                self.add(
                    IROAllocation(
                        child=kid.child,
                        iro=held_by,
                        started_on=first_on,
                        ended_on=end,
                        reason=reason,
                    )
                )

    # Saving -------------------------------------------------------------------------

    def save(self) -> None:
        unknown = set(self.rows) - set(SAVE_ORDER)
        if unknown:
            raise RuntimeError(f"No save order for {sorted(m.__name__ for m in unknown)}")
        for model in SAVE_ORDER:
            model.objects.bulk_create(self.rows[model], batch_size=500)

    def schedules_refresh(self) -> None:
        """Run each area's schedule service, as every real write does."""
        for period in self.rows[PeriodOfCare]:
            period_schedule_refresh(
                period=period, calendar=self.calendar, timescales=self.timescales
            )
        for enquiry in self.rows[Section47Enquiry]:
            section47_schedule_refresh(
                enquiry=enquiry, calendar=self.calendar, timescales=self.timescales
            )
        for plan in self.rows[ChildProtectionPlan]:
            plan_schedule_refresh(plan=plan, timescales=self.timescales)
        for household in self.rows[FosterCarerHousehold]:
            household_schedule_refresh(household=household, timescales=self.timescales)
        # Bookings carry the due date they were booked to meet (as the booking services do).
        for review in self.booked_reviews:
            review.due_on = review.period.next_review_due
            review.due_reason = review.period.next_review_reason
        LookedAfterReview.objects.bulk_update(self.booked_reviews, ["due_on", "due_reason"])
        for entry in self.booked_entries:
            source = entry.section47 or entry.plan
            if entry.section47 is not None:
                entry.due_on, entry.due_reason = source.icpc_due, source.icpc_due_reason
            else:
                entry.due_on, entry.due_reason = source.next_review_due, source.next_review_reason
        ConferenceChild.objects.bulk_update(self.booked_entries, ["due_on", "due_reason"])
        for review in self.booked_carer_reviews:
            review.due_on = review.household.next_review_due
            review.due_reason = review.household.next_review_reason
        FosterCarerReview.objects.bulk_update(self.booked_carer_reviews, ["due_on", "due_reason"])
