"""Run the DfE return rules on Oversight's records: `manage.py check_data_quality [--year]`."""

from django.core.management.base import BaseCommand, CommandError

from core.services import today
from returns.data_quality import data_quality_check, years_checked
from returns.models import DataQualityCheck
from returns.ssda903.reading import year_label


class Command(BaseCommand):
    help = (
        "Write the year's SSDA903 return and CIN census from Oversight's records, check them "
        "with the DfE's validators and keep each child's issues for the data-quality page. "
        "Without --year, as the nightly job does: every year still to be returned and every "
        "year whose SSDA903 return is loaded, each against the year before."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="2024 means 2024-25")

    def handle(self, *args, year, **options):
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError(f"--year {year}: give the year the return starts in, e.g. 2024")
        for each in [year] if year is not None else years_checked(today()):
            for check in data_quality_check(year=each).values():
                line = f"{check.get_return_name_display()} {year_label(each)}: "
                if check.outcome == DataQualityCheck.Outcome.CHECKED:
                    count = check.issue_count
                    line += f"{count} issue{'' if count == 1 else 's'}"
                    style = self.style.SUCCESS if not count else self.style.WARNING
                else:
                    line += check.get_outcome_display().lower()
                    style = self.style.ERROR
                self.stdout.write(style(line))
                if check.message:
                    self.stdout.write(f"  {check.message}")
