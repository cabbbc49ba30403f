from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.imports import (
    CIN_WATCHED,
    SSDA903_WATCHED,
    RemovalsHeld,
    removals_guard,
    removals_refused,
)
from returns.ssd.importer import SsdRefused, SsdSummary, ssd_import


class Command(BaseCommand):
    help = (
        "Load a Standard Safeguarding Dataset extract (one <table>.csv per SSD table), "
        "recompute every due date and say what changed since the last extract. A problem "
        "in any row refuses the whole extract and nothing is saved. An extract that would "
        "remove more records than OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE is refused (and "
        "not kept as a run) unless --confirm-removals is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="The extract's CSVs")
        parser.add_argument(
            "--confirm-removals",
            action="store_true",
            help="Load it even if it removes more records than the council's setting allows",
        )

    def handle(self, *args, directory, confirm_removals=False, **options):
        def load() -> SsdSummary | SsdRefused:
            # A refused extract keeps its failed run: returned, so the guard commits it.
            try:
                return ssd_import(directory=directory, progress=self.stdout.write)
            except SsdRefused as exc:
                return exc

        try:
            summary, _ = removals_guard(
                watch=[*SSDA903_WATCHED, *CIN_WATCHED], confirmed=confirm_removals, load=load
            )
        except RemovalsHeld as held:
            raise CommandError(removals_refused(held.removals)) from held
        if isinstance(summary, SsdRefused):
            raise CommandError(str(summary)) from summary
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"Loaded the SSD extract (run {summary.run_id}; {', '.join(summary.years)}) "
                f"in {summary.seconds:.1f} s"
            )
        )
        counts = summary.counts()
        if not counts:
            write("Nothing changed since the last extract.")
        for table, kinds in counts.items():
            write(f"  {table}: " + ", ".join(f"{kind} {n}" for kind, n in kinds.items()))
        found = summary.disagreements
        if found.open or found.agreed:
            write(f"{str(found)[:1].upper()}{str(found)[1:]} (Data quality).")
        if summary.awaiting:
            write(
                f"{summary.awaiting} row(s) of earlier extracts are missing from the extract, "
                "awaiting confirmation: they are kept until a person confirms each "
                "(Returns, SSD extracts)."
            )
