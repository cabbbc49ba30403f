"""Property-based fuzzing of every form with a GOV.UK date field, and of the date query
parameters: whatever is posted or asked for, validation answers (valid, or a message),
never an exception, and a date that validates is one Oversight can count on from."""

import datetime as dt

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.forms import EARLIEST_DATE, LATEST_DATE, GDSDateField, error_summary_items, query_date
from core.roles import Role
from tests.core.test_date_input import BUILDERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

AWKWARD = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "12",
    "13",
    "29",
    "31",
    "32",
    "1899",
    "1900",
    "2024",
    "2100",
    "2101",
    "9999",
    "99999",
    "99999999999999999999",
    "134217727",
    "1e9",
    "٣",
    "\x00",
    "2025-03-31",
]
numbers = st.integers(min_value=-(10**30), max_value=10**30)
values = st.one_of(
    st.text(max_size=30),
    numbers.map(str),
    st.sampled_from(AWKWARD),
    st.from_regex(r"\A[0-9]{1,6}\Z"),
)


def _keys_and_choices(form) -> dict[str, list[str]]:
    """Every key the form reads from a POST, with the values its choices offer."""
    keys: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            for suffix in widget.widgets_names:
                keys[f"{key}{suffix}"] = []
        else:
            choices = getattr(field, "choices", None) or []
            keys[key] = [str(getattr(v, "value", v)) for v, _ in choices if v != ""]
    return keys


def _posted(draw, form) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, choices in _keys_and_choices(form).items():
        options = st.one_of(values, st.sampled_from(choices)) if choices else values
        data.setlist(key, draw(st.lists(options, max_size=2)))
    return data


@pytest.mark.parametrize("form_class", list(BUILDERS), ids=lambda c: c.__name__)
@FAST
@given(data=st.data())
def test_validating_any_post_never_raises(form_class, data):
    build = BUILDERS[form_class]
    form = build(_posted(data.draw, build(None)))
    if form.is_valid():
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if isinstance(field, GDSDateField) and value is not None:
                assert EARLIEST_DATE <= value <= LATEST_DATE
    else:
        assert error_summary_items(form)


@FAST
@given(day=numbers, month=numbers, year=numbers)
def test_a_date_of_any_numbers_is_a_date_in_range_or_a_message(day, month, year):
    field = GDSDateField(label="Date of the review")
    try:
        value = field.clean([str(day), str(month), str(year)])
    except forms.ValidationError as error:
        assert all(m.startswith("Date of the review ") for m in error.messages)
    else:
        assert value == dt.date(year, month, day)
        assert EARLIEST_DATE <= value <= LATEST_DATE


@FAST
@given(value=st.one_of(st.text(max_size=20), st.dates().map(dt.date.isoformat)))
def test_query_date_gives_a_date_in_range(value):
    day = query_date(value, default=dt.date(2025, 6, 2))
    assert EARLIEST_DATE <= day <= LATEST_DATE


def _signed_in(role: Role) -> Client:
    user = UserFactory(username=f"fuzz-{role.value}")
    user.groups.add(Group.objects.get(name=role.label))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


query_values = st.one_of(values, st.dates().map(dt.date.isoformat))


@FAST
@given(start=query_values, weeks=query_values)
def test_the_schedule_answers_any_start_and_weeks(start, weeks):
    client = _signed_in(Role.BUSINESS_SUPPORT)
    assert client.get("/schedule/week/", {"start": start}).status_code == 200
    assert client.get("/schedule/", {"weeks": weeks}).status_code == 200


@FAST
@given(as_of=query_values, within=query_values)
def test_the_deadlines_api_answers_any_query_with_a_200_or_a_400(as_of, within):
    client = _signed_in(Role.IRO)
    response = client.get("/api/deadlines/", {"as_of": as_of, "within": within})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert set(response.json()) <= {"as_of", "within"}


@FAST
@given(year=query_values)
def test_the_dashboard_answers_any_year_with_a_page_or_not_found(year):
    client = _signed_in(Role.HEAD_OF_SERVICE)
    assert client.get("/dashboard/", {"year": year}).status_code in (200, 404)
