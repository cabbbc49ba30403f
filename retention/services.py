"""The retention job: report what is due, and anonymise it when applying."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db import transaction

from core.outbox import outbox_events_expire
from core.retention import child_anonymisers, stored_file_deleters
from core.services import access_event_reasons_blank, access_events_expire
from core.services import today as today_
from disputes.services import child_records_anonymise as disputes_anonymise
from iro.services import child_anonymise
from protection.services import child_records_anonymise as protection_anonymise
from retention.models import RetentionRun
from retention.rules import Schedule, access_events_kept_from, outbox_events_kept_from
from retention.schedule import current_schedule
from retention.selectors import past_keeping
from reviews.services import child_records_anonymise as reviews_anonymise

logger = logging.getLogger(__name__)

# The areas' parts, in the order they are anonymised: each area's own service.
AREA_ANONYMISERS = (reviews_anonymise, protection_anonymise, disputes_anonymise)


def retention_run(
    *,
    apply: bool,
    user=None,
    today: dt.date | None = None,
    schedule: Schedule | None = None,
) -> RetentionRun:
    """Find whose records are past their keeping period and which uploads' files are due,
    and record it as a RetentionRun; when `apply`, delete the files and anonymise each
    child due, all the children in one transaction (all or nothing).

    A child on legal hold, or with anything still open, is counted and left alone. The run
    keeps only Oversight's internal ids of the children, never their names."""
    today = today or today_()
    schedule = schedule or current_schedule()
    found = past_keeping(today=today, schedule=schedule)
    due = [p for p in found if p.is_due]
    counts = Counter(p.kind for p in due)
    summary = {
        **{kind: counts[kind] for kind in sorted(counts)},
        "on_hold": sum(p.on_hold for p in found),
        "still_open": sum(p.still_open and not p.on_hold for p in found),
    }
    changed: Counter[str] = Counter()
    # Files first, each upload on its own (a deleted file cannot be rolled back with the
    # children's transaction; a file deleted is marked so, and never asked for again).
    for deleter in stored_file_deleters:
        files = deleter(as_of=today, apply=apply)
        summary.update({k: v for k, v in files.items() if k.endswith("_due")})
        changed.update({k: v for k, v in files.items() if not k.endswith("_due")})
    with transaction.atomic():
        # Who read a child's record: kept for its own period, whatever the child's age.
        kept_from = access_events_kept_from(today=today, schedule=schedule)
        expired = access_events_expire(before=kept_from, apply=apply)
        summary["access_events_due"] = expired
        if apply:
            changed["access_events"] += expired
        told = outbox_events_expire(
            before=outbox_events_kept_from(today=today, schedule=schedule), apply=apply
        )
        summary["outbox_events_due"] = told
        if apply:
            changed["outbox_events"] += told
        if apply and due:
            children = [p.child for p in due]
            ids = [c.pk for c in children]
            changed["access_event_reasons"] += access_event_reasons_blank(
                child_refs=[c.child_id for c in children]
            )
            changed.update(child_anonymise(children=children, as_of=today))
            for anonymise in (*AREA_ANONYMISERS, *child_anonymisers):
                changed.update(anonymise(child_ids=ids))
        run = RetentionRun.objects.create(
            ran_by=user,
            as_of=today,
            applied=apply,
            due=summary,
            changed={k: v for k, v in sorted(changed.items()) if v},
            child_pks=[p.child.pk for p in due],
        )
    # Ids and counts only: logs carry no names (core.logging).
    logger.info("retention run %s: applied=%s due=%s", run.pk, apply, summary)
    return run
