"""Time each person's pages as the unit grows, against a bare one-query page."""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from core.models import User
from core.services import today
from demo.bench_figures import Figure, figures_write
from demo.council import PREFIX, council_build
from iro.models import Child, IROAllocation

# Done when every page is within this many bare pages at the first size, and within
# GROWTH of its own first-size time at the last (docs/performance.md).
BARE_RATIO = 5.0
GROWTH = 2.0
# Prefixes of the children added to grow the unit (the first build is PREFIX's).
GROWTH_PREFIXES = ["BG", "BH", "BI", "BJ"]

Timing = tuple[float, int, int]  # median seconds, queries, bytes
IN_PROCESS = "In process (Django's test client, no HTTP)"
SERVED = "Served (gunicorn, one worker, loopback HTTP kept alive, as a browser asks)"
# Each way of timing as make bench's table heads it.
SHORT = {IN_PROCESS: "pages, in process", SERVED: "pages, served"}


class Command(BaseCommand):
    help = (
        "Grow an invented council to each size in --sizes (kept in this database, "
        "statistics refreshed) and time each person's pages with DEBUG off, as a ratio "
        "to a bare one-query page measured in the same run. The people timed are the "
        "first build's, so their own caseloads stay the same while the unit grows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="2000,20000", help="Children, comma separated")
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--runs", type=int, default=9, help="Rounds timed, each page once a round (median)"
        )
        parser.add_argument(
            "--served",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Also time each page from gunicorn over loopback HTTP, as a browser asks it "
            "(the issue's measure; --no-served for the in-process times alone)",
        )
        parser.add_argument(
            "--kept",
            action="store_true",
            help="Time the council this database keeps from an earlier run, building nothing",
        )
        parser.add_argument(
            "--figures", help="Append the headline figures to this file (make bench's table)"
        )

    def handle(self, *args, sizes, years, seed, runs, kept, served, figures, **options):
        self.served = served
        self.figures: list[Figure] = []
        write = self.stdout.write
        if kept:
            held = Child.objects.count()
            if not held:
                raise CommandError("--kept: this database holds no council")
            write(f"Timing the kept unit of {held:,} children")
            self.report([held], {held: self.pages_time(runs)})
            figures_write(figures, self.figures)
            return
        wanted = sorted(int(s) for s in sizes.split(","))
        if len(wanted) > len(GROWTH_PREFIXES) + 1:
            raise CommandError(f"At most {len(GROWTH_PREFIXES) + 1} sizes")
        if Child.objects.exists():
            raise CommandError("Run on an empty database: the council is built here and kept")
        now = today()
        results: dict[int, dict[str, tuple[float, int, int]]] = {}
        held = 0
        for index, size in enumerate(wanted):
            prefix = PREFIX if index == 0 else GROWTH_PREFIXES[index - 1]
            built = council_build(
                children=size - held,
                years=years,
                seed=seed + index,
                as_of=now,
                prefix=prefix,
                looked_after=0.65,
                protection=0.35,
                iros=max(6, (size - held) // 100),  # about 50 open cases each
            )
            held = size
            write(f"Grew the unit to {size:,} children ({built.seconds:.1f} s, ANALYZE run)")
            self.figures.append(
                Figure("pages: the council built", f"to {size:,} children", _minutes(built.seconds))
            )
            results[size] = self.pages_time(runs)
        self.report(wanted, results)
        figures_write(figures, self.figures)
        write(f"(as of {now}; {connection.vendor}; the council is kept in this database)")

    def pages_time(self, runs: int) -> dict[str, dict[str, Timing]]:
        """Each page's median time, queries and size: in process (Django's test client)
        and, unless --no-served, from gunicorn over loopback HTTP."""
        tag = PREFIX.lower()
        iro = User.objects.get(username=f"{tag}iro0")
        child = (
            IROAllocation.objects.filter(ended_on__isnull=True, iro__user=iro)
            .values_list("child__child_id", flat=True)
            .first()
        )
        people = {
            "iro": iro,
            "support": User.objects.get(username=f"{tag}support"),
            "head": User.objects.get(username=f"{tag}head"),
        }
        pages = [
            ("bare page", "iro", "/bench/bare/"),
            ("home: IRO", "iro", "/"),
            ("home: business support", "support", "/"),
            ("home: Head of Service", "head", "/"),
            ("caseload: IRO's own", "iro", "/children/"),
            ("caseload: everyone, page 1", "iro", "/children/?iro="),
            ("caseload: everyone by name", "iro", "/children/?iro=&sort=name"),
            ("caseload: everyone overdue", "iro", "/children/?iro=&status=overdue"),
            ("caseload: everyone in care", "iro", "/children/?iro=&area=looked_after"),
            ("child record", "iro", f"/children/{child}/"),
            ("allocation", "head", "/children/allocation/"),
            ("deadlines, page 1", "iro", "/deadlines/"),
            ("deadlines API, page 1", "support", "/api/v1/deadlines/"),
            ("dashboard", "head", "/dashboard/"),
            ("data quality", "head", "/data-quality/"),
        ]
        clients = {}
        for key, user in people.items():
            clients[key] = Client()
            # As a sign-in with a password leaves it (the first backend, axes', signs no one in).
            clients[key].force_login(user, backend="core.backends.ModelBackend")
        counted: dict[str, tuple[int, int]] = {}
        timings: dict[str, list[float]] = {label: [] for label, _, _ in pages}
        # Pages, not signing in: no second step for the Head of Service (MFA is on outside
        # debug, so a run with DEBUG off would otherwise be sent to the code page).
        with override_settings(
            DEBUG=False, OVERSIGHT_BENCH_PAGES=True, OVERSIGHT_MFA_REQUIRED=False
        ):
            for label, who, url in pages:
                client = clients[who]
                response = client.get(url)  # warm: imports, templates, the calendar
                assert response.status_code == 200, (url, response.status_code)
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                counted[label] = (len(queries), len(response.content))
            # In rounds, each page once a round: a busy spell of the machine falls on
            # every page alike, the bare one too, so the ratios hold.
            for _ in range(runs):
                for label, who, url in pages:
                    started = time.perf_counter()
                    clients[who].get(url)
                    timings[label].append(time.perf_counter() - started)
        results = {IN_PROCESS: _medians(timings, counted)}
        if self.served:
            results[SERVED] = _medians(_served_timings(pages, people, runs), counted)
        return results

    def report(self, sizes: list[int], results) -> None:
        """A table for each way the pages were timed, and whether each met its targets."""
        write = self.stdout.write
        verdicts = []
        for kind in results[sizes[0]]:
            write("")
            write(f"{kind}:")
            met = self.table(sizes, {size: results[size][kind] for size in sizes}, kind)
            verdicts.append(f"{kind}: {'met' if met else 'NOT met'}")
        write(f"Targets ({_targets(sizes)}): {'; '.join(verdicts)}")

    def table(self, sizes: list[int], results: dict[int, dict[str, Timing]], kind: str) -> bool:
        write = self.stdout.write
        head = f"{'page':<28}" + "".join(
            f" | {f'{s:,}':>8} ms  x bare  queries     KB" for s in sizes
        )
        write(head)
        write("-" * len(head))
        met = True
        first, last = sizes[0], sizes[-1]
        for label in results[first]:
            cells = []
            for size in sizes:
                took, queries, size_bytes = results[size][label]
                ratio = took / results[size]["bare page"][0]
                cells.append(
                    f" | {took * 1000:>11.1f} {ratio:>7.1f} {queries:>8} {size_bytes / 1024:>6.0f}"
                )
            write(f"{label:<28}" + "".join(cells))
            grown = results[last][label][0] / results[first][label][0]
            ratio = results[first][label][0] / results[first]["bare page"][0]
            page_met = ratio <= BARE_RATIO and (len(sizes) == 1 or grown <= GROWTH)
            if not page_met:
                met = False
                grew = f"; {grown:.1f}x its own {first:,} time at {last:,}" * (len(sizes) > 1)
                write(f"  NOT met: {ratio:.1f}x bare at {first:,}{grew}")
            self.figures.append(
                Figure(
                    SHORT[kind],
                    label,
                    _page_figure(sizes, results, label),
                    _targets(sizes) if label != "bare page" else "",
                    page_met if label != "bare page" else None,
                )
            )
        return met


def _targets(sizes: list[int]) -> str:
    first, last = sizes[0], sizes[-1]
    bare = f"<= {BARE_RATIO:.0f}x bare at {first:,}"
    return bare if first == last else f"{bare}, <= {GROWTH:.0f}x its own time at {last:,}"


def _page_figure(sizes: list[int], results: dict[int, dict[str, Timing]], label: str) -> str:
    """A page's time, ratio to the bare page and queries at each size, and its growth."""
    cells = []
    for size in sizes:
        took, queries, _ = results[size][label]
        ratio = took / results[size]["bare page"][0]
        cells.append(f"{size:,}: {took * 1000:.1f} ms {ratio:.1f}x {queries} q")
    if len(sizes) > 1:
        cells.append(f"{results[sizes[-1]][label][0] / results[sizes[0]][label][0]:.2f}x")
    return " · ".join(cells)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _medians(timings: dict[str, list[float]], counted: dict[str, tuple[int, int]]):
    return {label: (statistics.median(times), *counted[label]) for label, times in timings.items()}


def _served_timings(pages, people, runs: int) -> dict[str, list[float]]:
    """Each page timed from gunicorn, in rounds as in process, each person over a
    connection of their own signed in as a password sign-in leaves a session."""
    cookies = {who: _session_cookie(user) for who, user in people.items()}
    timings: dict[str, list[float]] = {label: [] for label, _, _ in pages}
    with _gunicorn() as port:
        connections = {who: http.client.HTTPConnection("127.0.0.1", port) for who in people}

        def get(who: str, url: str) -> int:
            for attempt in (1, 2):  # once more if the server closed the kept connection
                try:
                    connections[who].request("GET", url, headers={"Cookie": cookies[who]})
                    response = connections[who].getresponse()
                    response.read()
                    return response.status
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    connections[who].close()
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

        for _, who, url in pages:
            status = get(who, url)  # warm: the worker's imports, templates, the calendar
            if status != 200:
                raise CommandError(f"{url} answered {status} from gunicorn, not 200")
        for _ in range(runs):
            for label, who, url in pages:
                started = time.perf_counter()
                get(who, url)
                timings[label].append(time.perf_counter() - started)
        for kept in connections.values():
            kept.close()
    return timings


def _session_cookie(user) -> str:
    """A session signed in as `user` (as a password sign-in leaves one), as a cookie."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "core.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@contextmanager
def _gunicorn():
    """gunicorn serving this database on a free loopback port, DEBUG off, the bare page
    on, no second sign-in step; stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the sessions are signed with it
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "OVERSIGHT_BENCH_PAGES": "true",
        "OVERSIGHT_MFA_REQUIRED": "false",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--worker-class=gthread",
            "--threads=1",
            "--keep-alive=60",
            "--log-level=warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        _wait_until_up(server, port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(server: subprocess.Popen, port: int) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped (exit {server.returncode})")
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.25)
        finally:
            probe.close()
    raise CommandError("gunicorn did not answer /healthz within 30 s")
