"""Reads for the retention job: whose records are past their keeping period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from core.dates import add_days, add_years, long_date
from disputes.models import Dispute, DisputeStatus
from iro.models import Child
from protection.models import Section47Enquiry, TransferIn
from protection.selectors import enquiries_awaiting_icpc, open_plans
from retention.models import RetentionRun
from retention.rules import Schedule, is_past_keeping, keep_until
from retention.schedule import current_schedule
from reviews.models import Episode, PeriodOfCare
from reviews.selectors import open_periods

# The kinds of record the schedule keeps for different lengths of time.
LOOKED_AFTER = "looked_after"
PROTECTION_ONLY = "protection_only"


@dataclass(frozen=True)
class PastKeeping:
    """A child whose records are past their keeping period, and whether they may go."""

    child: Child
    kind: str
    keep_until: dt.date
    on_hold: bool
    still_open: bool  # an open period of care, episode, plan, enquiry or challenge

    @property
    def is_due(self) -> bool:
        return not self.on_hold and not self.still_open


def _still_open() -> Combinable:
    """The child has something open in an area: never anonymised while it is."""
    child = OuterRef("pk")
    open_disputes = Dispute.objects.filter(
        status__in=[DisputeStatus.INFORMAL, DisputeStatus.FORMAL]
    )
    return (
        Exists(open_periods().filter(child=child))
        | Exists(Episode.objects.filter(child=child, ended_on__isnull=True))
        | Exists(open_plans().filter(child=child))
        | Exists(enquiries_awaiting_icpc().filter(child=child))
        | Exists(Section47Enquiry.objects.filter(child=child, concluded_on__isnull=True))
        | Exists(TransferIn.objects.filter(child=child, concluded_on__isnull=True))
        | Exists(open_disputes.filter(child=child))
    )


def past_keeping(*, today: dt.date, schedule: Schedule | None = None) -> list[PastKeeping]:
    """Every child not yet anonymised whose keeping period is over on `today`, on legal
    hold or not, with something open or not (retention.rules.keep_until)."""
    schedule = schedule or current_schedule()
    youngest = min(schedule.looked_after_until_age, schedule.protection_only_until_age)
    # Nobody younger than the shorter period can be past it: the rest are not read.
    born_by = add_days(add_years(today, -youngest), -1)
    child = OuterRef("pk")
    candidates = (
        Child.objects.filter(anonymised_on__isnull=True)
        .annotate(born_on=Coalesce("date_of_birth", "expected_date_of_birth"))
        .filter(born_on__lte=born_by)
        .annotate(
            ever_looked_after=Exists(Episode.objects.filter(child=child))
            | Exists(PeriodOfCare.objects.filter(child=child)),
            still_open=_still_open(),
        )
        .order_by("pk")
    )
    found = []
    for candidate in candidates:
        looked_after = bool(candidate.ever_looked_after)
        if not is_past_keeping(
            born_on=candidate.born_on,
            ever_looked_after=looked_after,
            schedule=schedule,
            today=today,
        ):
            continue
        found.append(
            PastKeeping(
                child=candidate,
                kind=LOOKED_AFTER if looked_after else PROTECTION_ONLY,
                keep_until=keep_until(
                    born_on=candidate.born_on, ever_looked_after=looked_after, schedule=schedule
                ),
                on_hold=candidate.legal_hold,
                still_open=bool(candidate.still_open),
            )
        )
    return found


def due_for_anonymising(today: dt.date, *, schedule: Schedule | None = None) -> list[PastKeeping]:
    """The children to anonymise on `today`: past their keep-until date, not on legal
    hold, and with no open period of care, episode, plan, enquiry or challenge."""
    return [p for p in past_keeping(today=today, schedule=schedule) if p.is_due]


def retention_runs() -> list[RetentionRun]:
    return list(RetentionRun.objects.select_related("ran_by"))


def retention_report(run: RetentionRun, *, schedule: Schedule | None = None) -> list[str]:
    """A run in words, line by line, as the command prints it: what was due, per kind,
    how many are on hold or still open, and, when applied, what changed."""
    schedule = schedule or current_schedule()
    due = run.due
    children = due.get(LOOKED_AFTER, 0) + due.get(PROTECTION_ONLY, 0)
    verb = "anonymised" if run.applied else "due to be anonymised"
    lines = [
        f"Retention {'run' if run.applied else 'report'} for {long_date(run.as_of)}"
        + ("" if run.applied else " (nothing changed: --apply anonymises)"),
        f"Children {verb}: {children}",
        f"  looked after at some time, past their {ordinal(schedule.looked_after_until_age)} "
        f"birthday: {due.get(LOOKED_AFTER, 0)}",
        f"  never looked after, past their {ordinal(schedule.protection_only_until_age)} "
        f"birthday: {due.get(PROTECTION_ONLY, 0)}",
        f"Kept, on legal hold: {due.get('on_hold', 0)}",
        f"Kept, with a period of care, plan, enquiry or challenge still open: "
        f"{due.get('still_open', 0)}",
        f"Uploads whose files are {'deleted' if run.applied else 'due to be deleted'}: "
        f"{due.get('uploads_due', 0)}",
        f"Access events older than {schedule.access_events_years} years "
        f"{'deleted' if run.applied else 'due to be deleted'}: {due.get('access_events_due', 0)}",
        f"Outbox events older than {schedule.outbox_events_days} days "
        f"{'deleted' if run.applied else 'due to be deleted'}: {due.get('outbox_events_due', 0)}",
    ]
    if run.applied:
        changed = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in run.changed.items())
        lines.append(f"Rows changed: {changed or 'none'}")
    return lines


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
