"""Child protection: section 47 enquiries, conferences with their invitations, and plans.

Numbers follow the Report: about 115 children on plans on the day (¶45), initial
categories mostly neglect (¶47), about one child in eight at an initial conference not
made subject to a plan (¶56), and nearly every conference in time (¶59, ¶62).
"""

from __future__ import annotations

import datetime as dt

from core.dates import add_months, add_years, age_on
from demo import names
from demo.builder import ChildStory, DemoBuilder
from demo.parts import CP_CATEGORIES as CATEGORIES
from demo.parts import Deck
from protection.models import (
    Attendance,
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceDecision,
    ConferenceInvitation,
    ConferenceKind,
    ConferenceOutcome,
    ConferenceStatus,
    InvitationKind,
    Section47Enquiry,
    person_key,
)
from protection.rules import icpc_due, transfer_in_due

# Age on the day for children on plans (Report ¶47); unborn children are made apart.
AGE_BANDS = [((0, 4), 50), ((5, 10), 33), ((11, 15), 16), ((16, 17), 1)]
# How many review conferences a plan lasts before a conference ends it.
REVIEW_COUNTS = [(1, 10), (2, 36), (3, 30), (4, 14), (5, 7), (6, 3)]
FAMILY_SIZES = [(1, 45), (2, 25), (3, 17), (4, 8), (5, 5)]
PRE_BIRTH_WINDOW = 150  # days before birth a pre-birth conference may be held


def cp_case_before_care(
    b: DemoBuilder, kids: list[ChildStory], *, care_started_on: dt.date
) -> None:
    """A plan that led to care proceedings and ended at a conference soon after."""
    strategy_on = b.working_on_or_before(care_started_on - b.days(100, 420))
    if strategy_on + dt.timedelta(days=40) >= b.as_of:
        return
    eligible = [
        k
        for k in kids
        if k.child.date_of_birth <= strategy_on + dt.timedelta(days=PRE_BIRTH_WINDOW)
    ]
    if not eligible:
        return
    for kid in eligible:
        if kid.child.date_of_birth > strategy_on:  # a pre-birth conference
            kid.child.expected_date_of_birth = kid.child.date_of_birth
    cp_case(b, eligible, strategy_on=strategy_on, end_by=care_started_on + b.days(10, 40))


