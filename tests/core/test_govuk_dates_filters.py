"""The templates' date filters say what Django's `date` filter says, faster
(core.templatetags.govuk: govuk_date for "j F Y", govuk_short_date for "j M Y")."""

import datetime as dt

import pytest
from django.template import Context, Template


def rendered(source: str, value) -> str:
    return Template(source).render(Context({"value": value}))


DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(0, 365, 7)]
# Aware moments about midnight in London: in summer time the next day there (the first
# of each month after 23:00 UTC, and either side of both changes of the clocks), in
# winter the same day.
MOMENTS = [
    dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC),  # winter still: 28 March
    dt.datetime(2026, 3, 29, 23, 30, tzinfo=dt.UTC),  # summer time: 30 March
    dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC),  # 1 July
    dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC),  # still summer: 25 October
    dt.datetime(2026, 10, 25, 23, 30, tzinfo=dt.UTC),  # winter again: 25 October
    dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC),
]
# Anything else a template might be given: a naive moment, text, a number.
OTHERS = [dt.datetime(2026, 5, 4, 23, 30), "2024-05-04", "not a date", 0, None, ""]


@pytest.mark.parametrize("value", [*DAYS, *MOMENTS, *OTHERS])
def test_govuk_date_is_djangos_long_date(value):
    assert rendered("{{ value|govuk_date }}", value) == rendered('{{ value|date:"j F Y" }}', value)


@pytest.mark.parametrize(
    ("value", "long", "short"),
    [
        (dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), "1 July 2026", "1 Jul 2026"),
        (dt.datetime(2026, 3, 29, 23, 30, tzinfo=dt.UTC), "30 March 2026", "30 Mar 2026"),
        (dt.datetime(2026, 10, 25, 23, 30, tzinfo=dt.UTC), "25 October 2026", "25 Oct 2026"),
        (dt.date(2026, 9, 4), "4 September 2026", "4 Sep 2026"),
    ],
)
def test_the_dates_are_londons(settings, value, long, short):
    settings.TIME_ZONE = "Europe/London"
    assert rendered("{{ value|govuk_date }}", value) == long
    assert rendered("{{ value|govuk_short_date }}", value) == short


@pytest.mark.parametrize("value", [*DAYS, *MOMENTS, *OTHERS])
def test_govuk_short_date_is_djangos_short_date(value):
    assert rendered("{{ value|govuk_short_date }}", value) == rendered(
        '{{ value|date:"j M Y" }}', value
    )


def test_a_missing_date_gives_way_to_a_default():
    assert rendered('{{ value|govuk_short_date|default:"None recorded" }}', None) == (
        "None recorded"
    )
