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
        gone = sum(len(c.get("gone", [])) for c in summary.changes.values())
        if gone:
            write(f"{gone} row(s) of the last extract are no longer in it: confirm each.")
