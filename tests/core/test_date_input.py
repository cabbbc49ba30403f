"""Dates typed into forms and dates asked for in query strings are range-checked: an
absurd or overflowing day, month or year gets a clear message naming the field (forms) or
a 400 or the default (query strings), never a server error (issue 11, item 5)."""

import datetime as dt
import html
import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.urls import reverse

from core.forms import (
    DATE_NOT_AFTER,
    DATE_NOT_BEFORE,
    DATE_NOT_IN_FUTURE,
    DATE_NOT_IN_PAST,
    DATE_NOT_REAL,
    DATE_REQUIRED,
    DATE_YEAR_DIGITS,
    DATE_YEAR_RANGE,
    EARLIEST_DATE,
    LATEST_DATE,
    GDSDateField,
    ServiceForm,
    gds_date,
    query_date,
)
from core.services import today
from disputes.forms import (
    CafcassReferralForm,
    DisputeEscalateForm,
    DisputeRaiseForm,
    DisputeResolveForm,
    DisputeWithdrawForm,
    StageResponseForm,
)
from disputes.models import DisputeLevel
from fostering.forms import CarerReviewForm
from iro.forms import MeetingForm, ReallocationForm
from protection.forms import ConferenceBookingForm, InvitationForm, MinutesForm, OutcomeForm
from returns.views import AnnexAExportForm
from reviews.forms import CirculationForm, ContactForm, DecisionForm, ReviewRecordForm
from tests.core.test_every_url import url_for
from tests.core.test_every_url import world as every_url_world  # noqa: F401 (a fixture)
from worklists.api.views import AS_OF_OUT_OF_RANGE, WITHIN_MAX_DAYS, WITHIN_TOO_LARGE

pytestmark = pytest.mark.django_db

OVERFLOW = "99999999999999999999"
APPS = ["core", "reviews", "protection", "disputes", "fostering", "iro", "returns"]
APPS += ["reporting", "worklists"]

# Stand-ins for the records the forms read while they are built.
CHILD = SimpleNamespace(
    child_id="W1", full_name="Ann Example", date_of_birth=dt.date(2012, 1, 1), family=None
)
HOUSEHOLD = SimpleNamespace(
    reviewing_officer_id=None, approved_on=dt.date(2024, 1, 5), approval_ended_on=None
)


def _plain(form_class):
    return lambda data: form_class(data)


# How each view builds its form (the keyword arguments it needs).
BUILDERS = {
    ReviewRecordForm: lambda data: ReviewRecordForm(
        data, child=CHILD, on=dt.date(2025, 6, 1), needs_permanence_plan=True
    ),
    DecisionForm: _plain(DecisionForm),
    CirculationForm: lambda data: CirculationForm(
        data, current={"decisions_circulated_on": None, "record_circulated_on": None}
    ),
    ContactForm: _plain(ContactForm),
    ConferenceBookingForm: lambda data: ConferenceBookingForm(
        data, kind="transfer_in", child_choices=[("W1", "Ann Example")]
    ),
    InvitationForm: _plain(InvitationForm),
    OutcomeForm: lambda data: OutcomeForm(
        data, conference=SimpleNamespace(kind="initial"), entries=[SimpleNamespace(child=CHILD)]
    ),
    MinutesForm: _plain(MinutesForm),
    DisputeRaiseForm: _plain(DisputeRaiseForm),
    DisputeEscalateForm: lambda data: DisputeEscalateForm(data, levels=DisputeLevel.objects.all()),
    StageResponseForm: _plain(StageResponseForm),
    DisputeResolveForm: _plain(DisputeResolveForm),
    CafcassReferralForm: _plain(CafcassReferralForm),
    DisputeWithdrawForm: _plain(DisputeWithdrawForm),
    CarerReviewForm: lambda data: CarerReviewForm(data, household=HOUSEHOLD, first=True),
    ReallocationForm: lambda data: ReallocationForm(data, child=CHILD),
    MeetingForm: _plain(MeetingForm),
    AnnexAExportForm: _plain(AnnexAExportForm),
}
# An area adds its own forms in tests/<area>/date_forms.py (a BUILDERS dict, built as
# above), so a new form never needs an edit here.
for _area in APPS:
    try:
        BUILDERS |= importlib.import_module(f"tests.{_area}.date_forms").BUILDERS
    except ModuleNotFoundError as missing:
        if missing.name != f"tests.{_area}.date_forms":
            raise


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms_with_dates() -> set[type]:
    """Every form class in the project's apps that has a GOV.UK date field."""
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if module.name.rsplit(".", 1)[-1] in ("forms", "views") or ".views." in module.name:
                importlib.import_module(module.name)
    return {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in APPS
        and any(isinstance(f, GDSDateField) for f in cls.base_fields.values())
    }


