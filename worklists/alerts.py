"""What each person needs to hear about tonight: the nightly digest.

The nightly job reads everything once for the whole unit (a handful of queries) and
shares it out per person. The home page shows one person the same digest, read from
that person's scope alone (`digest_for`): an IRO's page reads their children and the
reviews they chaired, never the unit's, so it costs what that person sees.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from itertools import groupby

from django.conf import settings

from core.dates import add_months, add_working_days, default_calendar, long_date
from core.deadlines import OpenDeadline, deadline_state
from core.kept import unit_kept
from core.meetings import BookingNeed
from core.models import User, initials_of
from core.roles import Role, user_roles
from core.timescales import default_timescales
from iro.rules import RESTRICTED_RECORD
from iro.selectors import (
    restricted_ids_hidden_among,
    restricted_ids_hidden_from,
    restricted_records_held,
)
from reviews.models import LookedAfterReview, ReviewStatus
from reviews.rules import PERMANENCE_PLAN_REVIEW_NUMBER, circulation_due
from worklists.deadlines import Deadline, DeadlineKind, deadline_of, open_deadlines


@dataclass(frozen=True)
class DigestItem:
    kind: str
    label: str
    subject: str  # a child's council ID and initials, a carer reference, or an IRO
    due: str | None  # ISO date
    status: str  # overdue, due, or notice
    reason: str  # shown in Oversight only; emails leave it out
    url: str
    # The council child IDs the subject names, in its order: a restricted record's
    # initials are left out for anyone who may not open it unasked (`digest_masked`).
    child_ids: tuple[str, ...] = ()

    @property
    def due_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.due) if self.due else None


@dataclass(frozen=True)
class Thresholds:
    """How far ahead each kind is announced. Configured by OVERSIGHT_ALERT_THRESHOLDS."""

    lac_review_working_days: int = 20
    icpc_working_days: int = 5
    rcpc_working_days: int = 20
    dispute_stage_working_days: int = 2
    foster_carer_review_months: int = 1
    circulation_working_days: int = 2
    circulation_lookback_days: int = 60
    booking_window_weeks: int = 6
    minutes_lookback_days: int = 60
    plan_duration_months: tuple[int, ...] = (15, 24)
    permanence_lookback_days: int = 365


def thresholds() -> Thresholds:
    overrides = dict(settings.OVERSIGHT_ALERT_THRESHOLDS)
    if "plan_duration_months" in overrides:
        overrides["plan_duration_months"] = tuple(overrides["plan_duration_months"])
    return Thresholds(**overrides)


def _status(due: dt.date, as_of: dt.date) -> str:
    state = deadline_state(due, as_of=as_of)
    assert state is not None
    return state.status.value


def _subject(child_id: str, initials: str) -> str:
    return f"{child_id} ({initials})" if initials else child_id


def _child_url(child_id: str) -> str:
    return f"/children/{child_id}/"


def _horizon(kind: str, as_of: dt.date, limits: Thresholds) -> dt.date:
    calendar = default_calendar()
    if kind == DeadlineKind.FOSTER_CARER_REVIEW:
        return add_months(as_of, limits.foster_carer_review_months)
    days = {
        DeadlineKind.LAC_REVIEW: limits.lac_review_working_days,
        # A decision is listed once it is overdue, never ahead of its date.
        DeadlineKind.REVIEW_DECISION: 0,
        DeadlineKind.CONFERENCE_DECISION: 0,
        DeadlineKind.ICPC: limits.icpc_working_days,
        DeadlineKind.RCPC: limits.rcpc_working_days,
        DeadlineKind.DISPUTE_STAGE: limits.dispute_stage_working_days,
    }[DeadlineKind(kind)]
    return add_working_days(as_of, days, calendar)


def deadline_items(found: list[OpenDeadline], as_of: dt.date) -> list[DigestItem]:
    """Open deadlines (a bounded read of the areas' DeadlineSource) as digest items, with
    the initials of the children they name read for those children alone."""
    deadlines = [deadline_of(item, as_of, {}) for item in found]
    initials = _child_initials({d.child for d in deadlines if d.child})
    return [_deadline_item(d, initials) for d in deadlines]


def _deadline_item(deadline: Deadline, initials: dict[str, str]) -> DigestItem:
    if deadline.child:
        subject = _subject(deadline.child, initials.get(deadline.child, ""))
        url = _child_url(deadline.child)
    else:
        subject, url = deadline.carer or "", "/deadlines/?kind=foster_carer_review"
    return DigestItem(
        kind=deadline.kind,
        label=deadline.kind_label,
        subject=subject,
        due=deadline.due.isoformat(),
        status=deadline.status,
        reason=deadline.reason,
        url=url,
        child_ids=(deadline.child,) if deadline.child else (),
    )


# Child IDs per query when a digest names only some children (well inside every
# database's limit on query parameters).
INITIALS_CHUNK = 5_000


def _child_initials(child_ids: set[str] | None = None) -> dict[str, str]:
    """Council child ID -> initials: of the children named, or (None) of every child."""
    from iro.models import Child

    children = Child.objects.order_by()
    if child_ids is None:
        chunks = [children]
    else:
        ids = sorted(child_ids)
        chunks = [
            children.filter(child_id__in=ids[i : i + INITIALS_CHUNK])
            for i in range(0, len(ids), INITIALS_CHUNK)
        ]
    return {
        child_id: initials_of(first, last)
        for chunk in chunks
        for child_id, first, last in chunk.values_list("child_id", "first_name", "last_name")
    }


def _circulation_items(
    as_of: dt.date, limits: Thresholds, *, chair_user_id: int | None = None
) -> dict[int, list]:
    """Decisions and records not yet sent out (reviews.rules.circulation_due), per
    chairing IRO's user (`chair_user_id`: only the reviews that person chaired)."""
    calendar, timescales = default_calendar(), default_timescales()
    since = as_of - dt.timedelta(days=limits.circulation_lookback_days)
    horizon = add_working_days(as_of, limits.circulation_working_days, calendar)
    reviews = LookedAfterReview.objects.filter(
        status=ReviewStatus.HELD, held_on__gte=since, chair__isnull=False
    )
    if chair_user_id is not None:
        reviews = reviews.filter(chair__user_id=chair_user_id)
    rows = reviews.order_by().values_list(
        "chair__user_id",
        "child__child_id",
        "child__first_name",
        "child__last_name",
        "held_on",
        "decisions_circulated_on",
        "record_circulated_on",
    )
    out: dict[int, list] = defaultdict(list)
    for user_id, child_id, first, last, held_on, decisions_on, record_on in rows:
        if held_on is None:  # never for a held review (a constraint); for the type checker
            continue
        due = circulation_due(held_on, calendar=calendar, timescales=timescales)
        for missing, owed, kind, label in [
            (decisions_on is None, due.decisions, "decisions_circulation", "decisions"),
            (record_on is None, due.record, "record_circulation", "full record"),
        ]:
            if not missing or owed.on > horizon:
                continue
            out[user_id].append(
                DigestItem(
                    kind=kind,
                    label=f"Review {label} to send out",
                    subject=_subject(child_id, initials_of(first, last)),
                    due=owed.on.isoformat(),
                    status=_status(owed.on, as_of),
                    reason=owed.reason,
                    url=_child_url(child_id),
                    child_ids=(child_id,),
                )
            )
    return out


def _booking_items(as_of: dt.date, limits: Thresholds) -> list[DigestItem]:
    """Reviews and conferences due within the booking window with no date booked yet."""
    from worklists.schedule import booking_board

    needs = booking_board(as_of=as_of, weeks=limits.booking_window_weeks)
    return [booking_item(need, as_of) for need in needs]


def booking_item(need: BookingNeed, as_of: dt.date) -> DigestItem:
    """A review or conference to book, as the digest lists it."""
    return DigestItem(
        kind=f"book_{need.kind}",
        label=f"{need.label} to book",
        subject=_subject(need.child_id, need.initials),
        due=need.due.isoformat(),
        status=_status(need.due, as_of),
        reason=need.reason,
        url=f"/schedule/?child={need.child_id}",
        child_ids=(need.child_id,),
    )


def _minutes_items(as_of: dt.date, limits: Thresholds) -> list[DigestItem]:
    from protection.models import ChildProtectionConference, ConferenceChild, ConferenceStatus

    since = as_of - dt.timedelta(days=limits.minutes_lookback_days)
    # One row a child covered, in one query: no conference or child objects to build.
    covered = (
        ConferenceChild.objects.filter(
            conference__status=ConferenceStatus.HELD,
            conference__minutes_sent_on__isnull=True,
            conference__held_on__gte=since,
        )
        .order_by("conference__held_on", "conference_id", "pk")
        .values_list(
            "conference_id",
            "conference__kind",
            "conference__held_on",
            "child__child_id",
            "child__first_name",
            "child__last_name",
        )
    )
    kinds = dict(ChildProtectionConference._meta.get_field("kind").flatchoices)
    items = []
    for _, rows in groupby(covered, key=lambda row: row[0]):
        children = list(rows)
        _, kind, held_on, *_ = children[0]
        items.append(
            DigestItem(
                kind="minutes",
                label=f"Minutes to send: {str(kinds.get(kind, kind)).lower()} conference",
                subject=", ".join(
                    _subject(child_id, initials_of(first, last))
                    for *_, child_id, first, last in children
                ),
                due=None,
                status="notice",
                reason=f"Held on {long_date(held_on)}" if held_on else "",
                url="/deadlines/",
                child_ids=tuple(row[3] for row in children),
            )
        )
    return items


def _head_of_service_items(
    as_of: dt.date, limits: Thresholds, overdue: list[DigestItem]
) -> list[DigestItem]:
    return [
        *overdue,
        *head_of_service_extra_items(as_of, limits),
        *(
            plan_duration_item(*row, as_of=as_of, limits=limits)
            for row in long_plans(as_of, limits).order_by().values_list(*PLAN_ITEM_COLUMNS)
        ),
    ]


def head_of_service_extra_items(as_of: dt.date, limits: Thresholds) -> list[DigestItem]:
    """The Head of Service's notices but the long plans: caseloads above the Handbook's
    range, disputes past the formal process's days, second reviews with no permanence
    plan. Each is a few items in a unit of any size."""
    from disputes.models import Dispute, DisputeStatus
    from worklists.selectors import caseloads

    items = []
    for load in caseloads():
        if load.above_range:
            items.append(
                DigestItem(
                    kind="caseload",
                    label="Caseload above the Handbook range",
                    subject=str(load.iro),
                    due=None,
                    status="notice",
                    reason=f"{load.children} children, {load.per_fte} per full-time post",
                    url="/",
                )
            )
    late_disputes = Dispute.objects.filter(
        status=DisputeStatus.FORMAL, formal_due_on__lt=as_of
    ).values_list("child__child_id", "child__first_name", "child__last_name", "formal_due_on")
    formal_days = default_timescales().dispute_formal_total_working_days
    for child_id, first, last, due in late_disputes.order_by():
        items.append(
            DigestItem(
                kind="dispute_overdue",
                label=f"Dispute past {formal_days} working days",
                subject=_subject(child_id, initials_of(first, last)),
                due=due.isoformat() if due else None,
                status="overdue",
                reason=f"The formal process should end within {formal_days} working days",
                url=_child_url(child_id),
                child_ids=(child_id,),
            )
        )
    since = as_of - dt.timedelta(days=limits.permanence_lookback_days)
    missing = LookedAfterReview.objects.filter(
        status=ReviewStatus.HELD,
        number=PERMANENCE_PLAN_REVIEW_NUMBER,
        permanence_plan="",
        held_on__gte=since,
        period__ended_on__isnull=True,
    ).values_list("child__child_id", "child__first_name", "child__last_name", "held_on")
    for child_id, first, last, held_on in missing.order_by():
        items.append(
            DigestItem(
                kind="permanence_plan",
                label="No permanence plan at the second review",
                subject=_subject(child_id, initials_of(first, last)),
                due=None,
                status="notice",
                reason=f"Second review held on {long_date(held_on)}" if held_on else "",
                url=_child_url(child_id),
                child_ids=(child_id,),
            )
        )
    return items


def plan_duration_spans(as_of: dt.date, limits: Thresholds) -> list[tuple[int, dt.date]]:
    """Each plan length announced, longest first, with the latest start that has reached
    it by `as_of`: a plan started by that day and not ended is announced at that length."""
    return sorted(
        ((months, _latest_start(as_of, months)) for months in limits.plan_duration_months),
        reverse=True,
    )


def _latest_start(as_of: dt.date, months: int) -> dt.date:
    """The last day a plan can start and be `months` long by `as_of` (months run to the
    same day, or the month's last: a start of 30 November is 15 months on 28 February)."""
    day, step = add_months(as_of, -months), dt.timedelta(days=1)
    while add_months(day + step, months) <= as_of:
        day += step
    return day


def long_plans(as_of: dt.date, limits: Thresholds):
    """Open plans old enough to have reached the shortest length announced: the
    started_on bound keeps this to the few long plans, not every open one."""
    from protection.models import ChildProtectionPlan

    latest = max(day for _, day in plan_duration_spans(as_of, limits))
    return ChildProtectionPlan.objects.filter(ended_on__isnull=True, started_on__lte=latest)


def plan_duration_label(months: int) -> str:
    span = "2 years" if months == 24 else f"{months} months"
    return f"On a child protection plan for {span} or more"


# The columns of a long plan that plan_duration_item makes its notice from.
PLAN_ITEM_COLUMNS = ("child__child_id", "child__first_name", "child__last_name", "started_on")


def plan_duration_item(
    child_id: str, first: str, last: str, started: dt.date, *, as_of: dt.date, limits: Thresholds
) -> DigestItem:
    """A long plan, announced at the longest length it has reached."""
    months = next(m for m, day in plan_duration_spans(as_of, limits) if started <= day)
    return DigestItem(
        kind="plan_duration",
        label=plan_duration_label(months),
        subject=_subject(child_id, initials_of(first, last)),
        due=None,
        status="notice",
        reason=f"Plan started on {long_date(started)}",
        url=_child_url(child_id),
        child_ids=(child_id,),
    )


def _role_of(user: User) -> str | None:
    held = user_roles(user)
    for role in (Role.HEAD_OF_SERVICE, Role.IRO, Role.BUSINESS_SUPPORT):
        if role.value in held:
            return role.value
    return None


def digests_build(*, as_of: dt.date, users=None) -> dict[User, tuple[str, list[DigestItem]]]:
    """Each person's digest for `as_of`: {user: (role, items)}. Empty digests are left out.

    The whole unit's deadlines are read once (those past the furthest alert horizon are
    left in the database) and shared out.
    """
    limits = thresholds()
    horizons = {kind: _horizon(kind, as_of, limits) for kind in DeadlineKind}
    furthest = (max(horizons.values()) - as_of).days
    deadlines = open_deadlines(as_of=as_of, within_days=furthest)
    initials = _child_initials()
    if users is None:
        users = User.objects.filter(is_active=True).exclude(email="")
    users = list(users.prefetch_related("groups"))

    per_user: dict[int, list[DigestItem]] = defaultdict(list)
    overdue: list[DigestItem] = []
    for deadline in deadlines:
        item = _deadline_item(deadline, initials)
        if deadline.status == "overdue":
            overdue.append(item)
        within = deadline.due <= horizons[DeadlineKind(deadline.kind)]
        if deadline.iro_user_id is not None and within:
            per_user[deadline.iro_user_id].append(item)

    roles = {user.pk: _role_of(user) for user in users}
    wanted = set(roles.values())
    circulation = _circulation_items(as_of, limits) if Role.IRO in wanted else {}
    support: list[DigestItem] = []
    if Role.BUSINESS_SUPPORT in wanted:
        support = _booking_items(as_of, limits) + _minutes_items(as_of, limits)
    head: list[DigestItem] = []
    if Role.HEAD_OF_SERVICE in wanted:
        head = _head_of_service_items(as_of, limits, overdue)

    held = restricted_records_held()
    digests = {}
    for user in users:
        role = roles[user.pk]
        if role == Role.HEAD_OF_SERVICE:
            items = head
        elif role == Role.BUSINESS_SUPPORT:
            items = support + per_user.get(user.pk, [])
        elif role == Role.IRO or user.pk in per_user:
            items = per_user.get(user.pk, []) + circulation.get(user.pk, [])
            role = role or "reviewer"
        else:
            continue
        if items:
            hidden = restricted_ids_hidden_among(user, held=held)
            digests[user] = (role, sorted(digest_masked(items, hidden=hidden), key=digest_order))
    return digests


def digest_masked(items: list[DigestItem], *, hidden: frozenset[str]) -> list[DigestItem]:
    """The items with the initials of each restricted record in `hidden` (those its
    reader may not open unasked) shown as RESTRICTED_RECORD; the child ID, the date and
    what is due stay, for the work is still theirs."""
    if not hidden:
        return items
    masked = []
    for item in items:
        if hidden.isdisjoint(item.child_ids):
            masked.append(item)
            continue
        subject = ", ".join(
            _subject(cid, RESTRICTED_RECORD if cid in hidden else initials)
            for cid, initials in zip(item.child_ids, _initials_in(item), strict=True)
        )
        masked.append(replace(item, subject=subject))
    return masked


def _initials_in(item: DigestItem) -> list[str]:
    """The initials after each child ID in an item's subject ("W1 (AB), W2 (CD)")."""
    parts = item.subject.split(", ")
    if len(parts) != len(item.child_ids):
        return [""] * len(item.child_ids)
    return [part[len(cid) :].strip(" ()") for cid, part in zip(item.child_ids, parts, strict=True)]


def digest_order(item: DigestItem) -> tuple:
    """The digest's order: overdue, then due, then to note; earliest first."""
    rank = {"overdue": 0, "due": 1, "notice": 2}[item.status]
    return (rank, item.due or "9999", item.kind, item.subject)


def _own_deadline_items(user: User, as_of: dt.date, limits: Thresholds) -> list[DigestItem]:
    """The deadlines a person answers for (the children they hold, the carers they
    review), each within its kind's alert horizon."""
    horizons = {kind: _horizon(kind, as_of, limits) for kind in DeadlineKind}
    furthest = (max(horizons.values()) - as_of).days
    deadlines = [
        d
        for d in open_deadlines(as_of=as_of, within_days=furthest, iro_user_id=user.pk)
        if d.due <= horizons[DeadlineKind(d.kind)]
    ]
    initials = _child_initials({d.child for d in deadlines if d.child})
    return [_deadline_item(d, initials) for d in deadlines]


def support_digest_parts(user: User, *, as_of: dt.date) -> tuple[dt.date, list[DigestItem]]:
    """Business support's digest but its booking queue: the last day the queue reaches,
    and the items beside it (minutes to send, their own deadlines), masked for them.
    worklists.home_list counts and pages the queue in the database."""
    limits = thresholds()
    until = as_of + dt.timedelta(weeks=limits.booking_window_weeks)
    # The unit's minutes to send are the same for everyone in business support: kept
    # while the records stand (sending them records the conference's history).
    minutes, _ = unit_kept(
        f"minutes_to_send:{as_of.isoformat()}", lambda: _minutes_items(as_of, limits)
    )
    items = minutes + _own_deadline_items(user, as_of, limits)
    return until, digest_masked(items, hidden=restricted_ids_hidden_from(user))


def digest_role(user: User) -> str | None:
    """Whose digest a person is sent: the Head of Service's, an IRO's or business
    support's (the first of those roles they hold), or None."""
    return _role_of(user)


def digest_for(user: User, *, as_of: dt.date) -> list[DigestItem]:
    """One person's digest, as the home page shows it: what `digests_build` gives them,
    read from their scope alone.

    An IRO's (or a carer reviewer's) reads the deadlines of the children they hold and
    the carers they review, and the reviews they chaired; business support's adds the
    unit's booking queue; the Head of Service's reads the unit's overdue items only.
    """
    limits = thresholds()
    role = _role_of(user)
    if role == Role.HEAD_OF_SERVICE:
        # Overdue only: nothing due today or later reaches the Head of Service.
        deadlines = open_deadlines(as_of=as_of, within_days=-1)
        initials = _child_initials({d.child for d in deadlines if d.child})
        overdue = [_deadline_item(d, initials) for d in deadlines if d.status == "overdue"]
        items = _head_of_service_items(as_of, limits, overdue)
        return sorted(
            digest_masked(items, hidden=restricted_ids_hidden_from(user)), key=digest_order
        )
    items = _own_deadline_items(user, as_of, limits)
    if role == Role.BUSINESS_SUPPORT:
        items = _booking_items(as_of, limits) + _minutes_items(as_of, limits) + items
    elif role == Role.IRO or items:
        items += _circulation_items(as_of, limits, chair_user_id=user.pk).get(user.pk, [])
    else:
        return []
    return sorted(digest_masked(items, hidden=restricted_ids_hidden_from(user)), key=digest_order)


def items_to_json(items: list[DigestItem]) -> list[dict]:
    return [asdict(i) for i in items]


def items_from_json(rows: list[dict]) -> list[DigestItem]:
    return [DigestItem(**{**row, "child_ids": tuple(row.get("child_ids", ()))}) for row in rows]
