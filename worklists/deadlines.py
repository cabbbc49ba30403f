"""Every open statutory deadline in the unit, read from the stored due-date columns.

Each area stores its next due date and reason on write (the services' `*_refresh`
functions), so listing the whole unit's deadlines is one query per kind plus one for
the current IROs, whatever the caseload. The `deadlines` command, the home page and
the nightly alerts read this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import StrEnum

from django.db.models import Q

from core.dates import long_date


class DeadlineKind(StrEnum):
    LAC_REVIEW = "lac_review"
    ICPC = "icpc"
    RCPC = "rcpc"
    FOSTER_CARER_REVIEW = "foster_carer_review"
    DISPUTE_STAGE = "dispute_stage"


KIND_LABELS = {
    DeadlineKind.LAC_REVIEW: "Looked-after review",
    DeadlineKind.ICPC: "Initial child protection conference",
    DeadlineKind.RCPC: "Review child protection conference",
    DeadlineKind.FOSTER_CARER_REVIEW: "Foster carer review",
    DeadlineKind.DISPUTE_STAGE: "Dispute stage response",
}


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: dt.date
    status: str
    reason: str
    iro: str
    child: str | None = None
    carer: str | None = None
    iro_user_id: int | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[DeadlineKind(self.kind)]

    def as_json(self) -> dict:
        data = asdict(self)
        data["due"] = self.due.isoformat()
        data.pop("iro_user_id")
        if self.carer is None:
            data.pop("carer")
        else:
            data.pop("child")
        return data


def _status(due: dt.date, as_of: dt.date) -> str:
    return "overdue" if due < as_of else "due"


def _full_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def current_iros() -> dict[int, tuple[int, str]]:
    """Child pk -> (user id, name) of the IRO who holds the child now."""
    from iro.models import IROAllocation

    rows = IROAllocation.objects.filter(ended_on__isnull=True).values_list(
        "child_id",
        "iro__user_id",
        "iro__user__first_name",
        "iro__user__last_name",
        "iro__user__username",
    )
    return {child: (user, _full_name(f, la, u)) for child, user, f, la, u in rows}


def open_deadlines(
    *, as_of: dt.date, within_days: int | None = None, iro_user_id: int | None = None
) -> list[Deadline]:
    """Every open statutory deadline, overdue ones included, soonest first.

    `within_days` keeps overdue items and those due within that many days of `as_of`.
    `iro_user_id` keeps one person's items (children they hold, carers they review).
    """
    from disputes.models import DisputeStage, DisputeStatus, StageOutcome
    from fostering.models import FosterCarerHousehold
    from protection.models import ChildProtectionPlan, Section47Enquiry
    from reviews.models import PeriodOfCare

    horizon = None if within_days is None else as_of + dt.timedelta(days=within_days)

    def window(field: str) -> Q:
        q = Q(**{f"{field}__isnull": False})
        if horizon is not None:
            q &= Q(**{f"{field}__lte": horizon})
        return q

    iros = current_iros()
    items: list[Deadline] = []

    def child_item(kind: DeadlineKind, child_pk: int, child_id: str, due, reason) -> None:
        items.append(
            Deadline(
                kind=kind,
                child=child_id,
                due=due,
                status=_status(due, as_of),
                reason=reason,
                iro=iros.get(child_pk, (None, ""))[1],
                iro_user_id=iros.get(child_pk, (None, ""))[0],
            )
        )

    periods = PeriodOfCare.objects.filter(window("next_review_due"), ended_on__isnull=True)
    for pk, child_id, due, reason in periods.values_list(
        "child_id", "child__child_id", "next_review_due", "next_review_reason"
    ):
        child_item(DeadlineKind.LAC_REVIEW, pk, child_id, due, reason)

    enquiries = Section47Enquiry.objects.filter(
        window("icpc_due"), concluded_on__isnull=True, icpc_not_required=False
    )
    for pk, child_id, due, reason in enquiries.values_list(
        "child_id", "child__child_id", "icpc_due", "icpc_due_reason"
    ):
        child_item(DeadlineKind.ICPC, pk, child_id, due, reason)

    plans = ChildProtectionPlan.objects.filter(window("next_review_due"), ended_on__isnull=True)
    for pk, child_id, due, reason in plans.values_list(
        "child_id", "child__child_id", "next_review_due", "next_review_reason"
    ):
        child_item(DeadlineKind.RCPC, pk, child_id, due, reason)

    stages = DisputeStage.objects.filter(
        window("response_due_on"),
        responded_on__isnull=True,
        outcome=StageOutcome.AWAITING,
        dispute__status=DisputeStatus.FORMAL,
    )
    for pk, child_id, due, level, started in stages.values_list(
        "dispute__child_id",
        "dispute__child__child_id",
        "response_due_on",
        "level__name",
        "started_on",
    ):
        reason = f"Response from {level.lower()} to the escalation on {long_date(started)}"
        child_item(DeadlineKind.DISPUTE_STAGE, pk, child_id, due, reason)

    households = FosterCarerHousehold.objects.filter(
        window("next_review_due"), approval_ended_on__isnull=True
    )
    for reference, due, reason, officer, first, last, username in households.values_list(
        "reference",
        "next_review_due",
        "next_review_reason",
        "reviewing_officer_id",
        "reviewing_officer__first_name",
        "reviewing_officer__last_name",
        "reviewing_officer__username",
    ):
        items.append(
            Deadline(
                kind=DeadlineKind.FOSTER_CARER_REVIEW,
                carer=reference,
                due=due,
                status=_status(due, as_of),
                reason=reason,
                iro=_full_name(first or "", last or "", username or ""),
                iro_user_id=officer,
            )
        )

    items.sort(key=lambda d: (d.due, d.kind, d.child or d.carer or ""))
    if iro_user_id is not None:
        items = [d for d in items if d.iro_user_id == iro_user_id]
    return items
