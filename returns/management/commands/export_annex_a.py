"""Write an Ofsted Annex A list: `manage.py export_annex_a --as-of DATE --list 7 OUT`."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.dates import long_date
from returns.annex_a import annex_a_csv, annex_a_list, annex_a_xlsx


class Command(BaseCommand):
    help = "Write Annex A list 5 (S47 and ICPC), 7 (child protection) or 8 (children in care)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="The date of the list, YYYY-MM-DD")
        parser.add_argument("--list", type=int, choices=[5, 7, 8], required=True, dest="number")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("out", metavar="OUT")

    def handle(self, *args, as_of, number, format, out, **options):
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise CommandError(f"'{as_of}' is not a date (YYYY-MM-DD)") from exc
        annex = annex_a_list(number=number, as_of=day)
        if format == "csv":
            Path(out).write_text(annex_a_csv(annex), encoding="utf-8")
        else:
            Path(out).write_bytes(annex_a_xlsx(annex))
        count = len(annex.rows)
        self.stdout.write(
            f"Wrote Annex A {annex.title} as at {long_date(day)}: "
            f"{count} row{'s' if count != 1 else ''} to {out}"
        )