def date_fields(form) -> dict[str, str]:
    """Each date field's name (as posted, with the form's prefix) and its question."""
    return {
        name: field.question
        for name, field in form.fields.items()
        if isinstance(field, GDSDateField)
    }


def posted_dates(form, day, month, year) -> dict[str, str]:
    data = {}
    for name in date_fields(form):
        key = form.add_prefix(name)
        data |= {f"{key}_0": day, f"{key}_1": month, f"{key}_2": year}
    return data


def test_every_form_with_a_date_is_in_the_table():
    assert project_forms_with_dates() == set(BUILDERS)


# (day, month, year) -> the message each date field gets.
BAD_DATES = [
    ((OVERFLOW, "1", "2025"), DATE_NOT_REAL),
    (("1", OVERFLOW, "2025"), DATE_NOT_REAL),
    (("1", "1", OVERFLOW), DATE_YEAR_DIGITS),
    ((OVERFLOW, OVERFLOW, OVERFLOW), DATE_NOT_REAL),
    (("1", "13", "2025"), DATE_NOT_REAL),
    (("0", "6", "2025"), DATE_NOT_REAL),
    (("32", "1", "2025"), DATE_NOT_REAL),
    (("31", "2", "2025"), DATE_NOT_REAL),
    (("29", "2", "2025"), DATE_NOT_REAL),
    (("1", "1", "0"), DATE_YEAR_DIGITS),
    (("1", "1", "25"), DATE_YEAR_DIGITS),
    (("1", "1", "99999"), DATE_YEAR_DIGITS),
    (("1", "1", "0000"), DATE_YEAR_RANGE),
    (("1", "1", "0099"), DATE_YEAR_RANGE),
    (("31", "12", "1899"), DATE_YEAR_RANGE),
    (("1", "1", "2101"), DATE_YEAR_RANGE),
    (("31", "12", "9999"), DATE_YEAR_RANGE),
    (("1" * 5000, "1", "2025"), DATE_NOT_REAL),
    (("-1", "1", "2025"), DATE_NOT_REAL),
    (("1.5", "1", "2025"), DATE_NOT_REAL),
    (("\u0661", "1", "2025"), DATE_NOT_REAL),  # an Arabic-Indic 1 is not 0 to 9
    (("1", "1", "2O25"), DATE_NOT_REAL),
]


@pytest.mark.parametrize("form_class", list(BUILDERS), ids=lambda c: c.__name__)
@pytest.mark.parametrize(("parts", "message"), BAD_DATES, ids=lambda v: str(v)[:24])
def test_an_absurd_date_is_refused_naming_the_field(form_class, parts, message):
    build = BUILDERS[form_class]
    form = build(posted_dates(build(None), *parts))
    assert form.is_valid() is False
    for name, question in date_fields(form).items():
        assert message.format(question=question) in form.errors[name]


@pytest.mark.parametrize("form_class", list(BUILDERS), ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "day", [dt.date(2025, 6, 15), EARLIEST_DATE, LATEST_DATE, dt.date(2024, 2, 29)], ids=str
)
def test_a_real_date_in_range_is_taken(form_class, day):
    """...unless the field's own sense checks (not in the future, not before the child's
    birth) refuse it, and then only with those messages."""
    build = BUILDERS[form_class]
    form = build(posted_dates(build(None), f"{day.day:02d}", str(day.month), str(day.year)))
    form.is_valid()
    for name in date_fields(form):
        sense = form.fields[name].sense_errors(day)
        if sense:
            assert form.errors[name] == sense[:1]
        else:
            assert name not in form.errors
            assert form.cleaned_data[name] == day


