"""Every page, as every role: what each person's job needs, 403 for the rest, and sign-in
for anyone not signed in. A new URL must be added to the table below to pass."""

import datetime as dt
from importlib import import_module

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.services import calendar_token_for, today
from disputes.models import DisputeLevel
from disputes.services import dispute_escalate, dispute_raise
from fostering.services import household_approve
from iro.services import iro_allocate
from protection.services import conference_book, invitation_add, section47_start
from reporting.views import reporting_year
from returns.models import ImportKind, ImportRun
from reviews.services import episode_record, lac_review_book, lac_review_record
from tests.core.page_roles import ALL
from tests.factories import ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db

AREAS = [
    import_module(f"tests.{area}.pages")
    for area in (
        "core",
        "worklists",
        "disputes",
        "reviews",
        "protection",
        "fostering",
        "returns",
        "reporting",
    )
]
# URL name: (who may open it, how to fill in its parameters from the world), each area's
# table in tests/<area>/pages.py.
PAGES = {name: page for area in AREAS for name, page in area.PAGES.items()}
QUERIES = {name: query for area in AREAS for name, query in area.QUERIES.items()}
# What each page that names a record asks of it (tests/core/test_object_permissions.py).
OBJECTS = {name: rule for area in AREAS for name, rule in area.OBJECTS.items()}
# Open to anyone, or guarded another way (the API answers 403 itself; the calendar feed's
# secret address is its key; some only take a POST): checked by their own tests
# (tests/core/test_access.py, tests/worklists/test_deadlines.py,
# tests/returns/test_imports_views.py, and below).
OUTSIDE = {
    "login",
    "logout",
    # Forgetting a password is why someone cannot sign in (tests/core/test_accounts.py).
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Two-step verification: what someone signed in with only a password may reach; where
    # it sends whom is tests/core/test_two_factor.py's.
    "two_factor_verify",
    "two_factor_set_up",
    # Shown only to someone with an app set up, or sent to set one up (test_two_factor.py).
    "two_factor_recovery_codes",
    # Security keys: the library's JSON steps of a WebAuthn ceremony, and removing one's own
    # key (a POST): tests/browser/test_security_keys.py.
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "security_key_remove",
    # Asks why before a restricted record opens; anyone else is sent on to the record
    # (tests/iro/test_restricted_records.py).
    "children:restricted",
    # Integrations' OAuth2 token endpoints: a client ID and secret, no session
    # (tests/api/test_integration_tokens.py).
    "oauth_token",
    "oauth_revoke_token",
    # Single sign-on: off unless the council's provider is configured (tests/core/test_sso.py).
    "sso_start",
    "sso_callback",
    "healthz",
    "calendar_feed",
    # The benchmarks' bare page: not served outside DEBUG or OVERSIGHT_BENCH_PAGES
    # (tests/worklists/test_scoped_pages.py).
    "bench_bare",
    "api-deadlines",
    "api-schema",
    "api-docs",
    "data_quality:check",
    "imports:export_return",
    "imports:export_annex_a",
    # Staying signed in: a POST only, answering 401 when signed out; kept answers are
    # their sender's alone (tests/core/test_submissions.py).
    "keep_alive",
    "kept_submission",
}


def named_urls(patterns=None, namespace=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            yield from named_urls(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


# The versioned API is walked per endpoint, role and record in tests/api/.
API_V1 = "api-v1-"


def test_every_page_is_in_the_table():
    pages = {name for name in named_urls() if not name.startswith(API_V1)}
    assert pages - OUTSIDE == set(PAGES)


@pytest.fixture
def world(iro):
    family = FamilyFactory()
    child = ChildFactory(child_id="W1", family=family, date_of_birth=dt.date(2012, 1, 1))
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=200))
    episode_record(
        child=child,
        started_on=today() - dt.timedelta(days=200),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    held = lac_review_record(
        child=child, held_on=today() - dt.timedelta(days=180), participation_code="PN1"
    )
    booked = lac_review_book(
        child=child,
        scheduled_for=timezone.now() + dt.timedelta(days=3),
        venue="Civic Centre",
        chair=iro,
    )
    section47_start(child=child, strategy_discussion_on=today() - dt.timedelta(days=2))
    conference = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.now() + dt.timedelta(days=5),
        venue="Civic Centre",
        chair=iro,
    )
    invitation = invitation_add(
        conference=conference, name="A Parent", kind="family", role="Mother"
    )
    dispute = dispute_raise(
        child=child, raised_by=iro, raised_on=today(), category="drift", summary="Drift"
    )
    dispute_escalate(
        dispute=dispute, level=DisputeLevel.objects.get(rank=1), addressee="TM", started_on=today()
    )
    household = household_approve(
        reference="FCW", name="W household", approved_on=dt.date(2024, 1, 5)
    )
    import_run = ImportRun.objects.create(kind=ImportKind.SSDA903, uploaded_by=iro.user)
    objects = {
        "iro": iro,
        "family": family,
        "child": child,
        "held": held,
        "booked": booked,
        "conference": conference,
        "invitation": invitation,
        "dispute": dispute,
        "household": household,
        "import_run": import_run,
    }
    params = {
        "child": child.child_id,
        "held": held.pk,
        "booked": booked.pk,
        "conference": conference.pk,
        "invitation": invitation.pk,
        "dispute": dispute.pk,
        "household": household.reference,
        "year": reporting_year(today()),
        "table": "lac-age",
        "csv": "csv",
        "pdf": "pdf",
        "figure": "looked-after/at-year-end",
        "import_run": import_run.pk,
    }
    for area in AREAS:
        params |= area.extend_world(objects)
    return params


def url_for(name, world):
    _, params = PAGES[name]
    url = reverse(name, kwargs={k: world[v] for k, v in params.items()})
    return url + QUERIES.get(name, "").format(**world)


@pytest.mark.parametrize("persona", sorted(ALL))
def test_each_role_opens_exactly_the_pages_its_job_needs(request, client, world, persona):
    person = request.getfixturevalue(persona)
    client.force_login(person.user if persona == "iro" else person)
    wrong = {}
    for name, (allowed, _) in PAGES.items():
        expected = 200 if persona in allowed else 403
        status = client.get(url_for(name, world)).status_code
        if status != expected:
            wrong[name] = (status, expected)
    assert wrong == {}


def test_someone_without_a_role_is_refused_everywhere(client, world, no_role):
    client.force_login(no_role)
    assert {n: client.get(url_for(n, world)).status_code for n in PAGES} == dict.fromkeys(
        PAGES, 403
    )


def test_anyone_not_signed_in_is_asked_to_sign_in_everywhere(client, world):
    statuses = {n: client.get(url_for(n, world)) for n in PAGES}
    assert {
        n: (r.status_code, r["Location"].split("?")[0]) for n, r in statuses.items()
    } == dict.fromkeys(PAGES, (302, "/accounts/login/"))


def test_the_calendar_feed_opens_only_with_its_secret(client, iro, world):
    token = calendar_token_for(iro.user)
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "SUMMARY:Looked-after review: W1" in body
    assert "SUMMARY:Initial conference: W1" in body
    assert "Example" not in body  # child IDs only: a calendar leaves the council
    assert client.get("/calendar/not-the-secret.ics").status_code == 404
    calendar_token_for(iro.user, renew=True)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
