"""Journey 3: an IRO raises a challenge and takes it stage by stage to a resolution."""

import datetime as dt

import pytest

from core.dates import add_working_days, default_calendar, long_date
from core.services import today
from disputes.models import Dispute
from iro.services import iro_allocate
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_iro_raises_a_challenge_and_takes_it_to_the_head_of_service(page, iro):
    child = ChildFactory(child_id="C001", first_name="Avery", last_name="Example")
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=60))
    calendar = default_calendar()
    response_due = add_working_days(today(), 5, calendar)
    formal_due = add_working_days(today(), 20, calendar)

    sign_in(page, "iro")
    page.goto("/challenges/")
    assert page.get_by_role("heading", level=1).inner_text() == "Challenges raised by Ada Reviewer"
    assert "No challenges match." in page.locator("tbody").inner_text()
    assert_accessible(page)

    # An empty form names each question, and saves nothing.
    page.goto("/challenges/new/C001/")
    fill_date(page, "raised_on", None)
    page.get_by_role("button", name="Raise the challenge").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    for message in [
        "Choose what the challenge is about",
        "Describe the concern",
        "Enter the date the challenge was raised",
    ]:
        assert message in summary
    assert page.title().startswith("Error:")
    assert_accessible(page)
    assert not Dispute.objects.exists()

    page.get_by_label("Drift or delay").check()
    page.get_by_label("What is the concern?").fill("No progress on the permanence plan.")
    fill_date(page, "raised_on", today())
    page.get_by_role("button", name="Raise the challenge").click()
    assert "Challenge raised" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Challenge: drift or delay"
    assert "The challenge is informal." in page.content()
    assert_accessible(page)

    # Formal stage one: the team manager, with a 5-working-day reply and the 20-day clock.
    page.get_by_role("link", name="Escalate").click()
    assert_accessible(page)
    page.get_by_label("Team manager (reply due within 5 working days)").check()
    page.get_by_label("Name of the person the challenge is addressed to").fill("Pat Jones")
    page.get_by_role("button", name="Escalate the challenge").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert f"Escalated to team manager: response due {long_date(response_due)}" in banner
    timeline = page.locator(".moj-timeline").inner_text()
    assert "Escalated to team manager" in timeline
    assert f"5 working days after escalation to team manager on {long_date(today())}" in timeline
    clock = page.locator(".govuk-inset-text").inner_text()
    assert f"The formal process should end by {long_date(formal_due)}: 20 working days left" in (
        clock
    )
    assert_accessible(page)

    page.get_by_role("link", name="Record the response").click()
    page.get_by_label("What did they say?").fill("A social worker will be allocated next week.")
    page.get_by_role("button", name="Save the response").click()
    assert (
        "A social worker will be allocated next week." in page.locator(".moj-timeline").inner_text()
    )

    # Skipping the service manager: straight to the head of service.
    page.get_by_role("link", name="Escalate").click()
    assert page.get_by_label("Team manager", exact=False).count() == 0
    page.get_by_label("Head of service (reply due within 5 working days)").check()
    page.get_by_label("Name of the person the challenge is addressed to").fill("Sam Head")
    page.get_by_role("button", name="Escalate the challenge").click()
    assert "Head of service: Sam Head" in page.locator(".govuk-summary-list").first.inner_text()

    page.get_by_role("link", name="Refer to Cafcass").click()
    page.get_by_role("button", name="Record the referral").click()
    assert f"Referred on {long_date(today())}" in page.content()

    page.get_by_role("link", name="Resolve").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Record the resolution at head of service"
    )
    page.get_by_label("How was the challenge resolved?").fill("Permanence panel booked.")
    for _ in ("day", "month", "year", "button"):  # by keyboard, through the date to the button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Record the resolution"
    page.keyboard.press("Enter")
    assert "Challenge resolved" in page.locator(".govuk-notification-banner").inner_text()
    assert "Resolved at head of service" in page.locator(".moj-timeline").inner_text()

    page.get_by_role("link", name="All challenges").click()
    row = page.locator("tbody tr").first.inner_text()
    assert "Avery Example" in row
    assert "Resolved" in row
    assert f"at head of service on {today():%-d %b %Y}" in row
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.resolved_at_level.name) == ("resolved", "Head of service")
    assert dispute.cafcass_referred_on == today()
