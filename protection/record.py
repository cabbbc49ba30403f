"""The child protection section of the child's record (core.record.child_record_sections):
an open transfer in and its conference's due date, the conferences booked, and the
pages that start the clock."""

from __future__ import annotations

import datetime as dt

from core.decisions import decision_row
from core.record import RecordSection
from iro.models import Child
from protection.models import ConferenceDecision, ConferenceKind, ConferenceStatus
from protection.selectors import child_conferences, corrections, enquiry_rows


def protection_section(*, child: Child, as_of: dt.date) -> RecordSection:
    places = child_conferences(child)
    booked = sorted(
        (e for e in places if e.conference.status == ConferenceStatus.SCHEDULED),
        key=lambda e: (e.conference.scheduled_for is None, e.conference.scheduled_for, e.pk),
    )
    # A conference's decisions are the child's if it covered them and was held.
    held = [e.conference_id for e in places if e.conference.status == ConferenceStatus.HELD]
    transfer = (
        child.transfers_in.filter(concluded_on__isnull=True).order_by("notified_on", "pk").first()
    )
    return RecordSection(
        "protection/_record_section.html",
        {
            "transfer": transfer,
            "transfer_corrections": corrections(transfer) if transfer else [],
            "booked": booked,
            "transfer_booked": any(e.conference.kind == ConferenceKind.TRANSFER_IN for e in booked),
            "enquiries": enquiry_rows(child=child),
            "decisions": [
                decision_row(d, as_of)
                for d in ConferenceDecision.all_objects.filter(conference_id__in=held)
                .select_related("conference__chair", "conference__deputy_chair", "withdrawn_by")
                .order_by("-conference__held_on", "due_on")
            ]
            if held
            else [],
        },
    )
