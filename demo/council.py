"""The invented council the benchmarks run on: any number of children, years of history.

`council_build` bulk-creates a council's children (invented: `demo.names` pairs common
first names and surnames) with `years` of history up to `as_of`: periods of care as
SSDA903 episodes, looked-after reviews and IRO contacts, section 47 enquiries,
conferences with their invitations and plans, IROs and their allocations, challenges
with their formal stages, and foster carer households with their reviews. Due dates and
their reasons follow the statutory schedule (the rules' own functions where they are
pure), and each open case stores its next due date as the schedule services would; the
services themselves are not run (they would take minutes), so this is for timing, never
for checking figures.

Children are made a chunk at a time as plain rows (dicts, not model instances) and
written with one prepared INSERT per table and executemany (`_Writer`: the ORM's
bulk_create spends most of its time building and preparing each value), with primary
keys assigned here so a row's foreign keys are known before anything is written; memory
stays flat however big the council. On SQLite 20,000 children (about 250,000 rows) take
seconds and 200,000 a few minutes. Database statistics are refreshed afterwards
(`statistics_refresh`), so the planner sees the rows.

Used by bench_report (the council kept), bench_alerts (built and rolled back) and
bench_import (built, exported with `returns.ssda903.exporter`, rolled back, and the
files imported).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from operator import itemgetter

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from core.codes import ethnic_group
from core.dates import add_working_days, default_calendar, long_date
from core.models import User
from core.roles import Role
from core.timescales import Due, default_timescales
from demo import names
from demo.parts import (
    ADDRESSEES,
    CATEGORY_OF_NEED,
    CP_CATEGORIES,
    DISPUTE_CATEGORIES,
    ENDINGS,
    ETHNICITY_WEIGHTS,
    HOMES,
    PARTICIPATION,
    PLACE_CHANGE_REASONS,
    Table,
    between,
    ending_for,
    months_after,
    placement_options,
    spans_merged,
    supported_accommodation,
    weighted,
    working_on_or_after,
    working_on_or_before,
    years_after,
)
from disputes.models import Dispute, DisputeLevel, DisputeStage, DisputeStatus
from disputes.rules import formal_process_due, stage_response_due
from fostering.models import FosterCarerHousehold, FosterCarerReview
from fostering.rules import carer_review_schedule
from iro.models import Child, IndependentReviewingOfficer, IROAllocation
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    Section47Enquiry,
)
from protection.rules import icpc_due, transfer_in_due
from reporting.models import Benchmark, PopulationEstimate
from reviews.models import Episode, IROContact, LookedAfterReview, PeriodOfCare

PREFIX = "BN"  # child IDs, usernames and references start with it
CHUNK = 5_000  # children generated and written at a time
BATCH = 5_000  # rows per executemany
MEAN_CARE_DAYS = 900
MEAN_PLAN_DAYS = 300

# Rows are written in this order, so every foreign key points at a row already saved.
SAVE_ORDER: list[type[models.Model]] = [
    Child,
    PeriodOfCare,
    Episode,
    LookedAfterReview,
    IROContact,
    Section47Enquiry,
    ChildProtectionPlan,
    ChildProtectionConference,
    ConferenceChild,
    ConferenceInvitation,
    IROAllocation,
    Dispute,
    DisputeStage,
    FosterCarerHousehold,
    FosterCarerReview,
]

ETHNICITY = Table(ETHNICITY_WEIGHTS)
NEED = Table(CATEGORY_OF_NEED)
PN = Table(PARTICIPATION)
MOVES = Table(PLACE_CHANGE_REASONS)
ABUSE = Table(CP_CATEGORIES)
CHALLENGES = Table(DISPUTE_CATEGORIES)
FIRST_LEGAL = Table([("C1", 82), ("L1", 6), ("L2", 4), ("V2", 8)])
PERMANENCE = Table([("a", 20), ("b", 8), ("c", 12), ("d", 8), ("e", 7), ("f", 45)])
# Days a review is held before (+) or after (-) its due date.
REVIEW_TIMING = Table([(0, 20), (1, 15), (3, 20), (7, 20), (14, 12), (21, 5), (-5, 5), (-20, 3)])
CONTACT_KIND = Table([("visit", 60), ("call", 30), ("other", 10)])
ATTENDANCE = Table([("attended", 80), ("apologies", 8), ("did_not_attend", 12)])
STAGES = Table([(1, 60), (2, 25), (3, 10), (4, 5)])


@dataclass
class CouncilSummary:
    as_of: dt.date
    children: int = 0
    looked_after_now: int = 0
    on_plans_now: int = 0
    iros: int = 0
    households: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)  # verbose_name_plural -> rows

    def __str__(self) -> str:
        return (
            f"{self.children:,} children ({self.looked_after_now:,} looked after and "
            f"{self.on_plans_now:,} on plans on {self.as_of}), {self.iros} IROs, "
            f"{self.households:,} carer households"
        )


def council_build(
    *,
    children: int = 20_000,
    years: int = 10,
    seed: int = 1,
    as_of: dt.date,
    prefix: str = PREFIX,
    looked_after: float = 0.45,
    protection: float = 0.4,
    iros: int | None = None,
) -> CouncilSummary:
    """Create an invented council of `children` with `years` of history up to `as_of`.

    `looked_after` and `protection`: the shares of children with a period of care and
    with a section 47 enquiry. The same arguments build the same council. Refreshes the
    database's statistics when done.
    """
    started = time.monotonic()
    council = _Council(
        rng=random.Random(seed),
        as_of=as_of,
        years=years,
        prefix=prefix,
        looked_after=looked_after,
        protection=protection,
    )
    with transaction.atomic():
        council.staff_build(iros if iros is not None else max(6, children // 400))
    for first in range(0, children, CHUNK):
        with transaction.atomic():
            council.children_build(first, min(children, first + CHUNK))
    with transaction.atomic():
        council.households_build(max(30, children // 60))
        council.population_build(children)
    council.out.sequences_reset()
    statistics_refresh([*SAVE_ORDER, User, IndependentReviewingOfficer])
    summary = council.summary
    summary.seconds = time.monotonic() - started
    return summary


def statistics_refresh(tables: list[type[models.Model]] | None = None) -> None:
    """ANALYZE the tables just loaded (every table if none named), on SQLite or PostgreSQL.

    After a bulk load the planner's statistics describe the empty tables; without this
    PostgreSQL may choose nested loops over a million rows until autovacuum catches up.
    """
    with connection.cursor() as cursor:
        if tables is None:
            cursor.execute("ANALYZE")
            return
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


Row = dict  # one row: "id" (its primary key) and attribute names (child_id, not child)


class _Writer:
    """Rows for each table, held until `flush` writes them with executemany.

    Primary keys are given here, from the table's highest, so rows can point at each
    other before any is written; PostgreSQL's sequences are moved past them afterwards.
    A row starts from its model's defaults; keys that are not fields of the model (a
    field another version of the schema has) are not written. Dates go to the driver
    as they are: psycopg adapts them, and Django registers SQLite's adapter.
    """

    def __init__(self, summary: CouncilSummary):
        self.summary = summary
        self.rows: dict[type[models.Model], list[Row]] = {m: [] for m in SAVE_ORDER}
        self.next_id: dict[type[models.Model], int] = {}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.defaults: dict[type[models.Model], Row] = {}
        for model in SAVE_ORDER:
            defaults = {}
            for f in model._meta.concrete_fields:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    defaults[f.attname] = now
                elif not f.primary_key:
                    defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
            self.defaults[model] = defaults

    def add(self, model: type[models.Model], **values) -> Row:
        if model not in self.next_id:
            top = model.objects.aggregate(top=models.Max("pk"))["top"]
            self.next_id[model] = (top or 0) + 1
        row = {**self.defaults[model], **values, "id": self.next_id[model]}
        self.next_id[model] += 1
        self.rows[model].append(row)
        return row

    def flush(self) -> None:
        # The driver's own cursor: one statement prepared per table, and no query log
        # (Django's debug cursor would format every row for it).
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            for model in SAVE_ORDER:
                rows = self.rows[model]
                if not rows:
                    continue
                attnames = list(self.defaults[model])
                columns = [model._meta.pk.column]
                columns += [model._meta.get_field(a).column for a in attnames]
                sql = (
                    f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
                    f"({', '.join(map(connection.ops.quote_name, columns))}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})"
                )
                values = itemgetter("id", *attnames)
                for i in range(0, len(rows), BATCH):
                    cursor.executemany(sql, [values(row) for row in rows[i : i + BATCH]])
                name = str(model._meta.verbose_name_plural)
                self.summary.rows[name] = self.summary.rows.get(name, 0) + len(rows)
                self.rows[model] = []

    def sequences_reset(self) -> None:
        """Move PostgreSQL's id sequences past the ids given here (SQLite needs nothing)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_id))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _due(row: Row, due: Due, *, on: str = "due_on", stem: str = "due") -> None:
    """Store a due date in `on`, with its reason and rule beside it (`stem`_reason, _rule)."""
    row[on], row[f"{stem}_reason"], row[f"{stem}_rule"] = due.on, due.reason, due.rule


