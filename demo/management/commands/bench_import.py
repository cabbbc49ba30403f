"""Time loading a year's SSDA903 return of the invented council (rolled back)."""

import csv
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.dates import year_end
from demo.bench_figures import Figure, figures_write
from demo.council import council_build
from returns.models import ReturnTable
from returns.ssda903.exporter import return_export
from returns.ssda903.importer import returns_import
from returns.ssda903.tables import TABLES

TARGET_SECONDS = 60


def _peak_mb() -> float:
    # ru_maxrss is the process's high-water mark, in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PREFIX = "S"


def return_generate(*, directory: Path, year: int, children: int, seed: int) -> dict[str, int]:
    """Write the year's return of an invented council whose every child is looked after
    in it: built in a transaction, written by the real exporter, rolled back.

    Rows of any other child in this database are left out of the files.
    """
    with transaction.atomic():
        council_build(
            children=children,
            years=1,
            seed=seed,
            as_of=year_end(year),
            prefix=PREFIX,
            looked_after=1.0,
            protection=0.0,
        )
        return_export(year=year, directory=directory)
        transaction.set_rollback(True)
    ours = {f"{PREFIX}{n:07d}" for n in range(children)}
    counts = {}
    for table in TABLES:
        path = directory / table.filename
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            columns, *rows = list(csv.reader(handle))
        kept = [row for row in rows if row[0] in ours]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(kept)
        counts[table.name] = len(kept)
    return counts


class Command(BaseCommand):
    help = (
        "Time loading a generated SSDA903 return (invented children) and report the peak "
        "memory. Runs in a transaction that is rolled back, so the database is unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=10_000)
        parser.add_argument("--year", type=int, default=2024, help="Collection year (2024-25)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--keep", action="store_true", help="Commit the loaded children instead"
        )
        parser.add_argument(
            "--figures", help="Append the headline figures to this file (make bench's table)"
        )

    def handle(self, *args, children, year, seed, keep, figures, **options):
        write = self.stdout.write
        quiet = lambda _: None  # noqa: E731
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp) / f"{year}-{(year + 1) % 100:02d}"
            started = time.monotonic()
            counts = return_generate(directory=directory, year=year, children=children, seed=seed)
            write(
                f"Generated a {directory.name} return in {time.monotonic() - started:.1f} s "
                "(invented council, written by the exporter, not timed): "
                + ", ".join(f"{name} {n:,}" for name, n in counts.items() if n)
            )
            before = _peak_mb()
            clock = time.monotonic()

            def timed(message: str) -> None:
                write(f"{time.monotonic() - clock:6.1f} s  {message}")

            with transaction.atomic():
                first = returns_import(directories=[directory], progress=timed)
                after_first = _peak_mb()
                again = returns_import(directories=[directory], progress=quiet)
                if not keep:
                    transaction.set_rollback(True)
        vendor = connection.vendor
        write("")
        write(f"Database:            {vendor} ({connection.settings_dict['NAME']})")
        write(
            f"Children:            {children:,} in the council, "
            f"{counts.get(ReturnTable.HEADER, 0):,} in the return"
        )
        write(f"First import:        {first.seconds:.1f} s  ({first.tallies['Episodes']} episodes)")
        write(f"Import again:        {again.seconds:.1f} s  (children {again.tallies['Children']})")
        write(f"Peak memory (RSS):   {after_first:.0f} MB (before importing: {before:.0f} MB)")
        verdict = "met" if first.seconds < TARGET_SECONDS else "NOT met"
        write(f"Target:              under {TARGET_SECONDS} s: {verdict}")
        bench = f"import, a generated SSDA903 return of {children:,} children ({vendor})"
        figures_write(
            figures,
            [
                Figure(
                    bench,
                    "first import",
                    f"{first.seconds:.1f} s, {after_first:.0f} MB peak",
                    f"< {TARGET_SECONDS} s",
                    first.seconds < TARGET_SECONDS,
                ),
                Figure(bench, "the same return again", f"{again.seconds:.1f} s"),
            ],
        )
        write("Rolled back: the database is unchanged." if not keep else "Committed.")
