"""Recompute every stored due date, with its reason and rule, from the records.

Run after a council changes a timescale (OVERSIGHT_TIMESCALES, closure dates) and after
upgrading to a version that stores something new beside the due dates. Each area's own
bulk refresh does the work, a batch of children at a time; only rows that change are
written, so a second run writes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from fostering.models import FosterCarerHousehold
from fostering.services import household_schedule_refresh
from iro.models import Child
from protection.models import ChildProtectionPlan, Section47Enquiry
from protection.services import plan_schedules_refresh, section47_schedules_refresh
from reviews.services import children_periods_rebuild

BATCH = 2000


class Command(BaseCommand):
    help = "Recompute every stored due date (with its reason and rule) from the records."

    def handle(self, *args, **options):
        ids = list(
            Child.objects.filter(episodes__isnull=False).distinct().values_list("pk", flat=True)
        )
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                children_periods_rebuild(child_ids=ids[start : start + BATCH])
            done = min(start + BATCH, len(ids))
            self.stdout.write(f"Looked after: {done:,} of {len(ids):,} children")
        with transaction.atomic():
            section47_schedules_refresh(enquiries=list(Section47Enquiry.objects.all()))
            plan_schedules_refresh(plans=list(ChildProtectionPlan.objects.all()))
        self.stdout.write("Child protection: enquiries and plans done")
        households = FosterCarerHousehold.objects.all()
        for household in households.iterator():
            household_schedule_refresh(household=household)
        self.stdout.write(f"Fostering: {households.count():,} households done")
