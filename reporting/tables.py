"""The annual report laid out as the sample report's sections, tables and charts.

`report_sections(report)` turns report_build's figures (no further queries) into
sections of tables and monthly charts. The dashboard, the CSV and Excel exports, and the
Word and PDF documents all draw these same tables, so every table shown anywhere can be
downloaded, and a number that links to its children links to the selector that made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.dates import long_date
from core.timescales import default_timescales
from reporting.catalogue import (
    CATEGORY_LABELS,
    CP_AGE_LABELS,
    ETHNIC_LABELS,
    LAC_AGE_LABELS,
    PARTICIPATION_LABELS,
)


@dataclass(frozen=True)
class Cell:
    """A value in a table; `key` and `year` name the figure behind it, for drill-down."""

    value: int | float | str | None
    key: str = ""
    year: int | None = None
    unit: str = ""  # "%" for a percentage
    # A change, shown with its sign (+3); still a number, so a download holds the number.
    signed: bool = False

    @property
    def text(self) -> str:
        if self.value is None:
            return "\N{EN DASH}"
        if self.signed and isinstance(self.value, int) and self.value > 0:
            return f"+{self.value:,}{self.unit}"
        if isinstance(self.value, float):
            shown = f"{self.value:,.1f}".removesuffix(".0") if self.unit else f"{self.value:,.1f}"
            return f"{shown}{self.unit}"
        if isinstance(self.value, int):
            return f"{self.value:,}{self.unit}"
        return str(self.value)

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float) or self.value is None


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    head: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A monthly series, drawn as a line; `table` holds the same numbers."""

    key: str
    title: str
    points: list[tuple[dt.date, int]]
    table: Table
    y_label: str = "Children"


@dataclass
class Section:
    key: str
    title: str
    # Paragraphs for the author to replace with the year's narrative (Word only).
    narrative: list[str] = field(default_factory=list)
    blocks: list[Table | Chart] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b if isinstance(b, Table) else b.table for b in self.blocks]


def _share(part: float | None, whole: float | None) -> int | None:
    """A whole percentage, halves rounded up as the Report does (86 of 91 is 95%)."""
    if part is None or not whole:
        return None
    exact = Decimal(str(part)) * 100 / Decimal(str(whole))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _records_begin_note(report: dict) -> str:
    """Say from when reviews are on record, and what that does to the percentage."""
    begins = report.get("records_begin")
    if not begins:
        return ""
    return (
        f" The council's records begin on {long_date(dt.date.fromisoformat(begins))}: a "
        "review whose earlier reviews are not on record has no known due date and is left "
        "out of the percentage."
    )


def _pct(value: float | None) -> Cell:
    return Cell(value, unit="%")


def _years(report: dict, n: int = 4) -> list[dict]:
    return report["history"][-n:]


def _year_of(entry: dict) -> int:
    return int(entry["year"][:4])


def _by_year(
    report: dict, area: str, rows: list[tuple[str, str, str]], *, n: int = 4
) -> list[list[Cell]]:
    """Rows of (label, key, percentage-of key or "") with a column per year (and a
    percentage column beside each year where asked)."""
    with_pct = any(of for *_, of in rows)
    out = []
    for label, key, of in rows:
        cells = [Cell(label)]
        for entry in _years(report, n):
            figures = entry[area]
            value = _get(figures, key)
            cells.append(Cell(value, f"{area}.{key}", _year_of(entry)))
            if of:
                cells.append(Cell(_share(value, _get(figures, of)), unit="%"))
            elif with_pct:
                cells.append(Cell(""))
        out.append(cells)
    return out


def _get(figures: dict, key: str):
    node = figures
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _year_head(report: dict, first: str, *, with_pct: bool, n: int = 4) -> list[str]:
    head = [first]
    for entry in _years(report, n):
        head.append(entry["year"])
        if with_pct:
            head.append(f"{entry['year']} %")
    return head


MONTHS = [
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
]