def test_the_messages_follow_the_design_system():
    field = GDSDateField(label="Date of the review")
    assert field.error_messages["required"] == "Enter the date of the review"
    assert DATE_REQUIRED.format(lower="date of the review") == "Enter the date of the review"
    assert DATE_YEAR_RANGE.format(question="Date of the review") == (
        "Date of the review must have a year between 1900 and 2100"
    )
    with pytest.raises(forms.ValidationError, match="must be a real date"):
        field.clean([OVERFLOW, "1", "2025"])


# Sense checks on a real date ------------------------------------------------------------


class VisitForm(ServiceForm):
    visited_on = gds_date("Date of visit", not_in_future=True)
    next_on = gds_date("Date of next visit", required=False, not_in_past=True)

    def __init__(self, *args, child, conference_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].not_before = (child.date_of_birth, "the child's date of birth")
        self.fields["next_on"].not_after = (conference_on, "the conference")


def _visit(visited, next_on=None, *, born=dt.date(2012, 5, 4), conference_on=None):
    data = {"visited_on_0": str(visited.day), "visited_on_1": str(visited.month)}
    data["visited_on_2"] = str(visited.year)
    if next_on:
        data |= {"next_on_0": str(next_on.day), "next_on_1": str(next_on.month)}
        data["next_on_2"] = str(next_on.year)
    child = SimpleNamespace(date_of_birth=born)
    return VisitForm(data, child=child, conference_on=conference_on)


@pytest.fixture
def on_1_june_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False)


def test_the_sense_messages_follow_the_design_system():
    assert DATE_NOT_IN_FUTURE.format(question="Date of visit") == (
        "Date of visit must be today or in the past"
    )
    assert DATE_NOT_BEFORE.format(
        question="Date of visit", what="the child's date of birth", date="4 May 2012"
    ) == ("Date of visit must be on or after the child's date of birth, 4 May 2012")


def test_a_date_in_the_future_is_refused_where_it_must_have_happened(on_1_june_2025):
    form = _visit(dt.date(2025, 6, 2))
    assert form.errors["visited_on"] == ["Date of visit must be today or in the past"]


def test_today_is_not_in_the_future(on_1_june_2025):
    form = _visit(dt.date(2025, 6, 1))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visited_on"] == dt.date(2025, 6, 1)


def test_a_date_before_the_childs_birth_is_refused_naming_the_birth(on_1_june_2025):
    form = _visit(dt.date(2012, 5, 3))
    assert form.errors["visited_on"] == [
        "Date of visit must be on or after the child's date of birth, 4 May 2012"
    ]


def test_the_day_of_birth_itself_is_taken(on_1_june_2025):
    assert _visit(dt.date(2012, 5, 4)).is_valid()


def test_an_unrecorded_bound_checks_nothing(on_1_june_2025):
    assert _visit(dt.date(1950, 1, 1), born=None).is_valid()


