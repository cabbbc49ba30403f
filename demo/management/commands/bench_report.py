import datetime as dt
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.services import today
from demo.bench_figures import Figure, figures_write
from demo.council import PREFIX, council_build
from iro.models import Child
from reporting.annual_report import report_build
from reporting.cache import year_so_far_forgotten
from reporting.views import dashboard, reporting_year

# Issue 14: a closed year under 1 s (its figures kept once worked out), the year so far
# under 2 s (worked out with the closed years it reads kept, and kept a few minutes).
TARGETS = {"closed": 1.0, "current": 2.0}


class Command(BaseCommand):
    help = (
        "Build an invented council (20,000 children, ten years of history) in this database "
        "and time the annual report and the dashboard. Use an empty database: the council "
        "is kept, so the timings read committed data as a live system would."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=20_000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=5, help="Timed runs of each (median)")
        parser.add_argument(
            "--reuse", action="store_true", help="Time the council already built here"
        )
        parser.add_argument(
            "--figures", help="Append the headline figures to this file (make bench's table)"
        )

    def handle(self, *args, children, years, seed, runs, reuse, figures, **options):
        write = self.stdout.write
        now = today()
        held = Child.objects.count() if reuse else children
        bench = f"annual report and dashboard, {held:,} children x {years} years"
        kept: list[Figure] = []
        built = Child.objects.filter(child_id__startswith=PREFIX).exists()
        if not reuse:
            if Child.objects.exists():
                raise CommandError(
                    "This database already holds children: run on an empty database "
                    "(or --reuse to time the invented council built here before)"
                )
            result = council_build(children=children, years=years, seed=seed, as_of=now)
            write(f"Built the council in {result.seconds:.1f} s (statistics refreshed): {result}")
            kept.append(Figure(bench, "the council built", f"{result.seconds / 60:.1f} min"))
            for name, n in result.rows.items():
                write(f"  {name + ':':<32} {n:>8,}")
        elif not built:
            raise CommandError("No invented council here to reuse: run without --reuse first")

        last_year = reporting_year(now) - 1
        head = get_user_model().objects.filter(is_superuser=True).first()
        if head is None:
            head = get_user_model().objects.create_superuser(f"{PREFIX.lower()}admin", "", None)
        factory = RequestFactory()

        def report() -> None:
            report_build(last_year, as_of=now)

        def page(year: int, *, keeping: str):
            def view() -> None:
                if keeping == "nothing":
                    cache.clear()
                elif keeping == "closed years":
                    year_so_far_forgotten(year, as_of=now)
                request = factory.get("/dashboard/", {"year": year})
                request.user = head
                response = dashboard(request)
                assert response.status_code == 200

            return view

        write("")
        write(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        results: list[tuple[str, float]] = []
        closed = f"{last_year}-{(last_year + 1) % 100:02d}"
        current = f"{last_year + 1}-{(last_year + 2) % 100:02d}"
        # A closed year's figures are worked out once and kept (until a change to its
        # records); the year so far is kept for a few minutes, and then worked out again
        # with the closed years it reads still kept. Those are the targets' measures. The
        # once-a-change costs are timed beside them: a closed year's report worked out, and
        # the dashboard with nothing kept (the first view after a change to a closed year).
        for label, kind, call in [
            (f"dashboard {closed}, kept", "closed", page(last_year, keeping="everything")),
            (
                f"dashboard {current}, worked out, closed years kept",
                "current",
                page(last_year + 1, keeping="closed years"),
            ),
            (f"dashboard {current}, kept", "current", page(last_year + 1, keeping="everything")),
            (f"report_build({last_year}), worked out", None, report),
            (f"dashboard {closed}, nothing kept", None, page(last_year, keeping="nothing")),
            (f"dashboard {current}, nothing kept", None, page(last_year + 1, keeping="nothing")),
        ]:
            call()  # warm: the first run pays for imports and template loading
            timings = []
            for _ in range(runs):
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    call()
                    timings.append(time.perf_counter() - started)
            median = statistics.median(timings)
            figure = f"{median:.3f} s, {len(queries)} queries"
            if kind is None:
                kept.append(Figure(bench, label, figure))
            else:
                results.append((kind, median))
                target = f"< {TARGETS[kind]:.0f} s"
                kept.append(Figure(bench, label, figure, target, median < TARGETS[kind]))
            write(
                f"  {label:<50} median {median:.3f} s, best {min(timings):.3f} s, "
                f"{len(queries)} queries"
            )
        met = all(median < TARGETS[kind] for kind, median in results)
        write(
            f"Targets: a closed year under {TARGETS['closed']:.0f} s, the year so far under "
            f"{TARGETS['current']:.0f} s: {'met' if met else 'NOT met'}"
        )
        write(f"(as of {dt.date.isoformat(now)}; the invented council is kept in this database)")
        figures_write(figures, kept)
