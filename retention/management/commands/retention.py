"""manage.py retention: what the retention schedule makes due today; --apply anonymises it."""

import datetime as dt

from django.core.management.base import BaseCommand

from retention.selectors import retention_report
from retention.services import retention_run


class Command(BaseCommand):
    help = (
        "Report the children whose records are past their keeping period (per kind, and "
        "how many are on legal hold) and the uploads whose files are due; --apply "
        "anonymises the children and deletes the files. Each run is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Anonymise and delete what is due."
        )
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="The day to apply (default today)."
        )

    def handle(self, *args, apply: bool, as_of: dt.date | None, **options):
        run = retention_run(apply=apply, today=as_of)
        for line in retention_report(run):
            self.stdout.write(line)