def test_a_booking_in_the_past_or_after_the_conference_is_refused(on_1_june_2025):
    past = _visit(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert past.errors["next_on"] == [DATE_NOT_IN_PAST.format(question="Date of next visit")]
    late = _visit(dt.date(2025, 5, 1), dt.date(2025, 7, 2), conference_on=dt.date(2025, 7, 1))
    assert late.errors["next_on"] == [
        DATE_NOT_AFTER.format(
            question="Date of next visit", what="the conference", date="1 July 2025"
        )
    ]


def test_the_format_checks_come_before_the_sense_checks(on_1_june_2025):
    form = VisitForm(
        {"visited_on_0": "1", "visited_on_1": "1", "visited_on_2": "2101"},
        child=SimpleNamespace(date_of_birth=dt.date(2012, 5, 4)),
    )
    assert form.errors["visited_on"] == [DATE_YEAR_RANGE.format(question="Date of visit")]


def test_a_field_without_sense_checks_takes_any_real_date_in_range():
    field = GDSDateField(label="Date of the review")
    assert field.clean(["31", "12", "2100"]) == LATEST_DATE
    assert field.sense_errors(LATEST_DATE) == []


# The pages themselves -------------------------------------------------------------------

# Each page with a date form: URL name, who opens it, and where it posts (if elsewhere).
DATE_PAGES = [
    ("reviews:review_record", "iro", None),
    ("reviews:review_record_booked", "iro", None),
    ("reviews:circulation", "iro", None),
    ("reviews:contact_record", "iro", None),
    ("reviews:review_book", "business_support", None),
    ("protection:conference_book", "business_support", None),
    ("protection:invite", "business_support", None),
    ("protection:outcome", "iro", None),
    ("protection:minutes", "business_support", None),
    ("disputes:raise", "iro", None),
    ("disputes:escalate", "iro", None),
    ("disputes:respond", "iro", None),
    ("disputes:resolve", "iro", None),
    ("disputes:cafcass", "iro", None),
    ("disputes:withdraw", "iro", None),
    ("fostering:review", "business_support", None),
    ("children:reallocate", "head_of_service", None),
    ("imports:export", "business_support", "/imports/export/annex-a/"),
    # Pages of issue 10: starting the clocks, moving meetings, corrections.
    ("children:new_step", "business_support", None),
    ("reviews:review_reschedule", "business_support", None),
    ("reviews:review_correct", "iro", None),
    ("reviews:decision_done", "iro", None),
    ("reviews:decision_correct", "iro", None),
    ("reviews:contact_correct", "iro", None),
    ("reviews:care_question", "business_support", None),
    ("protection:referral", "business_support", None),
    ("protection:transfer_in", "business_support", None),
    ("protection:reports", "business_support", None),
    ("protection:reschedule", "business_support", None),
    ("fostering:add", "business_support", None),
    ("fostering:terms", "business_support", None),
    ("fostering:end", "business_support", None),
    ("fostering:review_correct", "head_of_service", None),
    ("disputes:correct", "iro", None),
    ("disputes:stage_correct", "iro", None),
]


def _page_forms(context):
    """The forms a page shows (formsets opened into their forms), and the posted
    management-form data each formset needs."""
    found, management = [], {}
    for key in context.keys():  # noqa: SIM118 (a ContextList iterates its contexts)
        value = context[key]
        if isinstance(value, forms.BaseFormSet):
            found += value.forms
            mf = value.management_form
            management |= {mf.add_prefix(k): v for k, v in mf.initial.items()}
        elif isinstance(value, forms.BaseForm) and value not in found:
            found.append(value)
    return found, management


@pytest.mark.parametrize(("name", "persona", "post_to"), DATE_PAGES, ids=lambda v: str(v))
@pytest.mark.parametrize("parts", [(OVERFLOW, "1", "2025"), ("1", "13", "2025"), ("1", "1", "0")])
def test_every_date_page_refuses_an_absurd_date_naming_the_field(
    request, client, name, persona, post_to, parts
):
    world = request.getfixturevalue("every_url_world")
    person = request.getfixturevalue(persona)
    client.force_login(person.user if persona == "iro" else person)
    url = url_for(name, world)
    page = client.get(url)
    assert page.status_code == 200
    page_forms, data = _page_forms(page.context)
    if post_to:  # the exports page: only the Annex A form has a date
        page_forms = [f for f in page_forms if isinstance(f, AnnexAExportForm)]
    questions = []
    for form in page_forms:
        data |= posted_dates(form, *parts)
        questions += date_fields(form).values()
    assert questions, f"{name} shows no date field"
    response = client.post(post_to or url, data)
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    message = DATE_NOT_REAL if parts[2] != "0" else DATE_YEAR_DIGITS
    for question in questions:
        assert message.format(question=question) in body


def test_the_annex_a_list_refuses_an_overflowing_day_naming_its_date(client, business_support):
    client.force_login(business_support)
    data = {"annex-number": "8", "annex-file_format": "csv"}
    data |= {"annex-as_of_0": OVERFLOW, "annex-as_of_1": "3", "annex-as_of_2": "2025"}
    response = client.post("/imports/export/annex-a/", data)
    assert response.status_code == 400
    assert ("id_annex-as_of_0", "Date of the list must be a real date") in response.context[
        "error_list"
    ]


# Query strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "2025-13-01", OVERFLOW, ""]
)
def test_the_week_outside_the_years_kept_shows_this_week(client, business_support, start):
    client.force_login(business_support)
    response = client.get("/schedule/week/", {"start": start})
    assert response.status_code == 200
    assert response.context["monday"] == today() - dt.timedelta(days=today().weekday())


