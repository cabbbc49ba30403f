"""Journey: business support add and approve a foster household through the question pages,
see when its first review is due and why, change its terms of approval, and correct a
review they recorded. Every new page is scanned with axe."""

import datetime as dt

import pytest

from core.dates import add_years, long_date
from core.services import today
from fostering.models import ApprovalTermsChange, CarerReviewCorrection, FosterCarerHousehold
from fostering.services import REFERENCE_TAKEN, household_approve
from tests.browser.conftest import assert_accessible, fill_date, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_support_add_a_household_change_its_terms_and_correct_a_review(
    page, business_support
):
    household_approve(reference="FC-0100", name="Jo Carer", approved_on=dt.date(2020, 1, 6))
    approved = today() - dt.timedelta(days=400)

    sign_in(page, "support")
    page.goto("/fostering/")
    page.get_by_role("link", name="Add a foster household").click()
    assert_accessible(page)

    # A reference already used is refused on the first page, naming who has it.
    page.get_by_label("Household reference").fill("FC-0100")
    page.get_by_label("Carers' names").fill("Alex and Sam Carer")
    fill_date(page, "approved_on", approved)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert REFERENCE_TAKEN.format(reference="FC-0100", name="Jo Carer") in summary
    assert_accessible(page)

    page.get_by_label("Household reference").fill("FC-0101")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Terms of approval"
    assert_accessible(page)
    page.get_by_label("Number of children").fill("2")
    page.get_by_label("Youngest age (optional)").fill("0")
    page.get_by_label("Oldest age (optional)").fill("11")
    page.get_by_label("Short-term").check()
    page.get_by_label("Emergency").check()
    page.get_by_role("button", name="Continue").click()

    assert "Check your answers" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
    first_due = add_years(approved, 1)
    assert f"The first review will be due by {long_date(first_due)}" in page.inner_text("main")
    # Change an answer: back to its page, answers kept, then back to check them.
    page.get_by_role("link", name="Change carers' names").click()
    assert page.get_by_label("Carers' names").input_value() == "Alex and Sam Carer"
    page.get_by_label("Carers' names").fill("Alex and Sam Carer-Smith")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    assert "Alex and Sam Carer-Smith" in page.locator(".govuk-summary-list").inner_text()
    assert not FosterCarerHousehold.objects.filter(reference="FC-0101").exists()
    page.get_by_role("button", name="Add the household").click()

    banner = page.locator(".govuk-notification-banner").inner_text()
    assert (
        f"First review due by {long_date(first_due)}: to panel within a year of approval on "
        f"{long_date(approved)}."
    ) in banner
    assert page.get_by_role("heading", level=1).inner_text() == "Alex and Sam Carer-Smith"
    assert "Up to 2 children aged 0 to 11; emergency, short-term" in page.content()
    assert_accessible(page)

    # A change of terms is kept with what they were; the next review does not move.
    page.get_by_role("link", name="Change the terms of approval").click()
    assert_accessible(page)
    fill_date(page, "changed_on", today() - dt.timedelta(days=10))
    page.get_by_label("Number of children").fill("3")
    page.get_by_label("Other conditions (optional)").fill("Including sibling groups")
    page.get_by_label("Why did the terms change?").fill("Approved for a sibling group.")
    page.get_by_role("button", name="Save the new terms").click()
    assert f"The next review is still due by {long_date(first_due)}" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    changes = page.locator("table").first.inner_text()
    assert "Up to 2 children aged 0 to 11; emergency, short-term" in changes
    assert "Approved for a sibling group." in changes
    assert ApprovalTermsChange.objects.count() == 1
    assert_accessible(page)

    # Record the first review, then correct its date.
    held = today() - dt.timedelta(days=20)
    page.get_by_role("link", name="Record a review").click()
    fill_date(page, "held_on", held)
    page.get_by_label("Reviewing officer").select_option(label=str(business_support))
    page.get_by_label("The review report is going to the fostering panel").check()
    page.get_by_label("Recommendation").fill("Continued approval.")
    page.get_by_role("button", name="Record the review").click()
    assert f"Next review due by {long_date(add_years(held, 1))}" in page.content()

    page.get_by_role("link", name=f"Correct the review of {long_date(held)}").click()
    assert_accessible(page)
    corrected = held + dt.timedelta(days=1)
    fill_date(page, "held_on", corrected)
    page.get_by_role("button", name="Save the correction").click()
    # The reason is asked for; nothing changes without it.
    assert "Enter why you are correcting the review" in (
        page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Why are you correcting the review?").fill("The meeting was the next day")
    page.get_by_role("button", name="Save the correction").click()
    assert f"The next review is due by {long_date(add_years(corrected, 1))}" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    assert "The meeting was the next day" in page.content()
    assert CarerReviewCorrection.objects.count() == 1
    assert_accessible(page)
