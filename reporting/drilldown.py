"""From a figure to the children (or records) behind it.

A drill-down lists `Figure.children()` when the figure counts children, and its
`records()` otherwise (reviews, conferences, invitations, challenges, carer reviews),
each with the columns that explain why the row counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from core.dates import long_date
from core.figures import Figure
from reporting.catalogue import Entry, Period, catalogue, key_slug
from reviews.models import MissingEpisode


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[object], object]
    numeric: bool = False


def _date(value) -> str:
    return long_date(value) if value else ""


def _missing(row: object) -> MissingEpisode:
    """A missing episode row, typed (every row of its figure is one)."""
    assert isinstance(row, MissingEpisode)
    return row


def _child_columns(period: Period) -> list[Column]:
    def age(child) -> str:
        if getattr(child, "masked", False):  # a restricted record: no birth date, no age
            return ""
        if child.date_of_birth is None or child.date_of_birth > period.snapshot:
            return "Unborn"
        return str(child.age_on(period.snapshot))

    return [
        Column("Date of birth", lambda c: _date(c.date_of_birth)),
        Column(f"Age at {period.snapshot_label}", age, numeric=True),
        Column("Ethnicity", lambda c: c.get_ethnicity_display()),
    ]


RECORD_COLUMNS: dict[str, tuple[list[str], list[Column]]] = {
    "periodofcare": (
        ["child"],
        [
            Column(
                "Looked after from",
                lambda p: _date(p.started_on) or f"before {_date(p.first_recorded_on)}",
            ),
            Column("Until", lambda p: _date(p.ended_on)),
        ],
    ),
    "lookedafterreview": (
        ["child"],
        [
            Column("Review held", lambda r: _date(r.held_on)),
            Column("Number", lambda r: r.number, numeric=True),
            Column("Due by", lambda r: _date(r.due_on) or "Not known"),
            Column("Participation", lambda r: r.participation_code),
            Column("Permanence plan", lambda r: r.get_permanence_plan_display()),
        ],
    ),
    "missingepisode": (
        ["child"],
        [
            Column("Kind", lambda m: _missing(m).get_kind_display()),
            Column("From", lambda m: _date(_missing(m).started_on)),
            Column("Until", lambda m: _date(_missing(m).ended_on)),
        ],
    ),
    "irocontact": (
        ["child", "iro__user"],
        [
            Column("Date", lambda c: _date(c.occurred_on)),
            Column("Kind", lambda c: c.get_kind_display()),
            Column("IRO", lambda c: str(c.iro)),
            Column("Seen alone", lambda c: "Yes" if c.seen_alone else "No"),
        ],
    ),
    "childprotectionplan": (
        ["child"],
        [
            Column("Plan started", lambda p: _date(p.started_on)),
            Column("Ended", lambda p: _date(p.ended_on)),
            Column("Initial category", lambda p: p.get_initial_category_display()),
            Column("Previous plans", lambda p: p.previous_plans, numeric=True),
        ],
    ),
    "conferencechild": (
        ["child", "conference", "section47"],
        [
            Column("Conference", lambda e: e.conference.get_kind_display()),
            Column("Held", lambda e: _date(e.conference.held_on)),
            Column(
                "Strategy discussion",
                lambda e: _date(e.section47.strategy_discussion_on) if e.section47 else "",
            ),
            Column("Due by", lambda e: _date(e.due_on)),
            Column("Outcome", lambda e: e.get_outcome_display()),
        ],
    ),
    "childprotectionconference": (
        [],
        [
            Column("Conference", lambda c: c.get_kind_display()),
            Column("Held", lambda c: _date(c.held_on)),
            Column("Children", lambda c: ", ".join(str(e.child) for e in c.covered.all())),
        ],
    ),
    "conferenceinvitation": (
        ["conference"],
        [
            Column("Conference", lambda i: i.conference.get_kind_display()),
            Column("Held", lambda i: _date(i.conference.held_on)),
            Column("Invited", lambda i: f"{i.name} ({i.role})"),
            Column("Attendance", lambda i: i.get_attendance_display()),
        ],
    ),
    "dispute": (
        ["child", "resolved_at_level"],
        [
            Column("Raised", lambda d: _date(d.raised_on)),
            Column("Category", lambda d: d.get_category_display()),
            Column("Status", lambda d: d.get_status_display()),
            Column("Closed", lambda d: _date(d.resolved_on)),
            Column("Resolved at", lambda d: str(d.resolved_at_level or "")),
        ],
    ),
    "fostercarerreview": (
        ["household"],
        [
            Column("Household", lambda r: str(r.household)),
            Column("Due by", lambda r: _date(r.due_on)),
            Column("Held", lambda r: _date(r.held_on)),
            Column("First review", lambda r: "Yes" if r.is_first else "No"),
            Column("To panel", lambda r: "Yes" if r.referred_to_panel else "No"),
        ],
    ),
    "fostercarerhousehold": (
        [],
        [
            Column("Household", lambda h: str(h)),
            Column("Review due by", lambda h: _date(h.next_review_due)),
        ],
    ),
}
RECORD_ORDER = {
    "periodofcare": ["first_recorded_on", "child__last_name"],
    "lookedafterreview": ["held_on", "child__last_name"],
    "missingepisode": ["started_on", "child__last_name"],
    "irocontact": ["occurred_on"],
    "childprotectionplan": ["started_on", "child__last_name"],
    "conferencechild": ["conference__held_on", "child__last_name"],
    "childprotectionconference": ["held_on"],
    "conferenceinvitation": ["conference__held_on", "name"],
    "dispute": ["raised_on"],
    "fostercarerreview": ["held_on"],
    "fostercarerhousehold": ["next_review_due"],
}


@dataclass(frozen=True)
class Drilldown:
    key: str
    label: str
    figure: Figure
    period: Period

    @property
    def lists_children(self) -> bool:
        return self.figure.counts_children

    def rows(self) -> QuerySet:
        if self.lists_children:
            return self.figure.children().order_by("last_name", "first_name", "child_id")
        model = self.figure.rows.model._meta.model_name
        related, _ = RECORD_COLUMNS[model]
        rows = self.figure.records().order_by(*RECORD_ORDER[model], "pk")
        if model == "childprotectionconference":
            rows = rows.prefetch_related("covered__child")
        return rows.select_related(*related) if related else rows

    def columns(self) -> list[Column]:
        if self.lists_children:
            return _child_columns(self.period)
        return RECORD_COLUMNS[self.figure.rows.model._meta.model_name][1]

    @property
    def shows_child(self) -> bool:
        """Whether each row has a child to name and link to."""
        if self.lists_children:
            return True
        return "child" in RECORD_COLUMNS[self.figure.rows.model._meta.model_name][0]


def drilldown_for(slug: str, period: Period) -> Drilldown | None:
    """The figure at a drill-down address for a period, or None if there is none."""
    from iro.models import IndependentReviewingOfficer
    from reporting.iro_figures import children_allocated_to

    parts = slug.strip("/").split("/")
    if parts[:2] == ["service", "caseloads"] and len(parts) == 3 and parts[2].isdigit():
        iro = IndependentReviewingOfficer.objects.select_related("user").filter(pk=parts[2]).first()
        if iro is None:
            return None
        return Drilldown(
            f"service.caseloads.{iro.pk}",
            f"Children held by {iro}",
            children_allocated_to(period.snapshot, iro.pk),
            period,
        )
    entries: dict[str, Entry] = {e.slug: e for e in catalogue(period).values()}
    entry = entries.get("/".join(parts))
    if entry is None:
        return None
    return Drilldown(entry.key, entry.label, entry.figure, period)


def drilldown_slug(key: str) -> str:
    return key_slug(key)