@pytest.mark.parametrize(
    ("start", "monday"),
    [("2100-12-31", dt.date(2100, 12, 27)), ("1900-01-01", dt.date(1900, 1, 1))],
)
def test_the_first_and_last_weeks_kept_open(client, business_support, start, monday):
    client.force_login(business_support)
    response = client.get("/schedule/week/", {"start": start})
    assert response.status_code == 200
    assert response.context["monday"] == monday


@pytest.mark.parametrize("weeks", [OVERFLOW, "-" + OVERFLOW, "1" * 5000, "1e9", "x"])
def test_the_booking_board_clamps_its_weeks(client, business_support, weeks):
    client.force_login(business_support)
    response = client.get("/schedule/", {"weeks": weeks})
    assert response.status_code == 200
    assert 1 <= response.context["weeks"] <= 26


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"within": "134217727"}, "within", WITHIN_TOO_LARGE),
        ({"within": OVERFLOW + "999"}, "within", WITHIN_TOO_LARGE),
        ({"within": "1" * 5000}, "within", WITHIN_TOO_LARGE),
        ({"within": str(WITHIN_MAX_DAYS + 1)}, "within", WITHIN_TOO_LARGE),
        ({"within": "-1"}, "within", "within must be a number of days, 0 or more"),
        ({"within": "soon"}, "within", "within must be a whole number of days"),
        ({"as_of": "9999-12-31", "within": "1"}, "as_of", AS_OF_OUT_OF_RANGE),
        ({"as_of": "0001-01-01"}, "as_of", AS_OF_OUT_OF_RANGE),
        ({"as_of": "1899-12-31"}, "as_of", AS_OF_OUT_OF_RANGE),
        ({"as_of": f"{OVERFLOW}-01-01"}, "as_of", None),
    ],
)
def test_the_deadlines_api_refuses_an_absurd_query_naming_the_parameter(
    client, iro, query, field, message
):
    client.force_login(iro.user)
    response = client.get("/api/deadlines/", query)
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    if message:
        assert errors[field] == [message]


@pytest.mark.parametrize(
    "query",
    [
        {"within": str(WITHIN_MAX_DAYS)},
        {"as_of": LATEST_DATE.isoformat(), "within": str(WITHIN_MAX_DAYS)},
        {"as_of": EARLIEST_DATE.isoformat(), "within": "0"},
    ],
)
def test_the_deadlines_api_answers_at_the_edges_of_its_range(client, iro, query):
    client.force_login(iro.user)
    assert client.get("/api/deadlines/", query).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/dashboard/?year={OVERFLOW}",
        "/dashboard/?year=-1",
        "/dashboard/?year=0",
        f"/dashboard/?year={'9' * 5000}",
        f"/dashboard/{OVERFLOW}/report.pdf",
        f"/dashboard/{OVERFLOW}/tables/lac-age.csv",
        f"/dashboard/{OVERFLOW}/looked-after/at-year-end/",
        f"/dashboard/{'9' * 5000}/report.pdf",
        "/dashboard/0/report.pdf",
    ],
)
def test_a_dashboard_year_out_of_range_is_not_found(client, head_of_service, url):
    client.force_login(head_of_service)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("year", [OVERFLOW, "-1", "0", "x"])
def test_the_data_quality_page_ignores_a_year_it_does_not_offer(client, iro, year):
    client.force_login(iro.user)
    assert client.get("/data-quality/", {"year": year}).status_code == 200


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-31", dt.date(2025, 3, 31)),
        ("1900-01-01", EARLIEST_DATE),
        ("2100-12-31", LATEST_DATE),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("2025-02-30", None),
        (OVERFLOW, None),
        ("", None),
        (None, None),
        (["2025-03-31"], None),
    ],
)
def test_query_date_takes_only_a_date_in_range(value, expected):
    fallback = dt.date(2025, 6, 2)
    assert query_date(value, default=fallback) == (expected or fallback)


def test_the_api_documents_the_range_of_within(client, iro):
    client.force_login(iro.user)
    schema = client.get(reverse("api-schema")).content.decode()
    assert f"0 to {WITHIN_MAX_DAYS}" in schema