def cp_case(
    b: DemoBuilder,
    kids: list[ChildStory],
    *,
    strategy_on: dt.date | None = None,
    notified_on: dt.date | None = None,
    with_plan: bool = True,
    review_count: int | None = None,
    end_by: dt.date | None = None,
    overdue: bool = False,
    open_now: bool = False,
) -> dt.date | None:
    """From the strategy discussion (or a transfer-in) to the plan's end, if it ended.

    Returns the day the plan ended (or the initial conference, with no plan); None while
    the plan is open.
    """
    fam = kids[0].fam
    if strategy_on is not None:
        due = icpc_due(strategy_on, calendar=b.calendar, timescales=b.timescales)
        kind, began = ConferenceKind.INITIAL, strategy_on
    else:
        due = transfer_in_due(notified_on, calendar=b.calendar, timescales=b.timescales)
        kind, began = ConferenceKind.TRANSFER_IN, notified_on
    if b.chance(0.93):
        day = max(b.sub_wd(due.on, b.rng.randint(0, 5)), b.add_wd(began, 4))
    else:
        day = b.add_wd(due.on, b.rng.randint(1, 8))  # late
    if day >= b.as_of:
        day = b.working_on_or_before(b.as_of - dt.timedelta(days=1))
    enquiries: dict[int, Section47Enquiry] = {}
    if strategy_on is not None:
        for kid in kids:
            enquiries[id(kid)] = b.add(
                Section47Enquiry(
                    child=kid.child, strategy_discussion_on=strategy_on, concluded_on=day
                )
            )
    initial = _conference(b, fam, kind, day, notified_on=notified_on)
    category = _category(b, len(kids)) if open_now else b.weighted(CATEGORIES)
    plans: dict[int, ChildProtectionPlan] = {}
    for kid in kids:
        plan = None
        if with_plan:
            plan = plans[id(kid)] = _plan(b, kid, day, category)
        b.add(
            ConferenceChild(
                conference=initial,
                child=kid.child,
                section47=enquiries.get(id(kid)),
                plan=plan,
                outcome=ConferenceOutcome.PLAN_STARTED if with_plan else ConferenceOutcome.NO_PLAN,
                due_on=due.on,
                due_reason=due.reason,
            )
        )
    _invitations(b, initial, kids, day, held=True)
    span = "cp" if strategy_on is not None else "transfer"
    if not with_plan:
        for kid in kids:
            kid.spans.append((began, day, span))
        return day

    started = day
    held: list[dt.date] = []
    ended: dt.date | None = None
    natural = add_months(started, b.timescales.first_rcpc_months)
    closing = b.working_on_or_after(end_by) if end_by is not None else None
    while True:
        if closing is not None and closing < natural and closing < b.as_of:
            _review_conference(b, fam, kids, plans, closing, ended=True)
            ended = closing
            break
        if natural >= b.as_of or (overdue and natural >= b.as_of - dt.timedelta(days=60)):
            break
        if b.chance(0.98):
            day = b.sub_wd(natural, b.rng.randint(0, 15))
        else:
            day = b.add_wd(natural, b.rng.randint(1, 5))  # late
        lower = (held[-1] if held else started) + dt.timedelta(days=14)
        day = max(day, b.working_on_or_after(lower))
        if day >= b.as_of:
            day = b.working_on_or_before(natural - dt.timedelta(days=1))
        final = (review_count is not None and len(held) + 1 >= review_count) or (
            closing is not None and day >= closing
        )
        _review_conference(b, fam, kids, plans, day, ended=final)
        held.append(day)
        if final:
            ended = day
            break
        natural = add_months(day, b.timescales.later_rcpc_months)

    for kid in kids:
        plan = plans[id(kid)]
        plan.ended_on = ended
        kid.spans.append((began, ended, span))
        kid.open_plan = ended is None
    if ended is None:
        b.open_plans += len(kids)
        _book_review_conference(b, fam, kids, plans, natural, overdue=natural < b.as_of)
    elif ended >= b.since:
        b.closed_plans += len(kids)
    return ended


def _category(b: DemoBuilder, count: int) -> str:
    """Of two draws, the category furthest below its share of today's plans.

    Sibling groups share a category, so plain draws per family stray far from the
    Report's shares; this keeps today's figures close to them.
    """
    total = sum(b.open_categories.values()) + count
    weights = dict(CATEGORIES)
    share = sum(weights.values())

    def shortfall(category: str) -> float:
        return weights[category] / share * total - b.open_categories[category]

    chosen = max({b.weighted(CATEGORIES) for _ in range(2)}, key=lambda c: (shortfall(c), c))
    b.open_categories[chosen] += count
    return chosen


def _plan(b: DemoBuilder, kid: ChildStory, day: dt.date, category: str) -> ChildProtectionPlan:
    if kid.plans_before_records is None:
        kid.plans_before_records = b.weighted([(0, 88), (1, 10), (2, 2)])
    latest = category
    if b.chance(0.1):
        latest = b.weighted([(c, w) for c, w in CATEGORIES if c not in {category, "MUL"}])
    plan = b.add(
        ChildProtectionPlan(
            child=kid.child,
            reference=b.reference("CPP"),
            started_on=day,
            initial_category=category,
            latest_category=latest,
            previous_plans=kid.plans_before_records + kid.plans,
        )
    )
    kid.plans += 1
    return plan


def _conference(
    b: DemoBuilder,
    fam,
    kind: str,
    day: dt.date,
    *,
    held: bool = True,
    notified_on: dt.date | None = None,
) -> ChildProtectionConference:
    return b.add(
        ChildProtectionConference(
            kind=kind,
            status=ConferenceStatus.HELD if held else ConferenceStatus.SCHEDULED,
            family=fam.family,
            scheduled_for=b.at(day),
            venue=b.rng.choice(names.CONFERENCE_VENUES),
            chair=b.chair_at(fam, day) if held else b.iro_at(fam, b.as_of),
            held_on=day if held else None,
            transfer_notified_on=notified_on,
            minutes_sent_on=b.not_after_today(b.add_wd(day, b.rng.randint(5, 15)))
            if held
            else None,
        )
    )


