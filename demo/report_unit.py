"""An invented council for benchmarking the report and the dashboard (no real people).

`synthetic_council_create` bulk-creates children with ten years of history: periods of
care with their reviews and IRO contacts, section 47 enquiries, conferences, plans and
family invitations, IROs and their allocations, challenges and foster carers. Due dates
follow the statutory schedule closely enough for realistic figures; the services are
not used (they would take minutes), so this is for timing, never for checking figures.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import models

from core.dates import add_months, add_years

BATCH = 2_000
PREFIX = "BN"


@dataclass
class Built:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


def _save(model: type[models.Model], rows: list, built: Built) -> list:
    model.objects.bulk_create(rows, batch_size=BATCH)
    built.add(model._meta.verbose_name_plural, len(rows))
    return rows


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


PN_OVER_4 = ["PN1"] * 40 + ["PN6"] * 25 + ["PN7"] * 8 + ["PN5"] * 3 + ["PN2", "PN3", "PN4"]
ETHNICITIES = ["WBRI"] * 80 + ["WOTH"] * 4 + ["MWBC", "MWAS", "MOTH", "AIND", "APKN", "BAFR"]
ETHNICITIES += ["CHNE", "OOTH", "NOBT", "REFU"]
CATEGORIES = ["NEG"] * 50 + ["EMO"] * 30 + ["PHY"] * 10 + ["SAB"] * 5 + ["MUL"] * 5


def synthetic_council_create(
    *, children: int = 20_000, years: int = 10, until: dt.date, seed: int = 1
) -> Built:
    """Create an invented council's children with `years` of history up to `until`."""
    from core.models import User
    from disputes.models import Dispute, DisputeLevel, DisputeStage, DisputeStatus
    from fostering.models import FosterCarerHousehold, FosterCarerReview
    from iro.models import Child, IndependentReviewingOfficer, IROAllocation
    from protection.models import (
        ChildProtectionConference,
        ChildProtectionPlan,
        ConferenceChild,
        ConferenceInvitation,
        Section47Enquiry,
    )
    from reporting.models import Benchmark, PopulationEstimate
    from reviews.models import IROContact, LookedAfterReview, PeriodOfCare

    rng = random.Random(seed)
    built = Built()
    history_start = dt.date(until.year - years, 4, 1)

    users = _save(
        User,
        [
            User(username=f"{PREFIX.lower()}iro{i}", first_name=f"Bench{i}", last_name="Officer")
            for i in range(max(8, children // 500))
        ],
        built,
    )
    iros = _save(
        IndependentReviewingOfficer,
        [
            IndependentReviewingOfficer(
                user=u,
                fte=rng.choice(["1.00", "1.00", "1.00", "0.80", "0.60"]),
                employment=rng.choice(["permanent"] * 5 + ["agency"]),
            )
            for u in users
        ],
        built,
    )

    people = []
    for i in range(children):
        dob = _between(rng, add_years(history_start, -17), until - dt.timedelta(days=30))
        people.append(
            Child(
                child_id=f"{PREFIX}{i:07d}",
                first_name=f"Child{i}",
                last_name="Bench",
                date_of_birth=dob,
                ethnicity=rng.choice(ETHNICITIES),
                sex=rng.choice("MF"),
            )
        )
    _save(Child, people, built)

    periods, contacts, allocations = [], [], []
    enquiries, plans, conferences, covered = [], [], [], []
    for child in people:
        dob = child.date_of_birth
        iro = rng.choice(iros)
        if rng.random() < 0.45:
            start = _between(rng, max(history_start, dob), min(until, add_years(dob, 16)))
            length = int(rng.expovariate(1 / 900)) + 30
            end = start + dt.timedelta(days=length)
            end = None if end >= until else min(end, add_years(dob, 18))
            period = PeriodOfCare(
                child=child,
                started_on=start,
                first_recorded_on=start,
                ended_on=end,
                is_short_breaks=rng.random() < 0.03,
            )
            periods.append((period, []))
            allocations.append(IROAllocation(child=child, iro=iro, started_on=start, ended_on=end))
            due = start + dt.timedelta(days=28)
            held = _weekday(start + dt.timedelta(days=rng.randint(10, 33)))
            number = 1
            while held <= (end or until) and held <= until:
                code = "PN0" if held < add_years(dob, 4) else rng.choice(PN_OVER_4)
                periods[-1][1].append(
                    LookedAfterReview(
                        child=child,
                        status="held",
                        number=number,
                        due_on=due,
                        held_on=held,
                        participation_code=code,
                        permanence_plan=rng.choice("abcdef") if number >= 2 else "",
                        chair=iro,
                    )
                )
                contacts.append(
                    IROContact(
                        child=child,
                        iro=iro,
                        occurred_on=held + dt.timedelta(days=40),
                        kind=rng.choice(["visit", "call", "other"]),
                        seen_alone=rng.random() < 0.5,
                    )
                )
                due = add_months(held, 3 if number == 1 else 6)
                held = _weekday(
                    held + dt.timedelta(days=rng.randint(70 if number == 1 else 150, 190))
                )
                number += 1
        if rng.random() < 0.4:
            strategy = _between(rng, max(history_start, dob - dt.timedelta(days=120)), until)
            enquiry = Section47Enquiry(
                child=child,
                strategy_discussion_on=strategy,
                icpc_due=strategy + dt.timedelta(days=21),
            )
            icpc_on = _weekday(strategy + dt.timedelta(days=rng.randint(8, 26)))
            if icpc_on > until:
                enquiries.append((enquiry, None))
                continue
            enquiry.concluded_on = icpc_on
            initial = ChildProtectionConference(
                kind="transfer_in" if rng.random() < 0.05 else "initial",
                status="held",
                held_on=icpc_on,
                chair=iro,
            )
            if initial.kind == "transfer_in":
                initial.transfer_notified_on = strategy
            starts_plan = rng.random() < 0.85
            plan = None
            entry = [
                (
                    initial,
                    ConferenceChild(
                        child=child,
                        due_on=enquiry.icpc_due,
                        outcome="plan_started" if starts_plan else "no_plan",
                    ),
                )
            ]
            if starts_plan:
                category = rng.choice(CATEGORIES)
                plan = ChildProtectionPlan(
                    child=child,
                    started_on=icpc_on,
                    initial_category=category,
                    latest_category=category,
                    previous_plans=1 if rng.random() < 0.2 else 0,
                )
                cp_allocation = IROAllocation(child=child, iro=iro, started_on=icpc_on)
                held_now = allocations and allocations[-1].child is child
                if not (held_now and allocations[-1].ended_on is None):
                    allocations.append(cp_allocation)
                length = int(rng.expovariate(1 / 300)) + 60
                ends = icpc_on + dt.timedelta(days=length)
                due = add_months(icpc_on, 3)
                held = _weekday(icpc_on + dt.timedelta(days=rng.randint(70, 95)))
                while held <= until:
                    ending = held >= ends
                    entry.append(
                        (
                            ChildProtectionConference(
                                kind="review", status="held", held_on=held, chair=iro
                            ),
                            ConferenceChild(
                                child=child,
                                due_on=due,
                                outcome="plan_ended" if ending else "plan_continued",
                            ),
                        )
                    )
                    if ending:
                        plan.ended_on = held
                        cp_allocation.ended_on = held
                        break
                    due = add_months(held, 6)
                    held = _weekday(held + dt.timedelta(days=rng.randint(150, 190)))
            enquiries.append((enquiry, entry[0][1]))
            plans.append((plan, entry))

    _save(PeriodOfCare, [p for p, _ in periods], built)
    for period, held in periods:
        for review in held:
            review.period = period
    _save(LookedAfterReview, [r for _, held in periods for r in held], built)
    _save(IROContact, contacts, built)
    _save(Section47Enquiry, [e for e, _ in enquiries], built)
    for enquiry, first in enquiries:
        if first is not None and first.outcome:
            first.section47 = enquiry
    _save(ChildProtectionPlan, [p for p, _ in plans if p is not None], built)
    for plan, entry in plans:
        for conference, child_entry in entry:
            conferences.append(conference)
            if plan is not None and (conference.kind == "review" or child_entry.outcome):
                child_entry.plan = plan
            covered.append((conference, child_entry))
    _save(ChildProtectionConference, conferences, built)
    for conference, child_entry in covered:
        child_entry.conference = conference
    _save(ConferenceChild, [c for _, c in covered], built)
    _save(
        ConferenceInvitation,
        [
            ConferenceInvitation(
                conference=c,
                name="Parent",
                kind="family",
                role="Mother",
                has_parental_responsibility=True,
                attendance=rng.choice(["attended"] * 9 + ["did_not_attend"]),
            )
            for c in conferences
        ],
        built,
    )
    _save(IROAllocation, allocations, built)

    levels = list(DisputeLevel.objects.order_by("rank"))
    if not levels:
        levels = _save(
            DisputeLevel,
            [DisputeLevel(name=f"{PREFIX} level {rank}", rank=rank) for rank in range(1, 5)],
            built,
        )
    disputes, stages = [], []
    for _ in range(years * max(20, children // 100)):
        child = rng.choice(people)
        raised = _between(rng, history_start, until)
        dispute = Dispute(
            child=child,
            raised_by=rng.choice(iros),
            raised_on=raised,
            category=rng.choice(["care_planning", "drift", "no_social_worker", "other"]),
            summary="Invented challenge",
        )
        closed = raised + dt.timedelta(days=rng.randint(5, 60))
        if rng.random() < 0.4:
            level = rng.choice(levels)
            stage_on = raised + dt.timedelta(days=rng.randint(3, 15))
            closed = stage_on + dt.timedelta(days=rng.randint(2, 40))
            dispute.status = DisputeStatus.FORMAL
            dispute.formal_due_on = stage_on + dt.timedelta(days=28)
            stages.append(
                DisputeStage(
                    dispute=dispute,
                    level=level,
                    addressee="Team manager",
                    started_on=stage_on,
                    response_due_on=stage_on + dt.timedelta(days=7),
                )
            )
        if closed < until and rng.random() < 0.9:
            dispute.status = DisputeStatus.RESOLVED
            dispute.resolved_on = closed
            dispute.resolved_at_level = stages[-1].level if dispute.formal_due_on else None
        disputes.append(dispute)
    _save(Dispute, disputes, built)
    _save(DisputeStage, stages, built)

    households = [
        FosterCarerHousehold(
            reference=f"{PREFIX}{i:05d}",
            name=f"Carers {i}",
            approved_on=_between(rng, history_start, until),
        )
        for i in range(max(30, children // 60))
    ]
    carer_reviews = []
    for household in households:
        due = add_years(household.approved_on, 1)
        first = True
        while due <= until:
            held = due - dt.timedelta(days=rng.randint(-20, 40))
            if held > until:
                break
            carer_reviews.append(
                FosterCarerReview(
                    household=household,
                    due_on=due,
                    held_on=held,
                    is_first=first,
                    referred_to_panel=first or rng.random() < 0.2,
                )
            )
            first = False
            due = add_years(held, 1)
        household.next_review_due = due
    _save(FosterCarerHousehold, households, built)
    _save(FosterCarerReview, carer_reviews, built)

    for year in range(history_start.year, until.year + 1):
        PopulationEstimate.objects.update_or_create(
            year=year, defaults={"children_0_to_17": children * 2, "source": "invented"}
        )
        for comparator in Benchmark.Comparator:
            Benchmark.objects.update_or_create(
                indicator="lac_rate",
                year=year,
                comparator=comparator.value,
                defaults={"value": rng.randint(60, 110)},
            )
    return built
