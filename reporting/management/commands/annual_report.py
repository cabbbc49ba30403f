import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.services import today
from reporting.annual_report import report_build, year_label
from reporting.document import report_document


class Command(BaseCommand):
    help = (
        "The annual IRO report for a reporting year (1 April to 31 March): its figures as "
        "JSON, or the report itself as a Word document (to edit) or a PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="2024 means 2024-25")
        parser.add_argument("--format", choices=["json", "docx", "pdf"], default="json")
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write a docx or pdf (default: iro-annual-report-2024-25.docx here)",
        )

    def handle(self, *args, year, format, output, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year: {year} is not a reporting year such as 2024")
        # A year still in progress is reported so far, with counts at today.
        report = report_build(year, as_of=today())
        if format == "json":
            self.stdout.write(json.dumps(report, indent=2))
            return
        path = output or Path(f"iro-annual-report-{year_label(year)}.{format}")
        path.write_bytes(report_document(report, fmt=format))
        self.stdout.write(f"Wrote {path}")