def _review_conference(b: DemoBuilder, fam, kids, plans, day: dt.date, *, ended: bool) -> None:
    conference = _conference(b, fam, ConferenceKind.REVIEW, day)
    for kid in kids:
        b.add(
            ConferenceChild(
                conference=conference,
                child=kid.child,
                plan=plans[id(kid)],
                outcome=ConferenceOutcome.PLAN_ENDED if ended else ConferenceOutcome.PLAN_CONTINUED,
            )
        )
    _invitations(b, conference, kids, day, held=True)
    if not ended:
        _decisions(b, conference, day)


def _decisions(b: DemoBuilder, conference, day: dt.date) -> None:
    """The core group's actions from a conference: most done by their date, a few late."""
    for owner, action in b.rng.sample(names.CONFERENCE_DECISIONS, b.rng.randint(1, 3)):
        due = day + b.days(10, 60)
        done = None
        if due < b.as_of and b.chance(0.85 if (b.as_of - due).days < 120 else 0.99):
            done = max(min(due + b.days(-10, 5), b.as_of), day)
        b.add(
            ConferenceDecision(
                conference=conference, action=action, owner=owner, due_on=due, completed_on=done
            )
        )


def _book_review_conference(b: DemoBuilder, fam, kids, plans, due: dt.date, *, overdue: bool):
    if overdue:
        if not b.chance(0.5):
            return
        day = b.add_wd(b.as_of, b.rng.randint(2, 8))
    else:
        if due > b.as_of + dt.timedelta(days=42) or not b.chance(0.85):
            return
        day = b.working_on_or_before(b.between(max(b.as_of, due - dt.timedelta(days=10)), due))
        if day <= b.as_of:
            day = b.working_on_or_after(b.as_of + dt.timedelta(days=1))
    conference = _conference(b, fam, ConferenceKind.REVIEW, day, held=False)
    for kid in kids:
        entry = b.add(ConferenceChild(conference=conference, child=kid.child, plan=plans[id(kid)]))
        b.booked_entries.append(entry)
    _invitations(b, conference, kids, day, held=False)


def _invitations(b: DemoBuilder, conference, kids: list[ChildStory], day: dt.date, *, held: bool):
    """The family (those with parental responsibility first) and the professionals."""
    fam = kids[0].fam
    invited_on = min(day - b.days(5, 10), b.as_of)
    people = [
        (fam.mother, InvitationKind.FAMILY, "Mother", True),
        (fam.father, InvitationKind.FAMILY, "Father", fam.father_has_pr),
    ]
    if b.chance(0.25):
        grandparent = f"{b.rng.choice(names.ADULT_WOMEN)} {fam.surname}"
        people.append((grandparent, InvitationKind.FAMILY, "Maternal grandmother", False))
    ages = [k.child.age_on(day) for k in kids]
    roles = ["Social worker"]
    if any(a is None for a in ages):
        roles.append("Midwife")
    if any(a is not None and a < 5 for a in ages):
        roles.append("Health visitor")
    if any(a is not None and a >= 5 for a in ages):
        roles.append("School designated safeguarding lead")
    if conference.kind != ConferenceKind.REVIEW:
        roles.append("Police child abuse investigation team")
    if b.chance(0.5):
        roles.append("GP")
    for role in roles:
        name = fam.social_worker if role == "Social worker" else _someone(b)
        people.append((name, InvitationKind.PROFESSIONAL, role, False))
    invited = set()
    for name, kind, role, has_pr in people:
        # One invitation per person (protection's unique constraint on the name's key).
        if person_key(name) in invited:
            continue
        invited.add(person_key(name))
        attendance, reason = Attendance.INVITED, ""
        if held:
            attendance = _attendance(b, role)
            if (
                role == "Father"
                and has_pr
                and b.exclusion_pending
                and day >= b.as_of - dt.timedelta(days=500)
            ):
                attendance, reason = Attendance.EXCLUDED, names.EXCLUSION_REASON
                b.exclusion_pending = False
        b.add(
            ConferenceInvitation(
                conference=conference,
                name=name,
                name_key=person_key(name),
                kind=kind,
                role=role,
                has_parental_responsibility=has_pr,
                invited_on=invited_on,
                attendance=attendance,
                exclusion_reason=reason,
            )
        )


