"""Journey 6: business support record foster carer reviews, panel and conflicts included."""

import datetime as dt

import pytest

from core.dates import add_years, long_date
from core.services import today
from fostering.models import FosterCarerReview
from fostering.services import household_approve
from iro.services import iro_allocate
from reviews.services import episode_record
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_support_record_a_first_review_at_panel_and_are_warned_of_a_conflict(
    page, iro, business_support
):
    approved = today() - dt.timedelta(days=400)
    household = household_approve(
        reference="FC-0101",
        name="Alex and Sam Carer",
        approved_on=approved,
        reviewing_officer=business_support,
    )
    child = ChildFactory(child_id="P1", first_name="Sky", last_name="Example")
    placed = approved + dt.timedelta(days=30)
    episode_record(
        child=child,
        started_on=placed,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
        foster_household=household,
    )
    iro_allocate(child=child, iro=iro, started_on=placed)
    first_held = today() - dt.timedelta(days=20)

    sign_in(page, "support")
    page.goto("/fostering/")
    row = page.locator("tbody tr").first.inner_text()
    assert "Alex and Sam Carer" in row
    assert "Overdue" in row
    assert f"1 year after approval on {long_date(approved)} (first review, goes to panel)" in row
    assert_accessible(page)

    page.get_by_role("link", name="Alex and Sam Carer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alex and Sam Carer"
    assert "Sky Example" in page.content()
    assert "This first review must go to the fostering panel." in page.content()
    assert_accessible(page)

    # The first review without a panel referral is refused, and nothing is saved.
    page.get_by_role("link", name="Record a review").click()
    assert "so it must go to the fostering panel" in page.content()
    fill_date(page, "held_on", first_held)
    page.get_by_label("Recommendation").fill("The carers remain suitable.")
    page.get_by_role("button", name="Record the review").click()
    assert "The first review after approval must go to the fostering panel" in (
        page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    assert not FosterCarerReview.objects.exists()

    page.get_by_label("The review report is going to the fostering panel").check()
    page.get_by_role("button", name="Record the review").click()
    next_due = add_years(first_held, 1)
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert f"The next review is due by {long_date(next_due)}" in banner
    assert f"Next review due by {long_date(next_due)}" in page.content()
    assert "First review" in page.locator("table").inner_text()

    # The IRO of a child placed there is warned about before anything is saved.
    page.get_by_role("link", name="Record a review").click()
    page.get_by_label("Reviewing officer").select_option(label="Ada Reviewer")
    page.get_by_label("Recommendation").fill("Continue approval for two children.")
    page.get_by_role("button", name="Record the review").click()
    warning = page.locator(".govuk-warning-text").inner_text()
    assert "Ada Reviewer is the IRO of Sky Example (P1), who is placed with these carers" in (
        warning
    )
    assert FosterCarerReview.objects.count() == 1
    assert_accessible(page)

    # By keyboard alone: Space ticks the box, Enter presses the button.
    page.get_by_label("Record the review with Ada Reviewer anyway").press("Space")
    page.get_by_role("button", name="Record the review").press("Enter")
    banners = page.locator(".govuk-notification-banner").all_inner_texts()
    assert any("Important" in b and "another officer should review" in b for b in banners)
    assert FosterCarerReview.objects.count() == 2
    assert f"Next review due by {long_date(add_years(today(), 1))}" in page.content()
