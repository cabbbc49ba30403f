"""The Head of Service's dashboards: the annual report's figures for the year so far or
any past year, a chart beside each monthly series, drill-down from a figure to the
children behind it, and every table as CSV or Excel (core.view_unit_dashboards)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.forms import posted
from core.permissions import require_perm
from core.protected import LockedDownloadForm
from core.request_memo import request_memoised
from core.services import today
from core.timescales import default_timescales
from iro.selectors import child_mask, restricted_ids_hidden_from
from reporting.cache import report_cached
from reporting.catalogue import Period, key_slug
from reporting.charts import line_chart_svg
from reporting.drilldown import drilldown_for
from reporting.export import FORMATS, table_response
from reporting.tables import Chart, Table, report_sections, table_by_key

YEARS_SHOWN = 10
PAGE_SIZE = 50


def _allowed(request) -> None:
    require_perm(request, "core.view_unit_dashboards")


def reporting_year(day: dt.date) -> int:
    """The reporting year a day falls in: 2024 for 1 April 2024 to 31 March 2025."""
    return day.year if day.month >= 4 else day.year - 1


def _year(value, *, latest: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Http404("No such reporting year") from None
    if not latest - YEARS_SHOWN < year <= latest:
        raise Http404("No such reporting year")
    return year


# A table longer than this shows its first rows on the dashboard (a big unit's caseloads
# are hundreds of IROs); its downloads hold every row.
DASHBOARD_ROWS = 50


def _figure_url(year: int, key: str) -> str:
    """A figure's drill-down address, worked out once a request for each (the tables'
    cells and the trends name the same figures over and over)."""
    return request_memoised(
        ("figure_url", year, key), lambda: reverse("dashboard:figure", args=[year, key_slug(key)])
    )


def _cells(table: Table) -> list[list[dict]]:
    rows = []
    for row in table.rows[:DASHBOARD_ROWS]:
        cells = []
        for i, cell in enumerate(row):
            href = ""
            if cell.key and cell.year is not None and cell.value:
                href = _figure_url(cell.year, cell.key)
            cells.append(
                {
                    "text": cell.text,
                    "href": href,
                    "numeric": i > 0 and cell.is_number,
                    "header": i == 0,
                }
            )
        rows.append(cells)
    return rows


def _block(block: Table | Chart, year: int) -> dict:
    table = block if isinstance(block, Table) else block.table
    out = {
        "table": table,
        "rows": _cells(table),
        "rows_left_out": max(0, len(table.rows) - DASHBOARD_ROWS),
        "numeric_head": [i > 0 for i in range(len(table.head))],
        "csv": reverse("dashboard:table", args=[year, table.key, "csv"]),
        "xlsx": reverse("dashboard:table", args=[year, table.key, "xlsx"]),
    }
    if isinstance(block, Chart):
        out["chart"] = block
        out["svg"] = line_chart_svg(block.points, title=block.title, chart_id=f"chart-{block.key}")
    return out


def dashboard(request):
    """Every figure of the annual report for a year (default: the year so far)."""
    _allowed(request)
    now = today()
    latest = reporting_year(now)
    year = _year(request.GET.get("year", latest), latest=latest)
    report, computed_at, version = report_cached(year, as_of=now)
    period = Period.of(year, as_of=now)

    def sections() -> list[dict]:
        # Called by the template only when its kept copy of the tables and charts (the
        # same for everyone who may see them, until the figures are worked out again)
        # is missing: building and drawing them is most of the page's work.
        return [
            {
                "key": s.key,
                "title": s.title,
                "blocks": [_block(b, year) for b in s.blocks],
            }
            for s in report_sections(report)
            if s.blocks
        ]

    lac, cp = report["looked_after"], report["child_protection"]

    def link(key: str) -> str:
        return reverse("dashboard:figure", args=[year, key_slug(key)])

    headline = [
        ("Children looked after", lac["at_year_end"], link("looked_after.at_year_end")),
        (
            "Children on child protection plans",
            cp["at_year_end"],
            link("child_protection.at_year_end"),
        ),
        (
            "Looked-after reviews held in time",
            _percent(lac["reviews_in_time_pct"]),
            link("looked_after.reviews_held"),
        ),
        (
            f"Initial conferences within {default_timescales().icpc_working_days} working days",
            _percent(cp["icpc_within_15_working_days_pct"]),
            link("child_protection.icpc_with_duration"),
        ),
        (
            "Review conferences in time",
            _percent(cp["review_conferences_in_time_pct"]),
            link("child_protection.review_conference_children"),
        ),
        ("Children per full-time IRO", report["service"]["children_per_fte"], ""),
        ("Challenges raised", report["disputes"]["raised"], link("disputes.raised")),
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "report": report,
            "computed_at": computed_at,
            "cache_minutes": max(1, settings.OVERSIGHT_REPORT_CACHE_SECONDS // 60),
            "period": period,
            "year": year,
            "years": [(y, Period.of(y).label) for y in range(latest, latest - YEARS_SHOWN, -1)],
            "sections": sections,
            "sections_kept_for": settings.OVERSIGHT_REPORT_CACHE_SECONDS,
            "sections_key": version,
            "headline": [
                {"label": label, "value": "\N{EN DASH}" if value is None else value, "href": href}
                for label, value, href in headline
            ],
        },
    )


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:g}%"


def table_download(request, year: int, table: str, fmt: str) -> HttpResponse:
    """One of the dashboard's tables as CSV or Excel."""
    _allowed(request)
    if fmt not in FORMATS:
        raise Http404("No such format")
    now = today()
    year = _year(year, latest=reporting_year(now))
    report = report_cached(year, as_of=now).report
    found = table_by_key(report, table)
    if found is None:
        raise Http404("No such table")
    return table_response(
        name=f"{table}-{report['year']}",
        title=found.caption,
        head=found.head,
        rows=([c.value for c in row] for row in found.rows),
        fmt=fmt,
    )


