"""Time the nightly alerts on a large synthetic unit (invented data, rolled back after)."""

import datetime as dt
import random
import time
import tracemalloc

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.dates import add_working_days
from core.models import User
from core.roles import Role
from core.services import today
from worklists.alerts import digests_build


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Build a unit of N children in a transaction, time tonight's digests, roll back."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, children, seed, **options):
        try:
            with transaction.atomic():
                built = _build(children, random.Random(seed))
                as_of = today()
                digests_build(as_of=as_of)  # import modules, load the bank holidays
                add_working_days.cache_clear()  # but time the date arithmetic from cold
                tracemalloc.start()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    digests = digests_build(as_of=as_of)
                    took = time.perf_counter() - started
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                items = sum(len(i) for _, i in digests.values())
                self.stdout.write(
                    f"Nightly alerts for a unit of {children:,} children on {connection.vendor}:\n"
                    f"  built in the database:   {built}\n"
                    f"  digests built:           {len(digests)} people, {items:,} items\n"
                    f"  time:                    {took:.3f} s\n"
                    f"  database queries:        {len(queries)}\n"
                    f"  peak Python memory:      {peak / 1_048_576:.1f} MiB"
                )
                raise Rollback
        except Rollback:
            pass


def _build(n: int, rng: random.Random) -> str:
    from disputes.models import Dispute, DisputeLevel, DisputeStage
    from fostering.models import FosterCarerHousehold
    from iro.models import Child, IndependentReviewingOfficer, IROAllocation
    from protection.models import ChildProtectionPlan, Section47Enquiry
    from reviews.models import LookedAfterReview, PeriodOfCare

    day = today()
    groups = {r: Group.objects.get(name=r.label) for r in Role}
    iro_count = max(1, n // 60)
    users = User.objects.bulk_create(
        User(username=f"bench-iro-{i}", email=f"bench-iro-{i}@council.example")
        for i in range(iro_count)
    )
    users += User.objects.bulk_create(
        [
            User(username="bench-support", email="bench-support@council.example"),
            User(username="bench-head", email="bench-head@council.example"),
        ]
    )
    for user in users[:iro_count]:
        user.groups.add(groups[Role.IRO])
    users[-2].groups.add(groups[Role.BUSINESS_SUPPORT])
    users[-1].groups.add(groups[Role.HEAD_OF_SERVICE])
    iros = IndependentReviewingOfficer.objects.bulk_create(
        IndependentReviewingOfficer(user=u, fte=1) for u in users[:iro_count]
    )
    kids = Child.objects.bulk_create(
        Child(
            child_id=f"B{i:06d}",
            first_name="Bench",
            last_name=f"Child{i}",
            date_of_birth=day - dt.timedelta(days=rng.randint(30, 6400)),
        )
        for i in range(n)
    )
    IROAllocation.objects.bulk_create(
        IROAllocation(child=c, iro=iros[i % iro_count], started_on=day - dt.timedelta(days=400))
        for i, c in enumerate(kids)
    )
    looked_after = kids[: int(n * 0.65)]
    on_plans = kids[int(n * 0.65) :]
    periods = PeriodOfCare.objects.bulk_create(
        PeriodOfCare(
            child=c,
            started_on=day - dt.timedelta(days=400),
            first_recorded_on=day - dt.timedelta(days=400),
            next_review_due=day + dt.timedelta(days=rng.randint(-10, 180)),
            next_review_reason="6 months after the previous review",
        )
        for c in looked_after
    )
    LookedAfterReview.objects.bulk_create(
        LookedAfterReview(
            child=p.child,
            period=p,
            status="held",
            held_on=day - dt.timedelta(days=rng.randint(1, 50)),
            participation_code="PN1",
            chair=iros[i % iro_count],
            number=3,
        )
        for i, p in enumerate(periods)
    )
    ChildProtectionPlan.objects.bulk_create(
        ChildProtectionPlan(
            child=c,
            started_on=day - dt.timedelta(days=rng.randint(30, 900)),
            initial_category="NEG",
            latest_category="NEG",
            next_review_due=day + dt.timedelta(days=rng.randint(-5, 180)),
            next_review_reason="6 months after the previous review conference",
        )
        for c in on_plans
    )
    Section47Enquiry.objects.bulk_create(
        Section47Enquiry(
            child=c,
            strategy_discussion_on=day - dt.timedelta(days=5),
            icpc_due=day + dt.timedelta(days=rng.randint(-3, 15)),
            icpc_due_reason="15 working days after the strategy discussion",
        )
        for c in on_plans[: n // 50]
    )
    level = DisputeLevel.objects.order_by("rank").first()
    disputes = Dispute.objects.bulk_create(
        Dispute(
            child=c,
            raised_by=iros[i % iro_count],
            raised_on=day - dt.timedelta(days=30),
            category="drift",
            summary="Benchmark",
            status="formal",
            formal_due_on=day - dt.timedelta(days=2),
        )
        for i, c in enumerate(looked_after[: n // 40])
    )
    DisputeStage.objects.bulk_create(
        DisputeStage(
            dispute=d,
            level=level,
            addressee="Team manager",
            started_on=day - dt.timedelta(days=3),
            response_due_on=day + dt.timedelta(days=2),
        )
        for d in disputes
    )
    FosterCarerHousehold.objects.bulk_create(
        FosterCarerHousehold(
            reference=f"BFC{i:05d}",
            name=f"Bench household {i}",
            approved_on=day - dt.timedelta(days=500),
            next_review_due=day + dt.timedelta(days=rng.randint(-10, 200)),
            next_review_reason="1 year after the last review",
            reviewing_officer=users[-2],
        )
        for i in range(n // 40)
    )
    return (
        f"{len(kids):,} children, {len(periods):,} looked after, {len(on_plans):,} on plans, "
        f"{iro_count} IROs, {len(disputes)} disputes, {n // 40} carer households"
    )
