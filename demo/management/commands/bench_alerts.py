"""Time the nightly alerts on a large invented unit.

By default the unit is built, timed and rolled back, so any database will do. With
--keep it is committed and kept (built once; a later run reuses it), as
a council's records are: rows read in the transaction that wrote them cost PostgreSQL
more to read, so the kept unit gives the figures to quote (docs/performance.md). Give it
a database of its own (make bench: BENCH_ALERTS_DB).

On PostgreSQL the alerts are timed twice: with the planner's statistics cleared, as
after a big import before autovacuum has analysed it (clearing them takes a superuser;
without one that row is left out), and after ANALYZE.
"""

import io
import time
import tracemalloc

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.dates import add_working_days
from core.services import today
from demo.bench_figures import Figure, figures_write
from demo.council import council_build
from iro.models import Child
from worklists.alerts import digests_build

PREFIX = "BA"  # apart from a kept bench_report council's BN
# Issue 14: tonight's alerts for 100,000 children under 10 s, statistics fresh or not; a
# due-date recompute of the whole unit (a timescale change) in minutes.
TARGET_SECONDS = 10.0
RECOMPUTE_TARGET_SECONDS = 600.0
# Forget what ANALYZE learnt of the project's tables: a table never analysed.
CLEAR_STATISTICS = """
DELETE FROM pg_statistic
WHERE starelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace);
UPDATE pg_class SET reltuples = -1, relpages = 0, relallvisible = 0
WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'i');
"""


KEPT_HERE = (
    "This database keeps a unit of {kept:,} children built with --keep: run with --keep "
    "(the same size reuses it), or give another database"
)


OTHER_SIZE_KEPT = (
    "This database keeps a unit of {kept:,} children: give --children {kept}, or empty it "
    "(manage.py flush) to build another size"
)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Build an invented unit of N children (the benchmark council, with a year of "
        "history so most cases are open), time tonight's digests; rolled back unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=5000)
        parser.add_argument("--years", type=int, default=1, help="Years of history (default 1)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Commit the unit and keep it for the next run (a database of its own)",
        )
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="Then time recompute_due_dates over the whole unit (a timescale change)",
        )
        parser.add_argument(
            "--figures", help="Append the headline figures to this file (make bench's table)"
        )

    def handle(self, *args, children, years, seed, keep, recompute, figures, **options):
        self.children, self.as_of = children, today()
        self.bench = f"nightly alerts, {children:,} children"
        self.figures: list[Figure] = []
        self.run(years, seed, keep, recompute)
        figures_write(figures, self.figures)

    def run(self, years: int, seed: int, keep: bool, recompute: bool) -> None:
        children = self.children
        kept = Child.objects.filter(child_id__startswith=PREFIX).count()
        if not keep and kept:
            raise CommandError(KEPT_HERE.format(kept=kept))
        if not keep:
            try:
                with transaction.atomic():
                    self.measure(self.build(years, seed), recompute)
                    raise Rollback
            except Rollback:
                return
        if kept and kept != children:
            raise CommandError(OTHER_SIZE_KEPT.format(kept=kept))
        if kept:
            built = f"the kept unit of {children:,} children"
        else:
            with transaction.atomic():
                built = self.build(years, seed)
        self.measure(built, recompute)

    def build(self, years: int, seed: int):
        return council_build(
            children=self.children,
            years=years,
            seed=seed,
            as_of=self.as_of,
            prefix=PREFIX,
            looked_after=0.65,
            protection=0.35,
            iros=max(6, self.children // 100),  # about 50 open cases each
        )

    def measure(self, built, recompute: bool) -> None:
        seconds = getattr(built, "seconds", None)
        self.stdout.write(f"Built: {built}" + (f" in {seconds:.1f} s" if seconds else ""))
        if seconds:
            self.figures.append(Figure(self.bench, "the unit built", f"{seconds / 60:.1f} min"))
        digests_build(as_of=self.as_of)  # import modules, load the bank holidays
        if connection.vendor == "postgresql":
            cleared = self.statistics_cleared()
            if cleared:
                self.time("statistics cleared")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.time("after ANALYZE")
        else:
            self.time(connection.vendor)
        if recompute:
            started = time.perf_counter()
            with transaction.atomic():
                call_command("recompute_due_dates", stdout=io.StringIO())
            took = time.perf_counter() - started
            self.stdout.write(
                f"Every due date worked out again (recompute_due_dates) for "
                f"{self.children:,} children: {took:.1f} s"
            )
            self.figures.append(
                Figure(
                    self.bench,
                    "every due date worked out again (recompute_due_dates)",
                    f"{took:.1f} s",
                    f"< {RECOMPUTE_TARGET_SECONDS / 60:.0f} min",
                    took < RECOMPUTE_TARGET_SECONDS,
                )
            )

    def statistics_cleared(self) -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(CLEAR_STATISTICS)
        except Exception as error:  # not a superuser: say so, and time after ANALYZE only
            self.stdout.write(f"  (statistics not cleared: {error})")
            return False
        return True

    def time(self, when: str) -> None:
        add_working_days.cache_clear()  # time the date arithmetic from cold
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            digests = digests_build(as_of=self.as_of)
            took = time.perf_counter() - started
        # Memory in a run of its own: tracing every allocation slows the run it traces.
        tracemalloc.start()
        digests_build(as_of=self.as_of)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        items = sum(len(i) for _, i in digests.values())
        self.stdout.write(
            f"Nightly alerts for {self.children:,} children on {connection.vendor}, {when}:\n"
            f"  digests built:           {len(digests)} people, {items:,} items\n"
            f"  time:                    {took:.3f} s\n"
            f"  database queries:        {len(queries)}\n"
            f"  peak Python memory:      {peak / 1_048_576:.1f} MiB"
        )
        self.figures.append(
            Figure(
                self.bench,
                f"tonight's digests, {when}",
                f"{took:.3f} s, {len(queries)} queries, {items:,} items, "
                f"{peak / 1_048_576:.0f} MiB",
                f"< {TARGET_SECONDS:.0f} s",
                took < TARGET_SECONDS,
            )
        )