def _monthly(key: str, title: str, series: list[dict]) -> Chart:
    """A monthly series as a chart, and as a table of months by reporting year."""
    points = [(dt.date.fromisoformat(p["month_end"]), p["children"]) for p in series]
    by_year: dict[int, dict[int, int]] = {}
    for day, n in points:
        by_year.setdefault(day.year if day.month >= 4 else day.year - 1, {})[day.month] = n
    years = sorted(by_year)
    table = Table(
        key=key,
        caption=f"{title}, by reporting year",
        head=["Month", *[f"{y}-{(y + 1) % 100:02d}" for y in years]],
        rows=[
            [Cell(name), *[Cell(by_year[y].get(month)) for y in years]]
            for month, name in zip([*range(4, 13), 1, 2, 3], MONTHS, strict=True)
        ],
    )
    return Chart(key=key, title=title, points=points, table=table)


def report_sections(report: dict) -> list[Section]:
    """The sample report's sections, in order, with every table and monthly chart."""
    year = int(report["year"][:4])
    at = dt.date.fromisoformat(report["snapshot"])
    at_label = f"{at.day} {at:%B %Y}"
    lac, cp = report["looked_after"], report["child_protection"]
    service, disputes, fostering = report["service"], report["disputes"], report["fostering"]

    def own(area: str, key: str) -> Cell:
        return Cell(_get(report[area], key), f"{area}.{key}", year)

    sections = [
        Section(
            "introduction",
            "Introduction",
            narrative=[
                "[Purpose of the report: the IRO service's statutory framework (IRO Handbook "
                "2010, Care Planning Regulations 2010) and what this report covers.]",
                "[Summary of the year: the main changes in the service and in the figures "
                "below, and the recommendation to members.]",
            ],
        )
    ]

    # The service.
    low, high = service["caseload_range"]
    fte = service["fte"] or 0
    staffing = Table(
        "service-staffing",
        f"IRO posts at {at_label}",
        ["", "Number"],
        [
            [Cell("IROs in post"), Cell(service["iros"])],
            [Cell("Full-time equivalent (FTE)"), Cell(service["fte"])],
            [Cell("Permanent FTE"), Cell(service["permanent_fte"])],
            [Cell("Permanent share of FTE"), _pct(_share(service["permanent_fte"], fte))],
            [Cell("Agency FTE"), Cell(service["agency_fte"])],
            [Cell("FTE carrying a caseload"), Cell(service["caseload_fte"])],
            [Cell("Children allocated to IROs"), own("service", "children_allocated")],
            [Cell("Children per caseload FTE"), Cell(service["children_per_fte"])],
            [Cell("IRO Handbook range per FTE"), Cell(f"{low} to {high}")],
        ],
        note="Children looked after and on child protection plans, counted once each.",
    )
    caseloads = Table(
        "service-caseloads",
        f"Caseload of each IRO at {at_label}",
        [
            "IRO",
            "FTE",
            "Employment",
            "Children",
            "Looked after",
            "On plans",
            "Per FTE",
            f"Within {low} to {high}",
        ],
        [
            [
                Cell(c["name"]),
                Cell(c["fte"]),
                Cell(c["employment"].capitalize()),
                Cell(c["children"], f"service.caseloads.{c['iro']}", year),
                Cell(c["looked_after"]),
                Cell(c["protection"]),
                Cell(c["children_per_fte"]),
                Cell("Yes" if c["within_range"] else "No"),
            ]
            for c in service["caseloads"]
        ],
    )
    sections.append(
        Section(
            "service",
            "The service: staffing and caseloads",
            narrative=["[Changes in staffing during the year, and the IROs' other duties.]"],
            blocks=[staffing, caseloads],
        )
    )

    # Looked after children.
    lac_blocks: list[Table | Chart] = [
        _monthly(
            "lac-by-month",
            "Children looked after at the end of each month",
            lac["by_month"],
        ),
        Table(
            "lac-at-31-march",
            "Children looked after at 31 March",
            _year_head(report, "", with_pct=False),
            [
                *_by_year(report, "looked_after", [("Children looked after", "at_year_end", "")]),
                [Cell("Rate per 10,000 children")]
                + [Cell(e["looked_after"]["rate_per_10000"]) for e in _years(report)],
                *_by_year(
                    report,
                    "looked_after",
                    [("Periods of care started", "started", ""), ("Ended", "ceased", "")],
                ),
            ],
        ),
        Table(
            "lac-age",
            "Children looked after by age at 31 March",
            _year_head(report, "Age", with_pct=True),
            _by_year(
                report,
                "looked_after",
                [(label, f"age_bands.{k}", "at_year_end") for k, label in LAC_AGE_LABELS.items()]
                + [("Total", "at_year_end", "at_year_end")],
            ),
        ),
        Table(
            "lac-ethnicity",
            "Children looked after by ethnic group at 31 March",
            _year_head(report, "Ethnic group", with_pct=True),
            _by_year(
                report,
                "looked_after",
                [(label, f"ethnic_groups.{k}", "at_year_end") for k, label in ETHNIC_LABELS.items()]
                + [("Total", "at_year_end", "at_year_end")],
            ),
        ),
        Table(
            "lac-review-timeliness",
            "Looked-after reviews held within timescales",
            _year_head(report, "", with_pct=False),
            [
                *_by_year(
                    report,
                    "looked_after",
                    [
                        ("Reviews held", "reviews_held", ""),
                        ("Held in time", "reviews_in_time", ""),
                        ("Held late", "reviews_late", ""),
                        ("Due date not known", "reviews_due_date_not_known", ""),
                    ],
                ),
                [Cell("Percentage in time")]
                + [_pct(e["looked_after"]["reviews_in_time_pct"]) for e in _years(report)],
            ],
            note="A review is in time if held on or before its due date: "
            f"{default_timescales().lac_first_review_working_days} working days after entering "
            f"care, {default_timescales().lac_second_review_months} months after the first "
            f"review, then {default_timescales().lac_later_review_months} months."
            + _records_begin_note(report),
        ),
        Table(
            "lac-children-reviewed",
            f"Children reviewed in {report['year']}",
            ["", "Number", "%"],
            [
                [
                    Cell("Children with a review held"),
                    own("looked_after", "children_reviewed"),
                    Cell(None),
                ],
                [
                    Cell("Every review in time"),
                    Cell(lac["children_reviewed_all_in_time"]),
                    _pct(lac["children_reviewed_all_in_time_pct"]),
                ],
                [
                    Cell("A review held late"),
                    own("looked_after", "children_with_a_late_review"),
                    _pct(_share(lac["children_with_a_late_review"], lac["children_reviewed"])),
                ],
            ],
        ),
    ]
    participation = lac["participation"]
    held = lac["reviews_held"]
    attended = sum(participation[c] for c in ("PN1", "PN2", "PN3", "PN4"))
    conveyed = participation["PN5"] + participation["PN6"]
    lac_blocks.append(
        Table(
            "lac-participation",
            f"Children's participation in their reviews, {report['year']}",
            ["Participation", "Reviews", "%"],
            [
                [
                    Cell(PARTICIPATION_LABELS[c]),
                    own("looked_after", f"participation.{c}"),
                    _pct(_share(participation[c], held)),
                ]
                for c in PARTICIPATION_LABELS
            ]
            + [
                [Cell("Attended (PN1 to PN4)"), Cell(attended), _pct(_share(attended, held))],
                [
                    Cell("Views conveyed without attending (PN5, PN6)"),
                    Cell(conveyed),
                    _pct(_share(conveyed, held)),
                ],
                [
                    Cell("All reviews held"),
                    own("looked_after", "reviews_held"),
                    _pct(100 if held else None),
                ],
            ],
        )
    )
    permanence = lac["permanence_at_second_review"]
    contacts = lac["iro_contacts"]
    lac_blocks += [
        Table(
            "lac-permanence",
            "Permanence plan at the second review",
            ["", "Number", "%"],
            [
                [
                    Cell("Second reviews held"),
                    own("looked_after", "permanence_at_second_review.second_reviews"),
                    Cell(None),
                ],
                [
                    Cell("With a permanence plan recorded"),
                    own("looked_after", "permanence_at_second_review.with_permanence_plan"),
                    _pct(_share(permanence["with_permanence_plan"], permanence["second_reviews"])),
                ],
            ],
        ),
        Table(
            "lac-iro-contacts",
            "IRO contact with children between reviews",
            ["", "Number"],
            [
                [Cell("Contacts"), own("looked_after", "iro_contacts.contacts")],
                [Cell("Of which visits"), own("looked_after", "iro_contacts.visits")],
                [Cell("Child seen alone"), own("looked_after", "iro_contacts.seen_alone")],
                [Cell("Children contacted"), own("looked_after", "iro_contacts.children")],
            ],
        ),
    ]
    del contacts
    sections.append(
        Section(
            "looked-after",
            "Looked after children",
            narrative=[
                "[The number of children looked after, how it compares with the region and "
                "statistical neighbours, and why it has changed.]",
                "[Participation, IRO contact between reviews and permanence planning.]",
            ],
            blocks=lac_blocks,
        )
    )

    # Child protection.
    on_plans = cp["at_year_end"]
    cp_blocks: list[Table | Chart] = [
        _monthly(
            "cp-by-month",
            "Children on child protection plans at the end of each month",
            cp["by_month"],
        ),
        Table(
            "cp-at-31-march",
            "Children on child protection plans at 31 March",
            _year_head(report, "", with_pct=False, n=5),
            [
                *_by_year(
                    report, "child_protection", [("Children on plans", "at_year_end", "")], n=5
                ),
                [Cell("Rate per 10,000 children")]
                + [Cell(e["child_protection"]["rate_per_10000"]) for e in _years(report, 5)],
            ],
        ),
        Table(
            "cp-age",
            f"Children on plans by age at {at_label}",
            ["Age", "Children", "%"],
            [
                [
                    Cell(label),
                    own("child_protection", f"age_bands.{k}"),
                    _pct(_share(cp["age_bands"][k], on_plans)),
                ]
                for k, label in CP_AGE_LABELS.items()
            ]
            + [
                [
                    Cell("Total"),
                    own("child_protection", "at_year_end"),
                    _pct(100 if on_plans else None),
                ]
            ],
        ),
        Table(
            "cp-category",
            f"Children on plans by initial category of abuse at {at_label}",
            ["Category", "Children", "%"],
            [
                [
                    Cell(label),
                    own("child_protection", f"initial_category.{k}"),
                    _pct(_share(cp["initial_category"][k], on_plans)),
                ]
                for k, label in CATEGORY_LABELS.items()
            ],
        ),
        Table(
            "cp-plan-activity",
            "Child protection plan activity",
            _year_head(report, "", with_pct=False),
            [
                *_by_year(
                    report,
                    "child_protection",
                    [
                        ("Becoming subject to a plan", "plans_started", ""),
                        ("Ceasing to be subject to a plan", "plans_ended", ""),
                    ],
                ),
                [Cell("Increase or decrease")]
                + [
                    Cell(
                        e["child_protection"]["plans_started"]
                        - e["child_protection"]["plans_ended"],
                        signed=True,
                    )
                    for e in _years(report)
                ],
            ],
        ),
        Table(
            "cp-conferences",
            "Conference activity",
            _year_head(report, "", with_pct=False),
            _by_year(
                report,
                "child_protection",
                [
                    ("Initial conferences", "conferences.initial_conferences", ""),
                    ("Transfer-in conferences", "conferences.transfer_in_conferences", ""),
                    ("Review conferences", "conferences.review_conferences", ""),
                    ("Children at initial and transfer-in conferences", "icpc_children", ""),
                    ("of whom at transfer-in conferences", "icpc_transfer_in_children", ""),
                    ("Children at review conferences", "review_conferences_children", ""),
                ],
            ),
        ),
        Table(
            "cp-icpc-no-plan",
            "Children at initial conferences not made subject to a plan",
            _year_head(report, "", with_pct=True),
            _by_year(
                report,
                "child_protection",
                [("Not made subject to a plan", "icpc_children_no_plan", "icpc_children")],
            ),
        ),
        Table(
            "cp-icpc-timeliness",
            f"Initial conferences within {default_timescales().icpc_working_days} working days "
            "of the strategy discussion",
            _year_head(report, "", with_pct=False),
            [
                *_by_year(
                    report,
                    "child_protection",
                    [
                        (
                            "Children at initial conferences (transfer-ins excluded)",
                            "icpc_with_duration",
                            "",
                        ),
                        (
                            f"Within {default_timescales().icpc_working_days} working days",
                            "icpc_within_15_working_days",
                            "",
                        ),
                    ],
                ),
                [Cell(f"Percentage within {default_timescales().icpc_working_days} working days")]
                + [
                    _pct(e["child_protection"]["icpc_within_15_working_days_pct"])
                    for e in _years(report)
                ],
            ],
        ),
        Table(
            "cp-rcpc-timeliness",
            "Review conferences within timescales",
            _year_head(report, "", with_pct=False),
            [
                *_by_year(
                    report,
                    "child_protection",
                    [
                        ("Children's review conferences", "review_conferences_children", ""),
                        ("Held in time", "review_conferences_in_time", ""),
                    ],
                ),
                [Cell("Percentage in time")]
                + [
                    _pct(e["child_protection"]["review_conferences_in_time_pct"])
                    for e in _years(report)
                ],
            ],
            note="The first review conference is due 3 months after the initial conference, "
            "later ones 6 months after the previous one.",
        ),
        Table(
            "cp-repeat-plans",
            "Plans that were a second or subsequent plan",
            _year_head(report, "", with_pct=True),
            _by_year(
                report,
                "child_protection",
                [
                    ("Plans started", "plans_started", ""),
                    (
                        "Second or subsequent (ever)",
                        "plans_started_second_or_subsequent",
                        "plans_started",
                    ),
                    (
                        "Within 2 years of a previous plan",
                        "plans_started_within_24_months_of_previous",
                        "plans_started",
                    ),
                ],
            ),
        ),
        Table(
            "cp-long-plans",
            "Plans ending that had lasted 2 years or more",
            _year_head(report, "", with_pct=True),
            _by_year(
                report,
                "child_protection",
                [
                    ("Plans ended", "plans_ended", ""),
                    ("Lasted 2 years or more", "plans_ended_after_2_years_or_more", "plans_ended"),
                ],
            ),
        ),
        Table(
            "cp-family",
            "Family attendance at conferences",
            _year_head(report, "", with_pct=True),
            _by_year(
                report,
                "child_protection",
                [
                    ("Family invited to initial conferences", "family.icpc_family_invitations", ""),
                    ("Attended", "family.icpc_family_attended", "family.icpc_family_invitations"),
                    ("Family invited to review conferences", "family.rcpc_family_invitations", ""),
                    ("Attended ", "family.rcpc_family_attended", "family.rcpc_family_invitations"),
                ],
            ),
        ),
        Table(
            "cp-family-excluded",
            f"Family members excluded from conferences, {report['year']}",
            ["", "Number"],
            [
                [
                    Cell("Family members excluded"),
                    own("child_protection", "family.family_excluded"),
                ],
                [
                    Cell("of whom with parental responsibility"),
                    own("child_protection", "family.family_with_parental_responsibility_excluded"),
                ],
            ],
        ),
    ]
    sections.append(
        Section(
            "child-protection",
            "Child protection",
            narrative=[
                "[The number of children on plans, the rate compared with the region and "
                "England, and the reasons for the change.]",
                "[Timeliness of conferences, repeat plans and long plans, and family "
                "participation.]",
            ],
            blocks=cp_blocks,
        )
    )

    # Dispute resolution.
    sections.append(
        Section(
            "disputes",
            "Dispute resolution",
            narrative=["[How IROs used the dispute resolution process this year.]"],
            blocks=[
                Table(
                    "disputes-summary",
                    f"Challenges, {report['year']}",
                    ["", "Number"],
                    [
                        [Cell("Raised"), own("disputes", "raised")],
                        [Cell("Dealt with informally only"), own("disputes", "informal_only")],
                        [Cell("Went to a formal stage"), own("disputes", "formal")],
                        [Cell("Resolved"), own("disputes", "resolved")],
                        [
                            Cell(
                                "Formal challenges resolved within "
                                f"{default_timescales().dispute_formal_total_working_days} "
                                "working days"
                            ),
                            own("disputes", "formal_resolved_within_20_working_days"),
                        ],
                        [
                            Cell("Median working days from raising to resolution"),
                            Cell(disputes["median_working_days_to_resolve"]),
                        ],
                        [Cell("Referred to Cafcass"), own("disputes", "cafcass_referrals")],
                    ],
                ),
                Table(
                    "disputes-category",
                    "Challenges raised by category",
                    ["Category", "Challenges"],
                    [
                        [Cell(_category_label(k)), own("disputes", f"by_category.{k}")]
                        for k in disputes["by_category"]
                    ],
                ),
                Table(
                    "disputes-resolved-at",
                    "Challenges resolved, by the level that resolved them",
                    ["Level", "Challenges"],
                    [
                        [
                            Cell(k.capitalize() if k == "informal" else k),
                            own("disputes", f"resolved_at.{k}"),
                        ]
                        for k in disputes["resolved_at"]
                    ],
                ),
                Table(
                    "disputes-open-by-stage",
                    f"Challenges open at {at_label}, by stage reached",
                    ["Stage", "Challenges"],
                    [
                        [
                            Cell(k.capitalize() if k == "informal" else k),
                            own("disputes", f"open_by_stage.{k}"),
                        ]
                        for k in disputes["open_by_stage"]
                    ],
                ),
            ],
        )
    )

    # Foster carer reviews.
    sections.append(
        Section(
            "fostering",
            "Foster carer reviews",
            narrative=["[Who reviews foster carers, and any concerns referred to the panel.]"],
            blocks=[
                Table(
                    "fostering-reviews",
                    f"Foster carer reviews, {report['year']}",
                    ["", "Number"],
                    [
                        [Cell("Reviews due in the year"), Cell(fostering["reviews_due"])],
                        [Cell("of which held"), own("fostering", "reviews_due_held")],
                        [Cell("of which not yet held"), own("fostering", "reviews_due_not_held")],
                        [Cell("Reviews held in the year"), own("fostering", "reviews_held")],
                        [Cell("Held in time"), own("fostering", "reviews_in_time")],
                        [Cell("Percentage in time"), _pct(fostering["reviews_in_time_pct"])],
                        [
                            Cell("Referred to the fostering panel"),
                            own("fostering", "referred_to_panel"),
                        ],
                        [Cell("First reviews after approval"), own("fostering", "first_reviews")],
                    ],
                )
            ],
        )
    )

    # Benchmarks.
    rows = []
    for b in report["benchmarks"]:
        rows.append(
            [
                Cell(b["label"]),
                Cell(b["ours"]),
                *[
                    Cell(_comparator(b[c], b[f"{c}_year"], report["year"]))
                    for c in ("region", "statistical_neighbours", "england")
                ],
            ]
        )
    sections.append(
        Section(
            "benchmarks",
            "Benchmarks",
            narrative=["[How the council compares, and what the comparison means.]"],
            blocks=[
                Table(
                    "benchmarks",
                    f"Our figures for {report['year']} beside the latest published benchmarks",
                    ["Indicator", "Ours", "Region", "Statistical neighbours", "England"],
                    rows,
                    note="A benchmark from an earlier year shows that year in brackets.",
                )
            ],
        )
    )
    return sections


def _comparator(value: float | None, year: str | None, ours: str) -> float | str | None:
    if value is None:
        return None
    shown = f"{value:,.1f}".removesuffix(".0")
    return shown if year == ours else f"{shown} ({year})"


def _category_label(key: str) -> str:
    from disputes.models import DisputeCategory

    return DisputeCategory(key).label


def table_by_key(report: dict, key: str) -> Table | None:
    for section in report_sections(report):
        for table in section.tables:
            if table.key == key:
                return table
    return None
