"""Load CIN census returns: `manage.py import_cin_census FILE [FILE ...]`."""

from django.core.management.base import BaseCommand, CommandError

from returns.cin_census.importer import KINDS, cin_census_import
from returns.cin_census.reader import CensusRefused
from returns.imports import CIN_WATCHED, RemovalsHeld, removals_guard, removals_refused
from returns.rules import collection_year

PROGRESS_FROM = 500  # children in a file before progress is shown


class Command(BaseCommand):
    help = (
        "Load CIN census XML returns (any years, any order; a later year's values win). "
        "A file with any problem is refused and nothing is saved. A load that would remove "
        "more records than OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE is refused unless "
        "--confirm-removals is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--year",
            type=collection_year,
            help="The collection year of a single census (2019-20, or 2019)",
        )
        parser.add_argument(
            "--confirm-removals",
            action="store_true",
            help="Load it even if it removes more records than the council's setting allows",
        )

    def handle(self, *args, files, year=None, confirm_removals=False, **options):
        verbose = options["verbosity"] > 0

        def progress(file: str, done: int, total: int) -> None:
            if verbose and total >= PROGRESS_FROM:
                self.stdout.write(f"{file}: {done} of {total} children")

        try:
            summary, _ = removals_guard(
                watch=CIN_WATCHED,
                confirmed=confirm_removals,
                load=lambda: cin_census_import(paths=files, year=year, progress=progress),
            )
        except RemovalsHeld as held:
            raise CommandError(removals_refused(held.removals)) from held
        except CensusRefused as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} found"
            ) from exc
        for note in summary.notes:
            self.stdout.write(f"Note: {note}")
        if summary.disagreements.open or summary.disagreements.agreed:
            self.stdout.write(f"Note: {summary.disagreements}")
        self.stdout.write(f"Imported {', '.join(summary.files)}")
        width = max(len(k) for k in KINDS)
        for kind in KINDS:
            counts = summary.counts[kind]
            line = (
                f"  {kind:<{width}}  {counts['added']:>6} added  {counts['changed']:>6} changed"
                f"  {counts['unchanged']:>6} left alone"
            )
            if counts["removed"]:
                line += f"  {counts['removed']:>6} removed"
            self.stdout.write(line)
