"""`make load`: the demo unit under gunicorn (debug off) on loopback, LOAD_USERS people
signed in at once for LOAD_SECONDS, then one table: requests/s, p50, p95 and errors for
each page and in all. Exits 1 if any request failed.

Run from the project's root with the database already migrated and seeded
(the Makefile target does both). Measure on a quiet machine: the figures are the
machine's as much as Oversight's."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PORT = int(os.environ.get("LOAD_PORT", "8765"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
# People arrive LOAD_SPAWN_RATE a second, each signing in once: a password check is
# PBKDF2's million rounds (about 0.5 s of one core), so fifty at once would be a queue of
# sign-ins in front of every page on a small machine, as no council's morning is. The run
# lasts the arrival plus LOAD_SECONDS with everyone signed in; the figures cover both.
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "2"))
RAMP = int(USERS / SPAWN_RATE + 0.999)
VENV = Path(sys.executable).parent
DATABASE = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0]


def serve() -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "load-test-only-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        # The load is the pages, not two-step sign-in (tests/core/test_two_factor.py).
        "OVERSIGHT_MFA_REQUIRED": "false",
        # Fifty people sign in from one address here, as they would not at a council.
        "OVERSIGHT_LOGIN_ADDRESS_LIMIT": "100000",
    }
    workers = os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1))
    return subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "config.wsgi",
            f"--bind={HOST}:{PORT}",
            f"--workers={workers}",
            "--threads=2",
            # Each person's connection is kept between clicks, as a browser keeps its own:
            # with gunicorn's 2 s a connection closed while a click was on its way (a
            # thought is 1 to 4 s) was a "connection reset" error that Oversight never made.
            "--keep-alive=10",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )


def wait_until_up(server: subprocess.Popen) -> None:
    for _ in range(60):
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not answer /healthz within 30 s")


def load(prefix: str) -> None:
    subprocess.run(
        [
            str(VENV / "locust"),
            "--locustfile",
            str(ROOT / "scripts/load/locustfile.py"),
            "--headless",
            "--host",
            f"http://{HOST}:{PORT}",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(SPAWN_RATE),
            "--run-time",
            f"{RAMP + SECONDS}s",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        check=False,
    )


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time gunicorn and its workers have used (user and system), from /proc: what the
    pages cost the machine, whatever else is running on it."""
    try:
        import psutil  # locust's own dependency
    except ImportError:
        return float("nan")
    main = psutil.Process(server.pid)
    return sum(
        sum(p.cpu_times()[:2]) for p in [main, *main.children(recursive=True)] if p.is_running()
    )


def report(prefix: str, cpu_seconds: float) -> int:
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    print(
        f"\n{USERS} users ({SPAWN_RATE:g} arriving a second: {RAMP} s), then {SECONDS} s with all "
        f"signed in, on http://{HOST}:{PORT} (gunicorn, debug off, {DATABASE})\n"
    )
    print(f"{'page':<22}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    failed = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        failed += int(row["Failure Count"]) if name == "all" else 0
        print(
            f"{name:<22}{row['Request Count']:>10}{float(row['Requests/s']):>9.1f}"
            f"{row['50%']:>9}{row['95%']:>9}{row['Failure Count']:>8}"
        )
    requests = int(rows[-1]["Request Count"]) if rows else 0
    cpu_per_request = cpu_seconds / requests * 1000 if requests else float("nan")
    print(
        f"\nServer CPU {cpu_seconds:.1f} s for {requests} requests: {cpu_per_request:.0f} ms a "
        f"request; this machine has {os.cpu_count()} cores (load average now "
        f"{os.getloadavg()[0]:.1f}, other work included)."
    )
    return 1 if failed else 0


def main() -> int:
    server = serve()
    try:
        wait_until_up(server)
        with tempfile.TemporaryDirectory() as work:
            prefix = str(Path(work) / "load")
            start = server_cpu_seconds(server)
            load(prefix)
            return report(prefix, server_cpu_seconds(server) - start)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
