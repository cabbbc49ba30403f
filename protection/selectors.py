"""Reads for the child protection area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from core.dates import long_date
from core.deadlines import DeadlineSource, OpenDeadline, deadlines_from
from core.decisions import DecisionRow, decision_row
from core.history import corrections_each
from core.meetings import BookingNeed, BookingSource, Meeting
from core.request_memo import once_a_request
from iro.selectors import child_scope, children_held_by
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceDecision,
    ConferenceKind,
    ConferenceStatus,
    Section47Enquiry,
    TransferIn,
)

ICPC = "icpc"
RCPC = "rcpc"
# An overdue decision of a conference, listed for each child it covered.
CONFERENCE_DECISION = "conference_decision"
CONFERENCE_DECISION_RULE = "cp_conference_decision"
# A transfer-in conference to book (on the deadlines list it is an initial conference
# with the rule transfer_in; the board books it as its own kind of conference).
TRANSFER_IN = "transfer_in"


def corrections(row: Any) -> list[Any]:
    """A record's history entries that say why it changed (corrections, a withdrawal),
    oldest first, with who made them."""
    return corrections_each([row])[row.pk]


@dataclass(frozen=True)
class EnquiryRow:
    """A section 47 enquiry on the child's record: its corrections, and why it cannot be
    withdrawn (None when it can)."""

    enquiry: Section47Enquiry
    corrections: list[Any]
    withdraw_problem: str | None


@once_a_request
def child_enquiries(child: Any) -> list[Section47Enquiry]:
    """The child's section 47 enquiries, newest first, withdrawn ones too (with who
    withdrew them): read once a request (the record's page and its section)."""
    return list(
        Section47Enquiry.all_objects.filter(child=child)
        .select_related("withdrawn_by")
        .order_by("-strategy_discussion_on", "-pk")
    )


@once_a_request
def child_conferences(child: Any) -> list[ConferenceChild]:
    """The child's places at conferences, booked, held and cancelled, the latest held
    first, each with its conference: read once a request (the record's page and its
    section)."""
    return list(
        ConferenceChild.objects.filter(child=child)
        .select_related("conference")
        .order_by("-conference__held_on", "-pk")
    )


def enquiry_rows(*, child: Any, limit: int = 3) -> list[EnquiryRow]:
    """The child's latest enquiries, then any withdrawn, each with its corrections."""
    from protection.services import section47_withdraw_problem

    enquiries, places = child_enquiries(child), child_conferences(child)
    latest = [e for e in enquiries if e.withdrawn_at is None][:limit]
    withdrawn = [e for e in enquiries if e.withdrawn_at is not None]
    shown = latest + withdrawn
    corrected = corrections_each(shown)
    return [
        EnquiryRow(e, corrected[e.pk], section47_withdraw_problem(e, places=places)) for e in shown
    ]


def enquiries_awaiting_icpc() -> QuerySet[Section47Enquiry]:
    """Section 47 enquiries still open that need an initial conference."""
    return Section47Enquiry.objects.filter(concluded_on__isnull=True, icpc_not_required=False)


def transfers_awaiting_conference() -> QuerySet[TransferIn]:
    """Children moving here on another council's plan whose transfer-in conference has
    not been held."""
    return TransferIn.objects.filter(concluded_on__isnull=True)


def open_plans() -> QuerySet[ChildProtectionPlan]:
    """Child protection plans not yet ended."""
    return ChildProtectionPlan.objects.filter(ended_on__isnull=True)


def deadline_sources(
    *, user_id: int | None = None, children: Collection[int] | None = None
) -> list[DeadlineSource]:
    """The area's open deadlines as queries (core.deadlines.DeadlineSource): each initial
    conference due (a transfer-in conference counts as one, RULES.md 5), each plan's next
    review conference, and each decision of a held conference not yet done, one per child
    the conference covered.

    `user_id` keeps those of the children that person holds as IRO now; `children`,
    those of these children (iro.selectors.child_scope).
    """
    enquiries = enquiries_awaiting_icpc()
    transfers = transfers_awaiting_conference()
    plans = open_plans()
    decisions = ConferenceDecision.objects.filter(
        completed_on__isnull=True, conference__status=ConferenceStatus.HELD
    )
    held = child_scope(user_id=user_id, children=children)
    if held is not None:
        enquiries = enquiries.filter(child_id__in=held)
        transfers = transfers.filter(child_id__in=held)
        plans = plans.filter(child_id__in=held)
        decisions = decisions.filter(conference__covered__child_id__in=held)

    def due(kind: str, label: str):
        return lambda pk, cid, on, why, rule: OpenDeadline(kind, label, on, why, pk, cid, rule=rule)

    return [
        DeadlineSource(
            ICPC,
            enquiries,
            "icpc_due",
            ("child_id", "child__child_id", "icpc_due", "icpc_due_reason", "icpc_due_rule"),
            due(ICPC, "Initial child protection conference"),
        ),
        DeadlineSource(
            ICPC,
            transfers,
            "conference_due",
            (
                "child_id",
                "child__child_id",
                "conference_due",
                "conference_due_reason",
                "conference_due_rule",
            ),
            due(ICPC, "Transfer-in child protection conference"),
        ),
        DeadlineSource(
            RCPC,
            plans,
            "next_review_due",
            (
                "child_id",
                "child__child_id",
                "next_review_due",
                "next_review_reason",
                "next_review_rule",
            ),
            due(RCPC, "Review child protection conference"),
        ),
        DeadlineSource(
            CONFERENCE_DECISION,
            decisions,
            "due_on",
            (
                "conference__covered__child_id",
                "conference__covered__child__child_id",
                "due_on",
                "conference__held_on",
                "owner",
                "action",
            ),
            _decision_deadline,
        ),
    ]


def _decision_deadline(pk, child_id, due, held_on, owner, action) -> OpenDeadline | None:
    if pk is None:  # a conference that covered no child
        return None
    return OpenDeadline(
        CONFERENCE_DECISION,
        "Decision of a child protection conference",
        due,
        f"Decision of the conference on {long_date(held_on)}, for {owner}: {_short(action)}",
        pk,
        child_id,
        rule=CONFERENCE_DECISION_RULE,
    )


def open_deadlines(
    *,
    horizon: dt.date | None = None,
    user_id: int | None = None,
    children: Collection[int] | None = None,
) -> list[OpenDeadline]:
    """Each initial conference due, each plan's next review conference, and each decision
    of a held conference not yet done (four queries, `deadline_sources`)."""
    sources = deadline_sources(user_id=user_id, children=children)
    return deadlines_from(sources, horizon=horizon)


def open_decisions(
    *, horizon: dt.date | None = None, user_id: int | None = None
) -> list[OpenDeadline]:
    """Decisions of held conferences not yet done, due by `horizon` if given, one per
    child the conference covered (one query); `user_id` keeps those of the children that
    person holds. Whether one is overdue or due is the list's to say, from its own day."""
    return deadline_sources(user_id=user_id)[-1].deadlines(horizon=horizon)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def decision_rows(conference: ChildProtectionConference, *, as_of: dt.date) -> list[DecisionRow]:
    """A conference's decisions, withdrawn ones too, each with its status on `as_of`."""
    decisions = ConferenceDecision.all_objects.filter(conference=conference).select_related(
        "withdrawn_by", "conference"
    )
    return [decision_row(d, as_of) for d in decisions]


def booked_conferences_between(
    start: dt.datetime, end: dt.datetime, *, chair_id: int | None = None
) -> list[Meeting]:
    """Booked conferences starting in [start, end) (two queries)."""
    conferences = (
        ChildProtectionConference.objects.filter(
            status=ConferenceStatus.SCHEDULED, scheduled_for__gte=start, scheduled_for__lt=end
        )
        .select_related("chair__user")
        .prefetch_related(
            Prefetch("covered", queryset=ConferenceChild.objects.select_related("child"))
        )
    )
    if chair_id is not None:
        conferences = conferences.filter(chair_id=chair_id)
    return [
        Meeting(
            "conference",
            f"{c.get_kind_display()} conference",
            c.scheduled_for,
            c.venue,
            c.chair_id,
            str(c.chair) if c.chair else "",
            [(e.child.child_id, e.child.full_name) for e in c.covered.all()],
            c.pk,
        )
        for c in conferences
        if c.scheduled_for is not None
    ]


def booking_sources() -> list[BookingSource]:
    """Initial, transfer-in and review conferences to book: the enquiries, transfers and
    open plans with no conference of that kind booked for the child.

    The children with one booked are a small set, read once (NOT IN a subquery, hashed),
    never a correlated EXISTS per row: with the statistics stale after a big import,
    PostgreSQL ran that as a scan of the conferences per enquiry (12 s at 100,000
    children; docs/performance.md)."""

    def booked(kind: str) -> QuerySet[ConferenceChild, Any]:
        return ConferenceChild.objects.filter(
            conference__status=ConferenceStatus.SCHEDULED, conference__kind=kind
        ).values("child_id")

    return [
        BookingSource(
            ICPC,
            "Initial conference",
            enquiries_awaiting_icpc().exclude(child__in=booked(ConferenceKind.INITIAL)),
            "icpc_due",
            "icpc_due_reason",
        ),
        BookingSource(
            TRANSFER_IN,
            "Transfer-in conference",
            transfers_awaiting_conference().exclude(child__in=booked(ConferenceKind.TRANSFER_IN)),
            "conference_due",
            "conference_due_reason",
        ),
        BookingSource(
            RCPC,
            "Review conference",
            open_plans().exclude(child__in=booked(ConferenceKind.REVIEW)),
            "next_review_due",
            "next_review_reason",
        ),
    ]


def booking_needs(*, until: dt.date) -> list[BookingNeed]:
    """Conferences due by `until`, or overdue, with none of that kind booked for the
    child (three queries)."""
    return [need for source in booking_sources() for need in source.needs(until=until)]


def conferences_in_scope(*, user_id: int | None = None) -> QuerySet[ChildProtectionConference]:
    """Conferences, booked, held and cancelled, with their chairs and every child each
    covers (two queries a page); `user_id` keeps those covering a child that person holds
    as IRO now and those they chair or deputise for. A conference is one meeting for the
    family, so one in scope lists every child it covers, as its page does."""
    conferences = ChildProtectionConference.objects.select_related(
        "chair__user", "deputy_chair__user"
    ).prefetch_related(
        Prefetch(
            "covered",
            queryset=ConferenceChild.objects.select_related("child").order_by(
                "child__child_id", "pk"
            ),
        )
    )
    if user_id is not None:
        held = ConferenceChild.objects.filter(
            conference=OuterRef("pk"), child_id__in=children_held_by(user_id=user_id)
        )
        conferences = conferences.filter(
            Exists(held) | Q(chair__user_id=user_id) | Q(deputy_chair__user_id=user_id)
        )
    return conferences.order_by(
        F("held_on").desc(nulls_first=True), F("scheduled_for").desc(nulls_last=True), "-pk"
    )


def plans_in_scope(*, user_id: int | None = None) -> QuerySet[ChildProtectionPlan]:
    """Child protection plans, open and ended, with their child; `user_id` keeps those of
    the children that person holds as IRO now."""
    plans = ChildProtectionPlan.objects.select_related("child")
    if user_id is not None:
        plans = plans.filter(child_id__in=children_held_by(user_id=user_id))
    return plans.order_by("child__child_id", "started_on", "pk")
