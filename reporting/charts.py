"""Charts of the monthly series: SVG for the dashboard, PNG for the Word and PDF report.

The SVG is drawn here (a line and its axes need no library, and it stays accessible:
`role="img"` with a title and description, and the same numbers in a table beside it);
the PNG is drawn with matplotlib.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from xml.sax.saxutils import escape

# GOV.UK Design System colours.
LINE = "#1d70b8"
AXIS = "#505a5f"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


def _scale(value: int) -> tuple[int, int]:
    """A round top for the scale at or above `value`, and the step between gridlines."""
    if value <= 0:
        return 10, 2
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (
        magnitude // 10 or 1,
        magnitude // 5 or 1,
        magnitude // 4 or 1,
        magnitude // 2 or 1,
        magnitude,
        2 * magnitude,
        5 * magnitude,
    ):
        if value / step <= 6:
            return step * math.ceil(value / step), step
    return 10 * magnitude, 2 * magnitude


def line_chart_svg(
    points: list[tuple[dt.date, int]], *, title: str, chart_id: str, y_label: str = "Children"
) -> str:
    """An accessible SVG line chart of a monthly series."""
    width, height = 640, 300
    left, right, top, bottom = 60, 36, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [n for _, n in points]
    y_top, step = _scale(max(values, default=0))
    first, last = (points[0][1], points[-1][1]) if points else (0, 0)
    description = (
        f"{len(points)} months from {points[0][0]:%B %Y} to {points[-1][0]:%B %Y}: "
        f"{first} at the start, {last} at the end, highest {max(values)}, lowest {min(values)}."
        if points
        else "No months to show."
    )

    def x(i: int) -> float:
        return left + (plot_w * i / max(1, len(points) - 1))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / y_top

    parts = [
        f'<svg class="app-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="Arial, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for value in range(0, y_top + 1, step):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="{TEXT}">{value:,.0f}</text>'
        )
    for i, (day, _) in enumerate(points):
        if day.month in (3,) or i == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 20}" text-anchor="middle" '
                f'font-size="13" fill="{TEXT}">{day:%b %Y}</text>'
            )
            parts.append(
                f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top + plot_h}" '
                f'y2="{top + plot_h + 5}" stroke="{AXIS}"/>'
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    if points:
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="3" '
            'stroke-linejoin="round"/>'
        )
    middle = top + plot_h / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" transform="rotate(-90 14 {middle:.1f})" '
        f'text-anchor="middle" font-size="13" fill="{TEXT}">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def line_chart_png(
    points: list[tuple[dt.date, int]], *, title: str, y_label: str = "Children"
) -> bytes:
    """The same chart as a PNG (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(7.5, 3.2), dpi=160)
    try:
        if points:
            axes.plot([d for d, _ in points], [n for _, n in points], color=LINE, linewidth=2.2)
        # Labels are text, never mathtext ($...$) that could fail to parse.
        axes.set_title(title, fontsize=11, loc="left", color=TEXT, parse_math=False)
        axes.set_ylabel(y_label, fontsize=9, color=TEXT, parse_math=False)
        axes.set_ylim(0, _scale(max((n for _, n in points), default=0))[0])
        axes.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[3, 9]))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.tick_params(labelsize=8, colors=TEXT)
        figure.autofmt_xdate(rotation=0, ha="center")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)
