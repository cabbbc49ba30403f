"""Who may act on which record: an IRO acts on the children allocated to them and the
meetings they chair; another IRO is refused (403) on every such page and action, and
sees no button for it; the Head of Service acts on all; business support book and
invite but do not record outcomes.

Every page whose address names a record declares what it asks of the record (OBJECTS in
tests/<area>/pages.py, rules in tests/core/page_roles.py); the walk below opens and posts
to each as every role, as the IRO who holds the child or chairs the meeting and as
another IRO, and a refused post must leave every table as it was."""

import datetime as dt
import string
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from core.models import AccessEvent
from core.roles import Role
from tests.core.test_every_url import OBJECTS, OUTSIDE, PAGES, QUERIES, url_for
from tests.factories import IROFactory

pytestmark = pytest.mark.django_db

# Parameters that name no record: a question journey's step, a report's year, table,
# format or figure.
NOT_RECORDS = {"step", "journey", "question", "year", "table", "fmt", "figure"}
# The IRO who holds the world's children and chairs its meetings, another IRO, and the
# roles that hold nobody: for them, who holds the record makes no difference.
PERSONAS = ["iro", "another_iro", "business_support", "head_of_service", "administrator"]
# What a page that serves someone may answer a bare POST: the form again, its errors
# (400), or on to the next page; never 403.
SERVED_POST = {200, 302, 400}
# Oversight's own tables, and the role groups.
OURS = {
    "auth",
    "core",
    "iro",
    "reviews",
    "protection",
    "disputes",
    "fostering",
    "returns",
    "reporting",
    "retention",
    "worklists",
}


def names_a_record(name: str) -> bool:
    _, params = PAGES[name]
    in_query = {field for _, field, _, _ in string.Formatter().parse(QUERIES.get(name, ""))}
    return bool((set(params) | in_query) - NOT_RECORDS - {None})


def test_every_page_that_names_a_record_declares_what_it_asks_of_the_record():
    assert {name for name in PAGES if names_a_record(name)} == set(OBJECTS)


# Pages outside the walk whose address names a record, and where whose record it is gets
# checked. (A secret in the address, a calendar's token or a password reset's, is a key.)
SECRETS = {"token", "uidb64"}
OUTSIDE_RECORDS = {
    # Asks why before a restricted record opens: tests/iro/test_restricted_records.py.
    "children:restricted",
    # Removing one's own security key: tests/browser/test_security_keys.py.
    "security_key_remove",
    # A kept answer is its sender's alone: tests/core/test_submissions.py.
    "kept_submission",
}


def route_parameters(patterns=None, namespace=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if not str(p.pattern).startswith("admin/"):
                yield from route_parameters(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, set(getattr(p.pattern, "converters", {}))


def test_a_page_outside_the_walk_that_names_a_record_says_where_it_is_checked():
    assert {
        name
        for name, parameters in route_parameters()
        if name in OUTSIDE and parameters - NOT_RECORDS - SECRETS
    } == OUTSIDE_RECORDS


def test_a_rule_with_no_iro_is_declared_exactly_where_iros_may_not_open_the_page():
    assert {
        name: rule.iro
        for name, rule in OBJECTS.items()
        if (rule.iro == "none") != ("iro" not in PAGES[name][0])
    } == {}


def may(name: str, persona: str) -> bool:
    """Whether the persona may open the page and act on the world's record."""
    if persona == "another_iro":
        return OBJECTS[name].iro == "any"
    return persona in PAGES[name][0]


def every_row() -> dict[str, list]:
    """Every row of Oversight's tables, less the log of reads (opening a page about a
    child adds an access event, core.audit)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.app_label in OURS and model is not AccessEvent
    }


@contextmanager
def undone():
    """Run requests in a savepoint that is then rolled back: each page meets the world as
    it was built."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def another_iro(db):
    """An IRO who holds none of the world's children and chairs none of its meetings."""
    person = IROFactory()
    person.user.groups.add(Group.objects.get(name=Role.IRO.label))
    return person


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_acts_on_exactly_the_records_its_pages_rules_allow(
    request, client, world, persona
):
    person = request.getfixturevalue(persona)
    client.force_login(person.user if persona in {"iro", "another_iro"} else person)
    wrong = {}
    for name in sorted(OBJECTS):
        url = url_for(name, world)
        allowed = may(name, persona)
        with undone():
            got = client.get(url).status_code
        if got != (200 if allowed else 403):
            wrong[f"GET {name}"] = (got, OBJECTS[name].says)
        before = every_row()
        with undone():
            posted = client.post(url, {}).status_code
            changed = sorted(label for label, rows in every_row().items() if rows != before[label])
        if allowed and posted not in SERVED_POST:
            wrong[f"POST {name}"] = (posted, OBJECTS[name].says)
        if not allowed and (posted != 403 or changed):
            wrong[f"POST {name}"] = (posted, changed, OBJECTS[name].says)
    assert wrong == {}


def test_another_iro_sees_no_button_for_what_they_may_not_do(client, iro, another_iro, world):
    client.force_login(another_iro.user)
    child_page = client.get(f"/children/{world['child']}/").content.decode()
    conference = client.get(f"/protection/conferences/{world['conference']}/").content.decode()
    challenge = client.get(f"/challenges/{world['dispute']}/").content.decode()

    assert "Record a review" not in child_page
    assert "record it</a>" not in child_page
    assert "Record a contact" not in child_page
    assert "Record the outcome" not in conference
    assert "Escalate</a>" not in challenge
    assert "Withdraw the challenge" not in challenge
    assert "Raise a challenge" not in child_page


def test_the_chair_sees_the_buttons(client, iro, world):
    client.force_login(iro.user)
    child_page = client.get(f"/children/{world['child']}/").content.decode()
    conference = client.get(f"/protection/conferences/{world['conference']}/").content.decode()

    assert "Record a review" in child_page
    assert "record it</a>" in child_page
    assert "Record the outcome" in conference
    assert "Raise a challenge" in child_page


def test_business_support_see_no_record_the_outcome_button(client, business_support, world):
    client.force_login(business_support)
    conference = client.get(f"/protection/conferences/{world['conference']}/").content.decode()
    assert "Record the outcome" not in conference
    assert client.get(url_for("protection:outcome", world)).status_code == 403


def test_a_manager_recording_a_booked_review_leaves_the_chair_as_booked(
    client, head_of_service, iro, world
):
    from django.utils import timezone

    from reviews.models import LookedAfterReview

    yesterday = timezone.now() - dt.timedelta(days=1)
    LookedAfterReview.objects.filter(pk=world["booked"]).update(scheduled_for=yesterday)
    day = timezone.localtime(yesterday).date()
    client.force_login(head_of_service)

    response = client.post(
        url_for("reviews:review_record_booked", world),
        {
            "held_on_0": day.day,
            "held_on_1": day.month,
            "held_on_2": day.year,
            "participation_code": "PN1",
            "child_seen_alone": "yes",
            "permanence_plan": "a",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )

    booked = LookedAfterReview.objects.get(pk=world["booked"])
    assert response.status_code == 302
    assert (booked.status, booked.chair_id) == ("held", iro.pk)
