"""Time the nightly alerts on a large invented unit (built, timed, rolled back)."""

import io
import time
import tracemalloc

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.dates import add_working_days
from core.services import today
from demo.council import council_build
from worklists.alerts import digests_build


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Build an invented unit of N children (the benchmark council, with a year of "
        "history so most cases are open) in a transaction, time tonight's digests, roll back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=5000)
        parser.add_argument("--years", type=int, default=1, help="Years of history (default 1)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="Then time recompute_due_dates over the whole unit (a timescale change)",
        )

    def handle(self, *args, children, years, seed, recompute, **options):
        as_of = today()
        try:
            with transaction.atomic():
                built = council_build(
                    children=children,
                    years=years,
                    seed=seed,
                    as_of=as_of,
                    prefix="BA",  # apart from a kept bench_report council's BN
                    looked_after=0.65,
                    protection=0.35,
                    iros=max(6, children // 100),  # about 50 open cases each
                )
                digests_build(as_of=as_of)  # import modules, load the bank holidays
                # First as the rows were just written (the planner's statistics stale, as
                # after a big import), then, on PostgreSQL, after ANALYZE.
                self.time(children, built, as_of, "statistics stale")
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                    self.time(children, built, as_of, "after ANALYZE")
                if recompute:
                    out = io.StringIO()
                    started = time.perf_counter()
                    call_command("recompute_due_dates", stdout=out)
                    self.stdout.write(
                        f"Every due date worked out again (recompute_due_dates) for "
                        f"{children:,} children: {time.perf_counter() - started:.1f} s"
                    )
                raise Rollback
        except Rollback:
            pass

    def time(self, children, built, as_of, when: str) -> None:
        add_working_days.cache_clear()  # time the date arithmetic from cold
        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            digests = digests_build(as_of=as_of)
            took = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        items = sum(len(i) for _, i in digests.values())
        self.stdout.write(
            f"Nightly alerts for a unit of {children:,} children on {connection.vendor}, "
            f"{when}:\n"
            f"  built in the database:   {built} in {built.seconds:.1f} s\n"
            f"  digests built:           {len(digests)} people, {items:,} items\n"
            f"  time:                    {took:.3f} s\n"
            f"  database queries:        {len(queries)}\n"
            f"  peak Python memory:      {peak / 1_048_576:.1f} MiB"
        )
