"""The templates' date filters say what Django's `date` filter says, faster
(core.templatetags.govuk: govuk_date for "j F Y", govuk_short_date for "j M Y")."""

import datetime as dt

import pytest
from django.template import Context, Template


def rendered(source: str, value) -> str:
    return Template(source).render(Context({"value": value}))


DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(0, 365, 7)]
# Aware moments either side of midnight in London, in and out of summer time.
MOMENTS = [
    dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("value", [*DAYS, *MOMENTS, None, ""])
def test_govuk_date_is_djangos_long_date(value):
    assert rendered("{{ value|govuk_date }}", value) == rendered('{{ value|date:"j F Y" }}', value)


@pytest.mark.parametrize("value", [*DAYS, *MOMENTS, None, ""])
def test_govuk_short_date_is_djangos_short_date(value):
    assert rendered("{{ value|govuk_short_date }}", value) == rendered(
        '{{ value|date:"j M Y" }}', value
    )


def test_a_missing_date_gives_way_to_a_default():
    assert rendered('{{ value|govuk_short_date|default:"None recorded" }}', None) == (
        "None recorded"
    )
