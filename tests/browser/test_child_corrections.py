"""Issue 10: business support correct a child's date of birth from the Change link on the
record, with a reason; a day that is not a day is refused by name first. The record then
shows the corrected date, and its history the correction. A foster household's reference
is corrected the same way, and its page moves to the new reference."""

import datetime as dt
import re

import pytest

from fostering.services import household_approve
from iro.models import Child
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_support_correct_a_date_of_birth_and_see_it_in_the_history(page, business_support):
    ChildFactory(
        child_id="DOB1", first_name="Robin", last_name="Example", date_of_birth=dt.date(2015, 6, 1)
    )
    sign_in(page, "support")
    page.goto("/children/DOB1/")
    details = page.locator("#child-details + dl")
    assert "1 June 2015" in details.inner_text()
    assert_accessible(page)

    details.get_by_role("link", name="Change date of birth").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Correct Robin Example's details"
    assert_accessible(page)

    # A day that is not a day, and no reason: both named, nothing saved.
    page.locator("#id_date_of_birth_0").fill("99999999999999999999")
    page.get_by_role("button", name="Save the correction").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Date of birth must be a real date" in summary
    assert "Enter the reason" in summary
    assert_accessible(page)
    assert Child.objects.get(child_id="DOB1").date_of_birth == dt.date(2015, 6, 1)

    fill_date(page, "date_of_birth", dt.date(2015, 1, 6))
    page.get_by_label("Why are you correcting these details?").fill(
        "Day and month were typed the wrong way round"
    )
    page.get_by_role("button", name="Save the correction").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Robin Example"
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Robin Example's details corrected" in banner
    assert "6 January 2015" in page.locator("#child-details + dl").inner_text()
    assert "Born 6 January 2015" in page.locator(".moj-identity-bar").inner_text()
    page.get_by_text("Corrections to these details (1)").click()
    history = page.locator(".govuk-details__text").first.inner_text()
    assert "Day and month were typed the wrong way round" in history
    assert "Date of birth: 1 June 2015 to 6 January 2015" in history
    assert_accessible(page)
    assert Child.objects.get(child_id="DOB1").date_of_birth == dt.date(2015, 1, 6)


def test_business_support_correct_a_households_reference_and_its_page_moves(page, business_support):
    household_approve(reference="FC-0101", name="Jo Carer", approved_on=dt.date(2024, 1, 5))
    household_approve(reference="FC-0202", name="Al Carer", approved_on=dt.date(2024, 1, 5))
    sign_in(page, "support")
    page.goto("/fostering/FC-0101/")
    page.get_by_role("link", name="Change reference").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Correct the household's details"
    assert_accessible(page)

    page.get_by_label("Household reference").fill("FC-0202")
    page.get_by_label("Why are you correcting these details?").fill("Typed wrongly")
    page.get_by_role("button", name="Save the correction").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "A household with reference FC-0202 already exists: Al Carer" in summary
    assert_accessible(page)

    page.get_by_label("Household reference").fill("FC-0110")
    page.get_by_role("button", name="Save the correction").click()
    # The address moves (the Change link's #id_reference rides along through the redirect).
    page.wait_for_url(re.compile(r"/fostering/FC-0110/(#.*)?$"))
    assert "Jo Carer (FC-0110) corrected" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_text("Corrections to these details (1)").click()
    assert "Reference: FC-0101 to FC-0110" in page.locator(".govuk-details__text").inner_text()
    assert_accessible(page)

    page.goto("/fostering/FC-0101/")
    page.wait_for_url(re.compile(r"/fostering/FC-0110/$"))
    assert "The household's reference is now FC-0110 (it was FC-0101)" in page.inner_text("main")
