"""A conference's preparation as a task list (GOV.UK task list), from its own fields:
booked, invited, reports in, held, record circulated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from protection.models import ChildProtectionConference, ConferenceInvitation, SendStatus

COMPLETED = "Completed"
IN_PROGRESS = "In progress"
NOT_STARTED = "Not yet started"
CANNOT_START = "Cannot start yet"


@dataclass(frozen=True)
class Task:
    key: str
    name: str
    status: str
    hint: str = ""
    url: str = ""  # empty when the person cannot act on it (or there is nothing to do)

    @property
    def done(self) -> bool:
        return self.status == COMPLETED

    @property
    def blocked(self) -> bool:
        return self.status == CANNOT_START


def preparation_tasks(
    conference: ChildProtectionConference,
    invitations: Sequence[ConferenceInvitation],
    *,
    urls: dict[str, str] | None = None,
) -> list[Task]:
    """The five steps and where each stands; `urls` holds the links the person may use."""
    urls = urls or {}
    held = conference.status == ChildProtectionConference.Status.HELD
    invited = [i for i in invitations if not i.withdrawn]
    failed = sum(1 for i in invited if i.send_status == SendStatus.FAILED)
    waiting = sum(1 for i in invited if i.send_status in (SendStatus.QUEUED, SendStatus.SENDING))
    started = conference.scheduled_for is not None and conference.scheduled_for <= timezone.now()

    def link(key: str, status: str) -> str:
        return "" if status in (COMPLETED, CANNOT_START) else urls.get(key, "")

    booked_status = COMPLETED if conference.scheduled_for else NOT_STARTED
    if not invited:
        invite_status, invite_hint = NOT_STARTED, "Nobody invited yet"
    elif failed or waiting:
        invite_status = IN_PROGRESS
        invite_hint = ", ".join(
            part
            for part in (
                f"{failed} failed to send" if failed else "",
                f"{waiting} waiting to send" if waiting else "",
            )
            if part
        )
    else:
        invite_status, invite_hint = COMPLETED, f"{len(invited)} invited"
    reports_status = COMPLETED if conference.reports_in_on else NOT_STARTED
    held_status = COMPLETED if held else NOT_STARTED if started else CANNOT_START
    if conference.minutes_sent_on:
        record_status = COMPLETED
    else:
        record_status = NOT_STARTED if held else CANNOT_START
    tasks = [
        ("book", "Book the conference", booked_status, ""),
        ("invite", "Invite the family and professionals", invite_status, invite_hint),
        ("reports", "Get the reports in", reports_status, ""),
        ("held", "Hold the conference and record its outcome", held_status, ""),
        ("record", "Send out the record of the conference", record_status, ""),
    ]
    return [Task(k, n, st, h, link(k, st)) for k, n, st, h in tasks]
