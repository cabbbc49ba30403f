from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.rules import collection_year
from returns.ssda903.importer import ReturnRefused, returns_import


class Command(BaseCommand):
    help = (
        "Load SSDA903 returns (one directory of CSVs per collection year, in any order), "
        "then recompute every looked-after review due date. Tables are recognised by their "
        "columns; a file with any problem is refused whole and nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directories",
            nargs="+",
            type=Path,
            metavar="DIR",
            help="A year's CSVs; the year comes from the name (2024-25) unless --year says",
        )
        parser.add_argument(
            "--year",
            type=collection_year,
            help="The collection year of a single return (2019-20, or 2019)",
        )

    def handle(self, *args, directories, year=None, **options):
        try:
            summary = returns_import(directories=directories, year=year, progress=self.stdout.write)
        except ReturnRefused as exc:
            raise CommandError(str(exc)) from exc
        write = self.stdout.write
        write(self.style.SUCCESS(f"Loaded {', '.join(summary.years)} in {summary.seconds:.1f} s:"))
        for kind, tally in summary.tallies.items():
            write(f"  {kind + ':':<20} {tally}")
        write(f"  {'Return rows kept:':<20} {summary.return_rows:,} (for export)")
        write(f"  {'Due dates:':<20} recomputed for {summary.children_rescheduled:,} children")
