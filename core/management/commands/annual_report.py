import json

from django.core.management.base import BaseCommand, CommandError

from core.annual_report import report_build


class Command(BaseCommand):
    help = "Print the annual IRO report's figures for a reporting year (1 April to 31 March)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="2024 means 2024-25")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, year, format, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year: {year} is not a reporting year such as 2024")
        self.stdout.write(json.dumps(report_build(year), indent=2))
