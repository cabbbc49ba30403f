"""Journey 4: business support books a sibling group's initial conference as one meeting,
handles the chair's clash, invites and records attendance, and sends the minutes."""

import datetime as dt

import pytest
from django.utils import timezone

from core.dates import add_working_days, default_calendar
from core.services import today
from iro.services import iro_allocate
from protection.models import ChildProtectionConference, ChildProtectionPlan, ConferenceInvitation
from protection.services import section47_start
from reviews.services import episode_record, lac_review_book
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory, FamilyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_support_books_and_runs_a_sibling_groups_initial_conference(
    page, iro, business_support
):
    family = FamilyFactory(name="Example")
    older = ChildFactory(child_id="K1", first_name="Jordan", family=family)
    younger = ChildFactory(child_id="K2", first_name="Morgan", family=family)
    for child in (older, younger):
        iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
        section47_start(child=child, strategy_discussion_on=today() - dt.timedelta(days=3))
    # The chair already has a review booked at the time business support will choose: a
    # working day (a weekend's date would be warned about too, and the page would then
    # show two warnings).
    when = add_working_days(today(), 5, default_calendar())
    other = ChildFactory(child_id="L1")
    episode_record(
        child=other,
        started_on=today() - dt.timedelta(days=10),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    lac_review_book(
        child=other,
        scheduled_for=timezone.make_aware(dt.datetime.combine(when, dt.time(10, 30))),
        venue="Civic Centre",
        chair=iro,
    )

    sign_in(page, "support")
    page.get_by_role("link", name="Scheduling").click()
    board = page.locator("tbody").inner_text()
    assert "Initial conference" in board and "Jordan Example" in board
    assert_accessible(page)

    page.get_by_role("link", name="Book the conference for Jordan Example").click()
    children = page.locator("input[name=children]")
    assert children.count() == 2 and all(children.nth(i).is_checked() for i in range(2))
    fill_date(page, "date", when)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Venue").fill("Civic Centre, room 4")
    page.get_by_label("Chair").select_option(label="Ada Reviewer")
    page.get_by_role("button", name="Book the conference").click()
    warning = page.locator(".govuk-warning-text").inner_text()
    assert "Ada Reviewer is already booked to chair a looked-after review for L1" in warning
    assert ChildProtectionConference.objects.count() == 0
    assert_accessible(page)
    page.get_by_label("I have checked: book it anyway").check()
    page.get_by_role("button", name="Book the conference").click()

    conference = ChildProtectionConference.objects.get()
    assert sorted(c.child.child_id for c in conference.covered.all()) == ["K1", "K2"]
    due = add_working_days(today() - dt.timedelta(days=3), 15, default_calendar())
    assert {c.due_on for c in conference.covered.all()} == {due}
    assert "is booked for" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Name").fill("Sam Example")
    page.get_by_label("Family member").check()
    page.get_by_label("Relationship or role").fill("Father")
    page.get_by_label("Has parental responsibility").check()
    page.get_by_label("By letter in the post").check()
    page.get_by_label("Postal address").fill("1 High Street")
    page.get_by_role("button", name="Add the invitation").click()
    # Attendance is recorded once the conference has taken place.
    assert page.get_by_role("link", name="Record attendance for Sam Example").count() == 0
    booked_for = conference.scheduled_for
    ChildProtectionConference.objects.update(scheduled_for=timezone.now() - dt.timedelta(hours=2))
    page.reload()
    page.get_by_role("link", name="Record attendance for Sam Example").click()
    page.get_by_label("Excluded", exact=True).check()
    page.get_by_role("button", name="Save attendance").click()
    assert (
        "Enter why the person was excluded from the conference"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("If excluded, why?").fill("Risk of violence to the child's mother")
    page.get_by_role("button", name="Save attendance").click()
    invitation = ConferenceInvitation.objects.get()
    assert (invitation.attendance, invitation.has_parental_responsibility) == ("excluded", True)
    ChildProtectionConference.objects.update(scheduled_for=booked_for)

    page.get_by_role("link", name="Back to scheduling").click()
    page.get_by_role("link", name="See this week's bookings").click()
    page.goto(f"/schedule/week/?start={when.isoformat()}")
    assert "Jordan Example" in page.locator("main").inner_text()
    assert_accessible(page)
    feed = page.locator("code").inner_text()
    assert "/calendar/" in feed


def test_the_chair_records_plans_and_business_support_sends_the_minutes(
    page, iro, business_support, chromium, live_server
):
    family = FamilyFactory(name="Example")
    children = [
        ChildFactory(child_id=f"K{i}", first_name=n, family=family)
        for i, n in ((1, "Jo"), (2, "Mo"))
    ]
    for child in children:
        iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
        section47_start(child=child, strategy_discussion_on=today() - dt.timedelta(days=10))
    from protection.services import conference_book

    conference = conference_book(
        kind="initial",
        children=children,
        scheduled_for=timezone.now() - dt.timedelta(hours=3),
        venue="Civic Centre",
        chair=iro,
        family=family,
    )
    sign_in(page, "iro")
    page.goto(f"/protection/conferences/{conference.pk}/")
    page.get_by_role("link", name="Record the outcome").click()
    page.locator("#id_outcome-K1_1").check()  # plan started
    page.get_by_role("button", name="Record the outcome").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose the category of abuse for Jo Example's plan" in summary
    assert "Choose the outcome of the conference for Mo Example" in summary
    assert not ChildProtectionPlan.objects.exists()
    assert_accessible(page)
    page.get_by_label("If a plan started, category of abuse for Jo Example").select_option("NEG")
    page.locator("#id_outcome-K2_2").check()  # not made subject to a plan
    page.get_by_role("button", name="Record the outcome").click()
    plan = ChildProtectionPlan.objects.get()
    assert (plan.child.child_id, plan.started_on, plan.initial_category) == ("K1", today(), "NEG")

    support = chromium.new_context(base_url=live_server.url).new_page()
    sign_in(support, "support")
    support.goto(f"/protection/conferences/{conference.pk}/")
    support.get_by_role("link", name="Record when the minutes were sent").click()
    support.get_by_role("button", name="Save").click()
    conference.refresh_from_db()
    assert conference.minutes_sent_on == today()
    support.context.close()
