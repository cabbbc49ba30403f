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
VENV = Path(sys.executable).parent


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
            str(max(1, USERS // 10)),
            "--run-time",
            f"{SECONDS}s",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        check=False,
    )


def report(prefix: str) -> int:
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    print(f"\n{USERS} users for {SECONDS} s on http://{HOST}:{PORT} (gunicorn, debug off)\n")
    print(f"{'page':<22}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    failed = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        failed += int(row["Failure Count"]) if name == "all" else 0
        print(
            f"{name:<22}{row['Request Count']:>10}{float(row['Requests/s']):>9.1f}"
            f"{row['50%']:>9}{row['95%']:>9}{row['Failure Count']:>8}"
        )
    return 1 if failed else 0


def main() -> int:
    server = serve()
    try:
        wait_until_up(server)
        with tempfile.TemporaryDirectory() as work:
            prefix = str(Path(work) / "load")
            load(prefix)
            return report(prefix)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
