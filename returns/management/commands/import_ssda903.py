from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.imports import SSDA903_WATCHED, RemovalsHeld, removals_guard, removals_refused
from returns.rules import collection_year
from returns.ssda903.importer import ReturnRefused, returns_import


class Command(BaseCommand):
    help = (
        "Load SSDA903 returns (one directory of CSVs per collection year, in any order), "
        "then recompute every looked-after review due date. Tables are recognised by their "
        "columns; a file with any problem is refused whole and nothing is saved. A load "
        "that would remove more records than OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE is "
        "refused unless --confirm-removals is given."
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
        parser.add_argument(
            "--confirm-removals",
            action="store_true",
            help="Load it even if it removes more records than the council's setting allows",
        )

    def handle(self, *args, directories, year=None, confirm_removals=False, **options):
        try:
            summary, removals = removals_guard(
                watch=SSDA903_WATCHED,
                confirmed=confirm_removals,
                load=lambda: returns_import(
                    directories=directories, year=year, progress=self.stdout.write
                ),
            )
        except ReturnRefused as exc:
            raise CommandError(str(exc)) from exc
        except RemovalsHeld as held:
            raise CommandError(removals_refused(held.removals)) from held
        write = self.stdout.write
        write(self.style.SUCCESS(f"Loaded {', '.join(summary.years)} in {summary.seconds:.1f} s:"))
        for kind, tally in summary.tallies.items():
            write(f"  {kind + ':':<20} {tally}")
        write(f"  {'Return rows kept:':<20} {summary.return_rows:,} (for export)")
        write(f"  {'Due dates:':<20} recomputed for {summary.children_rescheduled:,} children")
        if summary.disagreements.open or summary.disagreements.agreed:
            write(f"  {'Disagreements:':<20} {summary.disagreements}")
        if removals.total:
            write(f"Removed {removals.describe()} ({len(removals.children):,} children).")
