from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.ssda903.exporter import return_export
from returns.ssda903.reading import year_label


class Command(BaseCommand):
    help = (
        "Write a collection year's SSDA903 return (1 April to 31 March) as CSVs with the "
        "DfE's columns, from Oversight's records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            required=True,
            help="The collection year by its first calendar year: 2024 is 2024-25",
        )
        parser.add_argument("directory", type=Path, metavar="DIR", help="Where to write the CSVs")

    def handle(self, *args, year, directory, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year {year}: give the year the return starts in, e.g. 2024")
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a directory")
        self.stdout.write(f"Writing the {year_label(year)} return to {directory}")
        counts = return_export(year=year, directory=directory, progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(counts)} tables, {sum(counts.values()):,} rows.")
        )
