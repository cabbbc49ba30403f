"""Write a year's CIN census (child protection parts): `manage.py export_cin_census`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.dates import long_date, year_end
from returns.cin_census.exporter import CensusExportError, cin_census_export


class Command(BaseCommand):
    help = (
        "Write the child protection parts of a year's CIN census as XML in the DfE schema. "
        "--year 2024 is the 2024-25 census (reference date 31 March 2025)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="2024 means 2024-25")
        parser.add_argument(
            "--la-code", default=None, help="3-digit LA code (default: the imported census's)"
        )
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, year, la_code, file, **options):
        if la_code is not None and not (len(la_code) == 3 and la_code.isdigit()):
            raise CommandError(f"'{la_code}' is not a 3-digit LA code")
        try:
            data = cin_census_export(year=year, la_code=la_code)
        except CensusExportError as exc:
            raise CommandError(str(exc)) from exc
        Path(file).write_bytes(data)
        children = data.count(b"<Child>")
        self.stdout.write(
            f"Wrote the {year}-{(year + 1) % 100:02d} CIN census (reference date "
            f"{long_date(year_end(year))}): {children} children to {file}"
        )