@dataclass
class _Kid:
    """One child while its rows are made: who holds the case, and when."""

    child: Row
    iro: int
    change: tuple[dt.date, int] | None  # (from, IRO) if the case moves to another IRO
    spans: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)

    def iro_on(self, day: dt.date) -> int:
        if self.change is not None and day >= self.change[0]:
            return self.change[1]
        return self.iro


class _Council:
    def __init__(self, *, rng, as_of, years, prefix, looked_after, protection):
        self.rng = rng
        self.as_of = as_of
        self.years = years
        self.prefix = prefix
        self.looked_after = looked_after
        self.protection = protection
        self.history_start = dt.date(as_of.year - years, 4, 1)
        self.calendar = default_calendar()
        self.timescales = default_timescales()
        self.summary = CouncilSummary(as_of=as_of)
        self.out = _Writer(self.summary)
        self.add = self.out.add
        self.iros: list[int] = []  # their primary keys
        self.iro_table: Table[int] = Table([(0, 1)])
        self.support: int | None = None
        self.levels: list[DisputeLevel] = []
        # Of the children looked after, the share in care already when records begin.
        self.carried = MEAN_CARE_DAYS / (MEAN_CARE_DAYS + 365 * years)

    # Helpers ------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def days(self, lo: int, hi: int) -> dt.timedelta:
        """lo to hi days inclusive (random.randint's range, drawn with one random())."""
        return dt.timedelta(days=lo + int(self.rng.random() * (hi - lo + 1)))

    def save(self) -> None:
        self.out.flush()

    # Staff --------------------------------------------------------------------------

    def staff_build(self, count: int) -> None:
        """IROs, a business support officer (who also reviews carers) and a head of service."""
        rng, tag = self.rng, self.prefix.lower()
        password = make_password(None)
        people = [
            (f"{tag}iro{i}", rng.choice(names.ADULT_WOMEN + names.ADULT_MEN), Role.IRO)
            for i in range(count)
        ]
        people += [(f"{tag}support", "Janet", Role.BUSINESS_SUPPORT)]
        people += [(f"{tag}head", "Ruth", Role.HEAD_OF_SERVICE)]
        users = User.objects.bulk_create(
            User(
                username=username,
                first_name=first,
                last_name=rng.choice(names.SURNAMES),
                email=f"{username}@council.example",
                password=password,
            )
            for username, first, _ in people
        )
        groups = {g.name: g for g in Group.objects.filter(name__in=[r.label for r in Role])}
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user.pk, group_id=groups[role.label].pk)
            for user, (_, _, role) in zip(users, people, strict=True)
            if role.label in groups
        )
        iros = IndependentReviewingOfficer.objects.bulk_create(
            IndependentReviewingOfficer(
                user=user,
                fte=weighted(rng, [("1.0", 70), ("0.8", 15), ("0.6", 15)]),
                employment=weighted(rng, [("permanent", 85), ("agency", 15)]),
            )
            for user in users[:count]
        )
        self.iros = [iro.pk for iro in iros]
        self.iro_table = Table([(i, float(iro.fte)) for i, iro in enumerate(iros)])
        self.support = users[-2].pk
        self.summary.iros = count
        self.levels = list(DisputeLevel.objects.filter(active=True).order_by("rank"))
        if not self.levels:
            self.levels = DisputeLevel.objects.bulk_create(
                DisputeLevel(name=ADDRESSEES[rank], rank=rank) for rank in range(1, 5)
            )

    # Children -----------------------------------------------------------------------

    def children_build(self, first: int, last: int) -> None:
        rng, start, as_of = self.rng, self.history_start, self.as_of
        for n in range(first, last):
            ethnicity = ETHNICITY.draw(rng)
            sex = rng.choice("MF")
            surnames = names.SURNAMES_BY_GROUP.get(ethnic_group(ethnicity), names.SURNAMES)
            child = self.add(
                Child,
                child_id=f"{self.prefix}{n:07d}",
                first_name=rng.choice(names.GIRLS if sex == "F" else names.BOYS),
                last_name=rng.choice(surnames),
                date_of_birth=between(rng, years_after(start, -17), as_of - dt.timedelta(30)),
                sex=sex,
                ethnicity=ethnicity,
                disability=self.chance(0.07),
                upn=f"A{n % 10}{n:011d}",
            )
            moves = self.chance(0.2)
            kid = _Kid(
                child=child,
                iro=self.iro_table.draw(rng),
                change=(between(rng, start, as_of), self.iro_table.draw(rng)) if moves else None,
            )
            if self.chance(self.looked_after):
                self.care_build(kid)
            if self.chance(self.protection):
                self.protection_build(kid)
            self.allocations_build(kid)
        self.disputes_build()
        self.summary.children += last - first
        self.save()

    def allocations_build(self, kid: _Kid) -> None:
        involved = "Allocated when the unit became involved"
        for start, end, _ in spans_merged(kid.spans):
            held_by, since, reason = kid.iro_on(start), start, involved
            change = kid.change
            if (
                change is not None
                and start < change[0]
                and (end is None or change[0] < end)
                and change[1] != held_by
            ):
                self.add(
                    IROAllocation,
                    child_id=kid.child["id"],
                    iro_id=self.iros[held_by],
                    started_on=since,
                    ended_on=change[0],
                    reason=reason,
                )
                held_by, since, reason = change[1], change[0], names.REBALANCE_REASON
            self.add(
                IROAllocation,
                child_id=kid.child["id"],
                iro_id=self.iros[held_by],
                started_on=since,
                ended_on=end,
                reason=reason,
            )

    # Looked after -------------------------------------------------------------------

    def care_build(self, kid: _Kid) -> None:
        """One period of care: its episodes, reviews and IRO contacts."""
        rng, child, hs = self.rng, kid.child, self.history_start
        dob = child["date_of_birth"]
        eighteen = years_after(dob, 18)
        if (
            dob < hs - dt.timedelta(days=60)
            and eighteen > hs + dt.timedelta(days=60)
            and self.chance(self.carried)
        ):
            # In care already when the records begin.
            start = max(dob, hs - self.days(1, 2 * MEAN_CARE_DAYS))
            start = min(start, years_after(dob, 16))
            end = hs + dt.timedelta(days=int(rng.expovariate(1 / MEAN_CARE_DAYS)) + 1)
        else:
            earliest, latest = max(hs, dob), min(self.as_of, years_after(dob, 16))
            if earliest > latest:
                return
            start = between(rng, earliest, latest)
            end = start + dt.timedelta(days=int(rng.expovariate(1 / MEAN_CARE_DAYS)) + 30)
        end = min(end, eighteen)
        if end > self.as_of:
            end = None
        short_breaks = end is None and child["disability"] and self.chance(0.3)
        period = self.add(
            PeriodOfCare,
            child_id=child["id"],
            started_on=start,
            first_recorded_on=start,
            ended_on=end,
            is_short_breaks=short_breaks,
        )
        kid.spans.append((start, end, "lac"))
        if short_breaks:
            self.episode(child, period, start, "S", "V4", ("U6", "PR1"), "N2")
        else:
            self.episodes_build(kid, period, start, end, eighteen)
        self.reviews_build(kid, period, short_breaks)
        if end is None and not short_breaks:
            self.summary.looked_after_now += 1

    def episode(self, child, period, day, rne, legal, placing, need) -> Row:
        rng = self.rng
        place, provider = placing
        return self.add(
            Episode,
            child_id=child["id"],
            period_id=period["id"],
            started_on=day,
            reason_new_episode=rne,
            legal_status=legal,
            category_of_need=need,
            placement=place,
            placement_provider=provider,
            home_postcode=f"OV{rng.randint(1, 9)} {rng.randint(1, 9)}",
            placement_postcode=f"{'OV' if self.chance(0.7) else 'OW'}{rng.randint(1, 19)} 1",
            urn=f"SC{rng.randint(100000, 999999)}" if place in HOMES else "",
        )

    def episodes_build(self, kid, period, start, end, eighteen) -> None:
        rng, dob = self.rng, kid.child["date_of_birth"]
        limit = end or self.as_of
        age = (start - dob).days // 365
        scenario = "s20" if (age >= 12 and self.chance(0.45)) or self.chance(0.1) else "care_order"
        # day -> [legal status or None, (place, provider) or None]
        changes: dict[dt.date, list] = {}
        if scenario == "s20":
            changes[start] = ["V2", None]
        else:
            legal = FIRST_LEGAL.draw(rng)
            changes[start] = [legal, None]
            day = start
            if legal != "C1":
                day += self.days(1, 3) if legal == "L1" else self.days(3, 150)
                changes.setdefault(day, [None, None])[0] = "C1"
            day += self.days(150, 330)
            changes.setdefault(day, [None, None])[0] = "C2"
        statuses = sorted((d, c[0]) for d, c in changes.items() if c[0])

        def legal_on(day: dt.date) -> str:
            return [s for d, s in statuses if d <= day][-1]

        changes[start][1] = weighted(rng, placement_options(age, start, scenario, legal_on(start)))
        day = start
        while True:
            first_year = (day - start).days < 365
            day += dt.timedelta(days=int(rng.expovariate(1 / (400 if first_year else 700))) + 14)
            if day >= limit - dt.timedelta(days=7):
                break
            age = (day - dob).days // 365
            placing = weighted(rng, placement_options(age, day, scenario, legal_on(day)))
            if age >= 16 and self.chance(0.4):
                placing = (supported_accommodation(day), "PR4")
            changes.setdefault(day, [None, None])[1] = placing

        need = NEED.draw(rng)
        legal, placing, episodes = None, None, []
        for day in sorted(changes):
            if day >= limit:
                break
            new_legal, new_placing = changes[day]
            new_legal = new_legal if new_legal != legal else None
            new_placing = new_placing if new_placing != placing else None
            if episodes and not new_legal and not new_placing:
                continue
            rne = "S"
            if episodes:
                rne = "B" if new_legal and new_placing else "L" if new_legal else "P"
                episodes[-1]["ended_on"], episodes[-1]["reason_ceased"] = day, "X1"
                if new_placing:
                    episodes[-1]["reason_place_change"] = MOVES.draw(rng)
            legal, placing = new_legal or legal, new_placing or placing
            episodes.append(self.episode(kid.child, period, day, rne, legal, placing, need))
        if end is not None:
            leaver = end >= eighteen - dt.timedelta(days=180)
            rec = weighted(rng, ENDINGS["leaver" if leaver else scenario])
            episodes[-1]["ended_on"] = end
            episodes[-1]["reason_ceased"] = ending_for(rec, placing[0])

    def reviews_build(self, kid: _Kid, period: Row, short_breaks: bool) -> None:
        rng, child, ts, cal = self.rng, kid.child, self.timescales, self.calendar
        start, end = period["first_recorded_on"], period["ended_on"]
        limit = min(end or self.as_of, self.as_of)
        fourth = years_after(child["date_of_birth"], 4)
        if short_breaks:
            months = ts.short_break_first_review_months
            due = Due(
                months_after(start, months),
                f"{months} months after the first short break on {long_date(start)}",
                "short_breaks_first_review",
            )
        else:
            n = ts.lac_first_review_working_days
            due = Due(
                add_working_days(start, n, cal),
                f"{n} working days after entering care on {long_date(start)}",
                "lac_first_review",
            )
        previous, number, code, plan = start, 1, "", ""
        while True:
            early = REVIEW_TIMING.draw(rng)
            day = due.on - dt.timedelta(days=early)
            day = (working_on_or_before if early >= 0 else working_on_or_after)(cal, day)
            day = max(day, previous + dt.timedelta(days=1))
            if day > limit:
                break
            if day < fourth:
                code = "PN0"
            elif code in {"", "PN0"} or self.chance(0.3):
                code = PN.draw(rng)
            if number >= 2 and (not plan or self.chance(0.1)):
                plan = PERMANENCE.draw(rng)
            circulated = day + self.days(2, 20)
            circulated = circulated if circulated <= self.as_of else None
            review = self.add(
                LookedAfterReview,
                child_id=child["id"],
                period_id=period["id"],
                status="held",
                number=number,
                held_on=day,
                participation_code=code,
                permanence_plan=plan if number >= 2 else "",
                chair_id=self.iros[kid.iro_on(day)],
                decisions_circulated_on=circulated,
                record_circulated_on=circulated,
            )
            _due(review, due)
            visit = day + self.days(30, 120)
            if visit <= limit:
                kind = CONTACT_KIND.draw(rng)
                self.add(
                    IROContact,
                    child_id=child["id"],
                    iro_id=self.iros[kid.iro_on(visit)],
                    occurred_on=visit,
                    kind=kind,
                    seen_alone=visit >= fourth and self.chance(0.5),
                    note=rng.choice(names.CONTACT_NOTES[kind]),
                )
            if short_breaks:
                months, rule = ts.lac_later_review_months, "short_breaks_later_review"
                reason = f"{months} months after the previous short-break review"
            elif number == 1:
                months, rule = ts.lac_second_review_months, "lac_second_review"
                reason = f"{months} months after the first review"
            else:
                months, rule = ts.lac_later_review_months, "lac_later_review"
                reason = f"{months} months after the previous review"
            due = Due(months_after(day, months), f"{reason} on {long_date(day)}", rule)
            previous, number = day, number + 1
        if end is None:
            _due(period, due, on="next_review_due", stem="next_review")

    # Child protection ---------------------------------------------------------------

    def protection_build(self, kid: _Kid) -> None:
        """A section 47 enquiry, and the conferences and plan that may follow it."""
        rng, child, cal, ts = self.rng, kid.child, self.calendar, self.timescales
        dob = child["date_of_birth"]
        eighteen = years_after(dob, 18)
        earliest = max(self.history_start, dob - dt.timedelta(days=120))
        strategy = working_on_or_before(cal, between(rng, earliest, self.as_of))
        if strategy >= eighteen - dt.timedelta(days=60):
            return
        transfer = self.chance(0.05)
        due = (transfer_in_due if transfer else icpc_due)(strategy, calendar=cal, timescales=ts)
        enquiry = self.add(Section47Enquiry, child_id=child["id"], strategy_discussion_on=strategy)
        _due(enquiry, due, on="icpc_due", stem="icpc_due")
        icpc_on = working_on_or_after(cal, strategy + self.days(8, 24))
        if icpc_on > self.as_of:
            return
        enquiry["concluded_on"] = icpc_on
        if not transfer and self.chance(0.08):
            enquiry["icpc_not_required"] = True
            return
        plan = None
        if self.chance(0.87):
            category = ABUSE.draw(rng)
            plan = self.add(
                ChildProtectionPlan,
                child_id=child["id"],
                reference=f"CPP{child['child_id']}",
                started_on=icpc_on,
                ended_on=None,
                initial_category=category,
                latest_category=category,
                previous_plans=weighted(rng, [(0, 85), (1, 12), (2, 3)]),
            )
        self.conference(
            kid,
            "transfer_in" if transfer else "initial",
            icpc_on,
            due,
            "no_plan" if plan is None else "plan_started",
            section47=enquiry,
            plan=plan,
            notified=strategy if transfer else None,
        )
        if plan is None:
            return
        ends = icpc_on + dt.timedelta(days=int(rng.expovariate(1 / MEAN_PLAN_DAYS)) + 60)
        n = ts.first_rcpc_months
        due = Due(
            months_after(icpc_on, n),
            f"{n} months after the initial conference on {long_date(icpc_on)}",
            "rcpc_first",
        )
        while True:
            day = working_on_or_before(cal, due.on - self.days(0, 20))
            if self.chance(0.05):
                day = working_on_or_after(cal, due.on + self.days(1, 15))
            if day > self.as_of or day >= eighteen:
                break
            ending = day >= ends
            outcome = "plan_ended" if ending else "plan_continued"
            self.conference(kid, "review", day, due, outcome, plan=plan)
            if ending:
                plan["ended_on"] = day
                break
            n = ts.later_rcpc_months
            due = Due(
                months_after(day, n),
                f"{n} months after the previous review conference on {long_date(day)}",
                "rcpc_later",
            )
        if plan["ended_on"] is None and eighteen <= self.as_of:
            plan["ended_on"] = eighteen
        if plan["ended_on"] is None:
            _due(plan, due, on="next_review_due", stem="next_review")
            self.summary.on_plans_now += 1
        kid.spans.append((icpc_on, plan["ended_on"], "cp"))

    def conference(self, kid, kind, day, due, outcome, *, section47=None, plan=None, notified=None):
        rng = self.rng
        minutes = day + self.days(5, 20)
        conference = self.add(
            ChildProtectionConference,
            kind=kind,
            status="held",
            held_on=day,
            chair_id=self.iros[kid.iro_on(day)],
            transfer_notified_on=notified,
            minutes_sent_on=minutes if minutes <= self.as_of else None,
        )
        entry = self.add(
            ConferenceChild,
            conference_id=conference["id"],
            child_id=kid.child["id"],
            section47_id=section47 and section47["id"],
            plan_id=plan and plan["id"],
            outcome=outcome,
        )
        _due(entry, due)
        surname = kid.child["last_name"]
        for role, pool in [("Mother", names.ADULT_WOMEN), ("Father", names.ADULT_MEN)]:
            if role == "Father" and self.chance(0.4):
                continue
            self.add(
                ConferenceInvitation,
                conference_id=conference["id"],
                name=f"{rng.choice(pool)} {surname}",
                kind="family",
                role=role,
                has_parental_responsibility=role == "Mother" or self.chance(0.75),
                invited_on=day - self.days(3, 10),
                attendance=ATTENDANCE.draw(rng),
            )

    # Challenges ---------------------------------------------------------------------

    def disputes_build(self) -> None:
        """Challenges raised about children while they were looked after."""
        rng, cal, ts = self.rng, self.calendar, self.timescales
        for period in self.out.rows[PeriodOfCare]:
            if period["is_short_breaks"]:
                continue
            first = max(period["first_recorded_on"], self.history_start)
            last = min(period["ended_on"] or self.as_of, self.as_of)
            years = (last - first).days / 365
            if years <= 0 or not self.chance(min(0.8, 0.1 * years)):
                continue
            raised = between(rng, first, last)
            category = CHALLENGES.draw(rng)
            dispute = self.add(
                Dispute,
                child_id=period["child_id"],
                raised_by_id=self.iros[rng.randrange(len(self.iros))],
                raised_on=raised,
                category=category,
                summary=names.DISPUTE_SUMMARIES[category],
                status=DisputeStatus.INFORMAL.value,
            )
            if not self.chance(0.4):
                resolved = raised + self.days(3, 40)
                if resolved <= self.as_of:
                    dispute["status"] = DisputeStatus.RESOLVED.value
                    dispute["resolved_on"] = resolved
                    dispute["outcome"] = rng.choice(names.INFORMAL_OUTCOMES)
                continue
            day = working_on_or_after(cal, raised + self.days(3, 15))
            if day > self.as_of:
                continue
            dispute["status"] = DisputeStatus.FORMAL.value
            formal = formal_process_due(day, calendar=cal, timescales=ts)
            _due(dispute, formal, on="formal_due_on", stem="formal_due")
            climb = min(STAGES.draw(rng), len(self.levels))
            for level in self.levels[:climb]:
                due = stage_response_due(
                    day,
                    level_name=level.name,
                    working_days=level.response_working_days,
                    calendar=cal,
                )
                stage = self.add(
                    DisputeStage,
                    dispute_id=dispute["id"],
                    level_id=level.pk,
                    addressee=ADDRESSEES.get(level.rank, level.name),
                    started_on=day,
                )
                _due(stage, due, on="response_due_on", stem="response_due")
                answered = day + self.days(1, level.response_working_days + 6)
                if answered > self.as_of:
                    break
                final = level.rank == self.levels[climb - 1].rank
                stage["responded_on"] = answered
                stage["outcome"] = "resolved" if final else "escalated"
                stage["response"] = rng.choice(
                    names.STAGE_RESPONSES if final else names.STAGE_ESCALATION_RESPONSES
                )
                if final:
                    dispute["status"] = DisputeStatus.RESOLVED.value
                    dispute["resolved_on"] = answered
                    dispute["resolved_at_level_id"] = level.pk
                    dispute["outcome"] = stage["response"]
                    break
                day = working_on_or_after(cal, answered + self.days(1, 10))
                if day > self.as_of:
                    break

    # Foster carers and the population -------------------------------------------------

    def households_build(self, count: int) -> None:
        rng, ts = self.rng, self.timescales
        for i in range(count):
            approved = between(
                rng, years_after(self.history_start, -8), self.as_of - dt.timedelta(30)
            )
            ended = None
            if self.chance(0.1) and approved + dt.timedelta(days=400) < self.as_of:
                ended = between(rng, approved + dt.timedelta(days=400), self.as_of)
            household = self.add(
                FosterCarerHousehold,
                reference=f"{self.prefix}FC{i:05d}",
                name=f"{rng.choice(names.ADULT_WOMEN)} and {rng.choice(names.ADULT_MEN)} "
                f"{rng.choice(names.SURNAMES)}",
                approved_on=approved,
                terms_of_approval=rng.choice(names.FOSTER_TERMS_MAINSTREAM),
                approval_ended_on=ended,
                reviewing_officer_id=self.support,
            )
            held: list[dt.date] = []
            due = years_after(approved, ts.foster_carer_review_years)
            while True:
                day = due - self.days(-10, 40)
                if day > (ended or self.as_of):
                    break
                held.append(day)
                due = years_after(day, ts.foster_carer_review_years)
            schedule = carer_review_schedule(
                approved_on=approved, held_reviews=held, approval_ended_on=ended, timescales=ts
            )
            for review in schedule.held:
                row = self.add(
                    FosterCarerReview,
                    household_id=household["id"],
                    held_on=review.held_on,
                    reviewing_officer_id=self.support,
                    is_first=review.is_first,
                    referred_to_panel=review.is_first or self.chance(0.2),
                    recommendation=rng.choice(names.FOSTER_RECOMMENDATIONS),
                )
                _due(row, review.due)
            if schedule.next_due is not None:
                _due(household, schedule.next_due, on="next_review_due", stem="next_review")
        self.summary.households = count
        self.save()

    def population_build(self, children: int) -> None:
        for year in range(self.history_start.year, self.as_of.year + 1):
            PopulationEstimate.objects.update_or_create(
                year=year, defaults={"children_0_to_17": children * 2, "source": "invented"}
            )
            for comparator in Benchmark.Comparator:
                Benchmark.objects.update_or_create(
                    indicator="lac_rate",
                    year=year,
                    comparator=comparator.value,
                    defaults={"value": self.rng.randint(60, 110)},
                )