def _attendance(b: DemoBuilder, role: str) -> str:
    attended, absent, apologies = (
        Attendance.ATTENDED,
        Attendance.DID_NOT_ATTEND,
        Attendance.APOLOGIES,
    )
    weights = {
        "Mother": [(attended, 94), (absent, 4), (apologies, 2)],
        "Father": [(attended, 82), (absent, 12), (apologies, 6)],
        "Maternal grandmother": [(attended, 70), (apologies, 30)],
        "GP": [(attended, 25), (apologies, 75)],
    }
    return b.weighted(weights.get(role, [(attended, 88), (apologies, 12)]))


def _someone(b: DemoBuilder) -> str:
    return f"{b.rng.choice(names.ADULT_WOMEN + names.ADULT_MEN)} {b.rng.choice(names.SURNAMES)}"


class Protection:
    def __init__(self, b: DemoBuilder):
        self.b = b
        # Families whose plan ended at home: a later plan for them is a repeat plan.
        self.ended_at_home: list[tuple[list[ChildStory], dt.date]] = []
        self.ages = Deck(b.rng, AGE_BANDS)

    def build(self) -> None:
        b = self.b
        self.awaiting_initial_conference()
        for _ in range(2):
            self.unborn_case()
        # Plans whose review conference is overdue today.
        self.current_case(plan_days=b.rng.randint(100, 115), overdue=True, count=1)
        self.current_case(plan_days=b.rng.randint(290, 300), overdue=True, count=2)
        closed_target = b.rng.randint(380, 420)
        while b.closed_plans < closed_target:
            self.closed_case()
        target = b.rng.randint(110, 120)
        while b.open_plans < target:
            self.current_case()
        for _ in range(b.rng.randint(55, 70)):
            self.enquiry_without_conference()

    def _dob(self, on: dt.date) -> dt.date:
        b = self.b
        lo, hi = self.ages.draw()
        earliest = add_years(on, -(hi + 1)) + dt.timedelta(days=1)
        latest = add_years(on, -lo) - dt.timedelta(days=14 if lo == 0 else 0)
        return b.between(earliest, latest)

    def _kids(
        self, fam, count: int, *, born_by: dt.date, ages_on: dt.date, pre_birth: float = 0.0
    ) -> list[ChildStory]:
        """Children aged per AGE_BANDS on `ages_on`, all born (or nearly) by `born_by`.

        With chance `pre_birth` the youngest is born soon after `born_by`: the family's
        first conference is then a pre-birth conference.
        """
        b = self.b
        kids = []
        pre_birth_made = False
        for i in range(count):
            dob = self._dob(ages_on)
            if i == count - 1 and b.chance(pre_birth):
                dob = born_by + b.days(20, 80)
            expected = None
            if dob > born_by:
                if not pre_birth_made and (dob - born_by).days <= PRE_BIRTH_WINDOW:
                    pre_birth_made = True
                    expected = dob + b.days(-10, 10)
                else:
                    dob = born_by - b.days(30, 900)
            kids.append(b.child_new(fam, date_of_birth=dob, expected_date_of_birth=expected))
        return kids

    def awaiting_initial_conference(self) -> None:
        """Enquiries still waiting for their initial conference: some due, some overdue."""
        b = self.b
        for overdue, booked in [
            (False, True),
            (False, True),
            (False, False),
            (True, True),
            (True, False),
        ]:
            strategy_on = b.sub_wd(
                b.as_of, b.rng.randint(17, 23) if overdue else b.rng.randint(1, 9)
            )
            count = b.weighted([(1, 60), (2, 40)])
            fam = b.family_new(strategy_on, open_kids=count)
            kids = self._kids(fam, count, born_by=strategy_on, ages_on=b.as_of)
            enquiries = [
                b.add(Section47Enquiry(child=kid.child, strategy_discussion_on=strategy_on))
                for kid in kids
            ]
            for kid in kids:
                kid.spans.append((strategy_on, None, "cp"))
            if not booked:
                continue
            due = icpc_due(strategy_on, calendar=b.calendar, timescales=b.timescales).on
            if overdue:
                day = b.add_wd(b.as_of, b.rng.randint(2, 6))
            else:
                day = b.sub_wd(due, b.rng.randint(0, 3))
                if day <= b.as_of:
                    day = b.add_wd(b.as_of, 1)
            conference = _conference(b, fam, ConferenceKind.INITIAL, day, held=False)
            for kid, enquiry in zip(kids, enquiries, strict=True):
                entry = b.add(
                    ConferenceChild(conference=conference, child=kid.child, section47=enquiry)
                )
                b.booked_entries.append(entry)
            _invitations(b, conference, kids, day, held=False)

    def unborn_case(self) -> None:
        """A pre-birth plan for a baby not yet born, sometimes with an older sibling."""
        b = self.b
        strategy_on = b.sub_wd(b.as_of, b.rng.randint(25, 45))
        sibling = b.chance(0.5)
        fam = b.family_new(strategy_on, open_kids=2 if sibling else 1)
        kids = []
        if sibling:
            kids += self._kids(fam, 1, born_by=strategy_on, ages_on=b.as_of)
        kids.append(
            b.child_new(fam, date_of_birth=None, expected_date_of_birth=b.as_of + b.days(20, 110))
        )
        cp_case(b, kids, strategy_on=strategy_on, open_now=True)

    def current_case(
        self, *, plan_days: int | None = None, overdue: bool = False, count: int | None = None
    ) -> None:
        """A family whose plan is open today."""
        b = self.b
        if plan_days is None:
            plan_days = b.weighted(
                [
                    (b.rng.randint(1, 90), 38),
                    (b.rng.randint(91, 270), 32),
                    (b.rng.randint(271, 450), 20),
                    (b.rng.randint(451, 640), 8),
                    (b.rng.randint(641, 900), 2),
                ]
            )
        began = b.working_on_or_before(b.as_of - dt.timedelta(days=plan_days + 21))
        transfer = not overdue and b.chance(0.06)
        repeat = [
            (kids, ended)
            for kids, ended in self.ended_at_home
            if ended < began - dt.timedelta(days=200)
            and all(age_on(k.child.date_of_birth, b.as_of) < 17 for k in kids)
        ]
        if repeat and not transfer and b.chance(0.12):
            kids, ended = b.rng.choice(repeat)
            self.ended_at_home.remove((kids, ended))
        else:
            count = count or b.weighted(FAMILY_SIZES)
            fam = b.family_new(began, open_kids=count)
            kids = self._kids(fam, count, born_by=began, ages_on=b.as_of)
        if transfer:
            cp_case(b, kids, notified_on=began, open_now=True)
        else:
            cp_case(b, kids, strategy_on=began, overdue=overdue, open_now=True)

    def closed_case(self) -> None:
        """A family whose plan ended (or who were not made subject to one)."""
        b = self.b
        with_plan = b.chance(0.86)
        count = b.weighted(REVIEW_COUNTS) if with_plan else 0
        while True:
            began = b.working_on_or_before(
                b.between(b.since - dt.timedelta(days=300), b.as_of - dt.timedelta(days=120))
            )
            if not with_plan:
                if began >= b.since:
                    break
                continue
            ends_about = add_months(began, 3 + 6 * (count - 1)) + dt.timedelta(days=21)
            if b.since + dt.timedelta(days=30) <= ends_about <= b.as_of - dt.timedelta(days=60):
                break
        fam = b.family_new(began)
        kids = self._kids(
            fam, b.weighted(FAMILY_SIZES), born_by=began, ages_on=began, pre_birth=0.04
        )
        if b.chance(0.06):
            ended = cp_case(b, kids, notified_on=began, with_plan=with_plan, review_count=count)
        else:
            ended = cp_case(b, kids, strategy_on=began, with_plan=with_plan, review_count=count)
        if with_plan and ended is not None:
            self.ended_at_home.append((kids, ended))

    def enquiry_without_conference(self) -> None:
        """A section 47 enquiry that concluded with no initial conference needed."""
        b = self.b
        began = b.working_on_or_before(b.between(b.since, b.as_of - dt.timedelta(days=30)))
        fam = b.family_new(began)
        for kid in self._kids(fam, b.weighted([(1, 75), (2, 25)]), born_by=began, ages_on=began):
            b.add(
                Section47Enquiry(
                    child=kid.child,
                    strategy_discussion_on=began,
                    icpc_not_required=True,
                    concluded_on=b.add_wd(began, b.rng.randint(5, 15)),
                )
            )
