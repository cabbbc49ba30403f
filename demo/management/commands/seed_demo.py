import datetime as dt
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core.services import today
from demo.seed import DEMO_PASSWORD, demo_build
from worklists.deadlines import KIND_LABELS, DeadlineKind

NOT_IN_PRODUCTION = (
    "seed_demo deletes every case record and resets the demo sign-ins' passwords, so it "
    "runs only with DJANGO_DEBUG=true (a developer's machine). Use --force to run it anyway."
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: '{value}' is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = (
        "Replace all case data with a synthetic demo unit (invented people) as it stands "
        "on a day, and print the demo sign-ins. The same seed and day give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", type=str, help="The demo's 'today' (YYYY-MM-DD); default today"
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026)")
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"Password for every demo sign-in (default {DEMO_PASSWORD})",
        )

        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG off (it deletes every case record: never live data)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Build only when the database holds no children yet (make run uses this)",
        )

    def handle(self, *args, as_of, seed, password, if_empty, force, **options):
        from iro.models import Child

        if not settings.DEBUG and not force:
            raise CommandError(NOT_IN_PRODUCTION)
        as_of = _date(as_of) if as_of else today()
        if if_empty and Child.objects.exists():
            self.stdout.write(
                "The database already holds case data, so it is kept (make demo rebuilds it).\n"
                f"Sign in at http://127.0.0.1:8000/ as iro1 (IRO), support (business support), "
                f"head (Head of Service) or admin (administrator), password {password}."
            )
            return
        self.stdout.write(
            self.style.WARNING(
                "Synthetic demo data: every child, family, carer and officer is invented. "
                "All existing case data is deleted and replaced, and the demo sign-ins' "
                "passwords are reset."
            )
        )
        started = time.monotonic()
        try:
            summary = demo_build(seed=seed, as_of=as_of, password=password)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        took = time.monotonic() - started
        write = self.stdout.write
        write(f"Built the demo unit as of {as_of} (seed {seed}) in {took:.1f} s:")
        write(f"  children on record:            {summary.children}")
        write(f"  looked after now:              {summary.looked_after} (short breaks excluded)")
        write(f"  on child protection plans now: {summary.on_plans}")
        write(f"  IROs:                          {summary.iros} ({summary.iro_fte:.1f} FTE)")
        write(
            f"  foster carer households:       {summary.households} "
            f"({summary.households_approved} approved now)"
        )
        disputes = ", ".join(f"{status} {n}" for status, n in sorted(summary.disputes.items()))
        write(f"  disputes:                      {disputes}")
        write("  open deadlines (overdue / due):")
        for kind in DeadlineKind:
            overdue = summary.deadlines.get((kind.value, "overdue"), 0)
            due = summary.deadlines.get((kind.value, "due"), 0)
            write(f"    {KIND_LABELS[kind]:<38} {overdue:>3} / {due}")
        write("Sign in at http://127.0.0.1:8000/ as:")
        for username, role in summary.accounts:
            write(f"  {username} / {password}  ({role})")
