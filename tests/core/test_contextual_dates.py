"""Dates read the GOV.UK way everywhere: a deadline says where it stands from the one
definition (core.deadlines.deadline_state), "overdue by 41 days", "due in 3 days",
"due today"; a moment reads "1 December 2026 at 2:05pm", never 14:05 or a raw timestamp."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from core.dates import long_time
from core.services import today

TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]


def rendered(text: str, **context) -> str:
    return " ".join(Template(text).render(Context(context)).split())


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (-41, 'Overdue</strong> <span class="app-reason">(overdue by 41 days)'),
        (-1, "(overdue by 1 day)"),
        (0, "(due today)"),
        (1, "(due tomorrow)"),
        (3, 'Due soon</strong> <span class="app-reason">(due in 3 days)'),
        (90, "(due in 90 days)"),
    ],
)
def test_a_deadline_says_where_it_stands_today(offset, words):
    due = today() + dt.timedelta(days=offset)
    assert words in rendered("{% deadline due %}", due=due)


def test_no_due_date_says_nothing():
    assert rendered("{% deadline due %}", due=None) == ""


@pytest.mark.parametrize(
    ("at", "words"),
    [
        (dt.time(14, 5), "2:05pm"),
        (dt.time(10, 0), "10am"),
        (dt.time(12, 0), "midday"),
        (dt.time(0, 0), "midnight"),
        (dt.time(0, 30), "12:30am"),
    ],
)
def test_a_time_of_day_reads_the_govuk_way(at, words):
    assert long_time(at) == words
    assert rendered("{{ at|govuk_time }}", at=at) == words


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from Path(folder).rglob("*.html")


def test_no_page_shows_a_24_hour_clock_time():
    """Times are "2:05pm" (govuk_time, govuk_datetime), not "14:05"."""
    clock = re.compile(r"\|(date|time):\"[^\"]*[HG]:i")
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}"
        for path in _templates()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if clock.search(line)
    ]
    assert offenders == []


def test_no_page_prints_a_raw_timestamp():
    """A moment printed as {{ x.created_at }} would read 2026-12-01 14:05:33.123+00:00."""
    raw = re.compile(r"\{\{\s*[\w.]+_at\s*\}\}")
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}"
        for path in _templates()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if raw.search(line)
    ]
    assert offenders == []
