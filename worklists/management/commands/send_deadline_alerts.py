import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.services import today
from worklists.alerts import digests_build
from worklists.models import DeadlineDigest
from worklists.notifications import (
    deadline_digest_send,
    deadline_digests_record,
    overdue_deadlines_announce,
)


class Command(BaseCommand):
    help = "Run the nightly deadline alerts now: record and send each person's digest."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=str, help="The day to alert for (YYYY-MM-DD)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; record nothing"
        )

    def handle(self, *args, as_of, dry_run, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else today()
        except ValueError as exc:
            raise CommandError(f"--as-of: '{as_of}' is not a date in the form YYYY-MM-DD") from exc
        if dry_run:
            for user, (role, items) in digests_build(as_of=day).items():
                overdue = sum(1 for i in items if i.status == "overdue")
                self.stdout.write(f"{user.email} ({role}): {len(items)} items, {overdue} overdue")
                for item in items:
                    self.stdout.write(
                        f"  [{item.status}] {item.label}: {item.subject} {item.due or ''}"
                    )
            self.stdout.write("Dry run: nothing recorded or sent.")
            return
        overdue_deadlines_announce(as_of=day)
        deadline_digests_record(as_of=day)
        sent = failed = 0
        for digest in DeadlineDigest.objects.filter(sent_at__isnull=True).order_by("for_date"):
            try:
                sent += deadline_digest_send(digest_id=digest.pk)
            except Exception as exc:  # shown on the administrators' page; retried next run
                failed += 1
                self.stderr.write(f"Not sent to {digest.recipient}: {exc}")
        self.stdout.write(f"Deadline alerts for {day}: {sent} sent, {failed} failed.")
