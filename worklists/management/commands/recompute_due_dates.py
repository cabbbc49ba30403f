"""Recompute every stored due date, with its reason and rule, from the records.

Run after a council changes a timescale (OVERSIGHT_TIMESCALES, closure dates) and after
upgrading to a version that stores something new beside the due dates. Each area's own
bulk refresh does the work, a batch of children at a time; only rows that change are
written, so a second run writes nothing.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from fostering.models import FosterCarerHousehold
from fostering.services import households_schedules_refresh
from iro.models import Child
from protection.models import ChildProtectionPlan, Section47Enquiry
from protection.services import plan_schedules_refresh, section47_schedules_refresh
from reviews.services import children_periods_rebuild

BATCH = 2000


class Command(BaseCommand):
    help = "Recompute every stored due date (with its reason and rule) from the records."

    def handle(self, *args, **options):
        started = time.monotonic()
        say = self.stdout.write
        looked_after = self._ids(Child.objects.filter(episodes__isnull=False))
        for done, chunk in self._batches(looked_after):
            with transaction.atomic():
                children_periods_rebuild(child_ids=chunk)
            say(f"Looked after: {done:,} of {len(looked_after):,} children")
        protected = self._ids(Child.objects.filter(section47_enquiries__isnull=False)) | self._ids(
            Child.objects.filter(cp_plans__isnull=False)
        )
        protected_ids = sorted(protected)
        for done, chunk in self._batches(protected_ids):
            with transaction.atomic():
                section47_schedules_refresh(
                    enquiries=list(Section47Enquiry.objects.filter(child__in=chunk))
                )
                plan_schedules_refresh(
                    plans=list(ChildProtectionPlan.objects.filter(child__in=chunk))
                )
            say(f"Child protection: {done:,} of {len(protected_ids):,} children")
        households = sorted(FosterCarerHousehold.objects.values_list("pk", flat=True))
        for done, chunk in self._batches(households):
            with transaction.atomic():
                households_schedules_refresh(
                    households=list(FosterCarerHousehold.objects.filter(pk__in=chunk))
                )
            say(f"Fostering: {done:,} of {len(households):,} households")
        say(f"Every due date worked out again in {time.monotonic() - started:.1f} s")

    @staticmethod
    def _ids(children) -> set[int]:
        return set(children.values_list("pk", flat=True).distinct())

    @staticmethod
    def _batches(ids):
        ids = sorted(ids)
        for start in range(0, len(ids), BATCH):
            yield min(start + BATCH, len(ids)), ids[start : start + BATCH]
