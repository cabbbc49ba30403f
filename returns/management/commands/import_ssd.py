from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.ssd.importer import SsdRefused, ssd_import


class Command(BaseCommand):
    help = (
        "Load a Standard Safeguarding Dataset extract (one <table>.csv per SSD table), "
        "recompute every due date and say what changed since the last extract. A problem "
        "in any row refuses the whole extract and nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="The extract's CSVs")

    def handle(self, *args, directory, **options):
        try:
            summary = ssd_import(directory=directory, progress=self.stdout.write)
        except SsdRefused as exc:
            raise CommandError(str(exc)) from exc
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
        if summary.awaiting:
            write(
                f"{summary.awaiting} row(s) of earlier extracts are missing from the extract, "
                "awaiting confirmation: they are kept until a person confirms each "
                "(Returns, SSD extracts)."
            )
