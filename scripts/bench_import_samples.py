"""Time loading the sample council's real-shaped returns on an empty database.

    python scripts/bench_import_samples.py [--database URL]

Council B's four years of SSDA903 returns (tests/data/council-b/ssda903), then its four
CIN censuses, then, on an empty database again, its SSD extract (tests/data/council-b-ssd,
through import_ssd). Each load is the command a council would run, in its own process,
timed from start to end; the database is emptied and migrated before each group. The
target is under 30 s each (docs/performance.md). The database given is emptied: give it
one of its own (by default an SQLite file under var/).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from demo.bench_figures import Figure, figures_write  # noqa: E402  (plain Python, no Django)

DATA = ROOT / "tests" / "data"
TARGET_SECONDS = 30.0
DEFAULT_DATABASE = f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}"


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def manage(database: str, *args: str) -> tuple[float, float, str]:
    """Run a manage.py command against `database`: its seconds, its CPU seconds (Python's,
    not the database server's: on a busy machine the steadier figure), its output."""
    env = {**os.environ, "DATABASE_URL": database}
    cpu = _cpu()
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    cpu = _cpu() - cpu
    if done.returncode:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode})")
    return seconds, cpu, done.stdout


def emptied(database: str) -> None:
    """An empty, migrated database."""
    if database.startswith("sqlite:///"):
        path = Path(database.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    manage(database, "migrate", "--no-input", "-v0")
    manage(database, "flush", "--no-input", "-v0")


def loaded_in(output: str) -> str:
    """The command's own timing of its load, where it prints one ("in 11.2 s")."""
    found = re.findall(r" in (\d+(?:\.\d+)?) s", output)
    return f"{found[-1]} s in the command" if found else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_IMPORT_DB", DEFAULT_DATABASE))
    parser.add_argument("--figures", help="Append the figures to this file (make bench's table)")
    arguments = parser.parse_args()
    database = arguments.database
    vendor = database.split(":", 1)[0]
    ssda903 = sorted(str(p) for p in (DATA / "council-b" / "ssda903").iterdir() if p.is_dir())
    cin = sorted(str(p) for p in (DATA / "council-b" / "cin").glob("*.xml"))
    groups = [
        [
            (f"council-b SSDA903, {len(ssda903)} years", ["import_ssda903", *ssda903]),
            (f"council-b CIN census, {len(cin)} years", ["import_cin_census", *cin]),
        ],
        [("council-b SSD extract", ["import_ssd", str(DATA / "council-b-ssd")])],
    ]
    print(f"Database: {database.split('@')[-1]}")
    missed = []
    figures = []
    for group in groups:
        emptied(database)
        print("(emptied and migrated)")
        for label, command in group:
            seconds, cpu, output = manage(database, *command)
            verdict = "met" if seconds < TARGET_SECONDS else "NOT met"
            inner = loaded_in(output)
            print(
                f"{label:<32} {seconds:6.1f} s  (CPU {cpu:.1f} s"
                + (f"; {inner})" if inner else ")")
                + f"  target {TARGET_SECONDS:.0f} s: {verdict}"
            )
            if seconds >= TARGET_SECONDS:
                missed.append(label)
            figures.append(
                Figure(
                    f"import, the sample council's files ({vendor})",
                    label,
                    f"{seconds:.1f} s (CPU {cpu:.1f} s)",
                    f"< {TARGET_SECONDS:.0f} s",
                    seconds < TARGET_SECONDS,
                )
            )
    figures_write(arguments.figures, figures)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