def report_download(request, year: int, fmt: str) -> HttpResponse:
    """The annual report itself, as a Word document to edit or a PDF."""
    from reporting.document import CONTENT_TYPES, report_document

    _allowed(request)
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format")
    now = today()
    year = _year(year, latest=reporting_year(now))
    report = report_cached(year, as_of=now).report
    response = HttpResponse(report_document(report, fmt=fmt), content_type=CONTENT_TYPES[fmt])
    name = f"iro-annual-report-{report['year']}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The files a drill-down's whole list can be downloaded as, locked with a password.
LOCKED_FORMATS = [("csv", "CSV"), ("xlsx", "Excel")]


def figure_children(request, year: int, figure: str):
    """The children (or records) behind one figure, paged; or all of them as CSV/Excel."""
    _allowed(request)
    now = today()
    year = _year(year, latest=reporting_year(now))
    period = Period.of(year, as_of=now)
    drill = drilldown_for(figure, period)
    if drill is None:
        raise Http404("No such figure")
    columns = drill.columns()
    head = (["Child ID", "Name"] if drill.shows_child else []) + [c.label for c in columns]
    # Restricted records this person may not open unasked: a row each, without who.
    hidden = restricted_ids_hidden_from(request.user)

    def child_of(row):
        child = row if drill.lists_children else getattr(row, "child", None)
        if child is not None and child.child_id in hidden:
            child_mask(child)
        return child

    def values(row) -> list:
        child = child_of(row)
        first = [child.child_id, child.full_name] if drill.shows_child else []
        return first + [c.value(row) for c in columns]

    def whole_list(fmt: str, password: str = ""):
        return table_response(
            name=f"{figure.strip('/').replace('/', '-')}-{period.label}",
            title=drill.label,
            head=head,
            rows=(values(row) for row in drill.rows().iterator(chunk_size=2000)),
            fmt=fmt,
            password=password,
        )

    # The whole list locked with a password (core.protected), posted from this page.
    locked = LockedDownloadForm(posted(request), formats=LOCKED_FORMATS)
    if request.method == "POST" and locked.is_valid():
        return whole_list(locked.cleaned_data["file_format"], locked.cleaned_data["password"])
    fmt = request.GET.get("format", "")
    if fmt in FORMATS and request.method != "POST":
        return whole_list(fmt)
    page = Paginator(drill.rows(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for row in page.object_list:
        child = child_of(row)
        rows.append(
            {
                "child": child if drill.shows_child else None,
                "cells": [{"text": c.value(row), "numeric": c.numeric} for c in columns],
            }
        )
    return render(
        request,
        "reporting/dashboard_figure.html",
        {
            "drill": drill,
            "period": period,
            "year": year,
            "count": page.paginator.count,
            "head": [{"label": c.label, "numeric": c.numeric} for c in columns],
            "rows": rows,
            "page": page,
            "query": "",
            "csv": "?format=csv",
            "xlsx": "?format=xlsx",
            "locked": locked,
            "back": f"{reverse('dashboard:index')}?year={year}",
        },
        status=400 if locked.errors else 200,
    )
