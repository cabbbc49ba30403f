import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from core.services import today
from worklists.deadlines import open_deadlines


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: '{value}' is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "List every open statutory deadline, overdue or due, with the reason for each."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=str, help="Date overdue is measured from (YYYY-MM-DD)")
        parser.add_argument(
            "--within", type=int, help="Only items due within this many days (overdue always)"
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, as_of, within, format, **options):
        as_of = _date(as_of) if as_of else today()
        if within is not None and within < 0:
            raise CommandError("--within: the number of days cannot be negative")
        items = open_deadlines(as_of=as_of, within_days=within)
        if format == "json":
            self.stdout.write(json.dumps([d.as_json() for d in items], indent=2))
            return
        rows = [
            (d.due.isoformat(), d.status, d.kind, d.child or d.carer or "", d.iro, d.reason)
            for d in items
        ]
        headers = ("due", "status", "kind", "child/carer", "iro", "reason")
        widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers[:-1])]
        line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)) + "  reason"
        self.stdout.write(line)
        for row in rows:
            cells = "  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True))
            self.stdout.write(f"{cells}  {row[-1]}")
        overdue = sum(1 for d in items if d.status == "overdue")
        self.stdout.write(f"\n{len(items)} open deadlines as of {as_of}: {overdue} overdue.")
