"""Business support add an unborn child to a sibling group, and are stopped from adding a
child who is already held."""

import datetime as dt

import pytest

from core.services import today
from iro.models import Child
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory, FamilyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_support_add_an_unborn_child_to_a_family_checking_their_answers(
    page, business_support
):
    family = FamilyFactory(name="Example", reference="FAM1")
    ChildFactory(child_id="SIB1", first_name="Sky", family=family)
    due = today() + dt.timedelta(days=90)

    sign_in(page, "support")
    page.get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name="Add a child").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What is the child's name?"
    page.get_by_role("button", name="Continue").click()
    assert "Enter the child's first name" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("First name").fill("Baby")
    page.get_by_label("Last name").fill("Example")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("No, the child is unborn").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "When is the baby due?"
    fill_date(page, "date", due)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Ethnicity").select_option("NOBT")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Council child ID").fill("UNB1")
    page.get_by_label("Unique pupil number (UPN) (optional)").fill("A801200005001")
    page.get_by_role("button", name="Continue").click()
    assert "first letter is not right" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Unique pupil number (UPN) (optional)").fill("")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Yes, a family already in Oversight").check()
    page.get_by_label("The family's reference").fill("FAM1")
    page.get_by_role("button", name="Continue").click()

    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Check your answers before adding the child"
    answers = page.locator(".govuk-summary-list").inner_text()
    assert "Expected date of birth" in answers
    assert "Family FAM1" in answers
    assert_accessible(page)
    assert not Child.objects.filter(child_id="UNB1").exists()
    page.get_by_role("button", name="Save the child").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Baby Example"
    assert "Added Baby Example (UNB1)" in page.locator(".govuk-notification-banner").inner_text()
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="IRO allocation").click()
    assert "Baby Example has never had an IRO" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="Allocate an IRO").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Allocate an IRO to Baby Example"
    assert_accessible(page)
    child = Child.objects.get(child_id="UNB1")
    assert (child.expected_date_of_birth, child.sex, child.family) == (due, "U", family)


def test_a_child_with_a_council_child_id_already_held_is_not_added_twice(page, business_support):
    ChildFactory(child_id="HELD1", first_name="Robin", last_name="Example")
    sign_in(page, "support")
    page.goto("/children/new/")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Example")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    fill_date(page, "date", dt.date(2016, 4, 2))
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Female").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Ethnicity").select_option("WBRI")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Council child ID").fill("HELD1")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert "This child is already in Oversight" in page.inner_text("main")
    assert page.get_by_role("button", name="Save the child").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="Robin Example has the council child ID HELD1").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Robin Example"
    assert Child.objects.count() == 1
