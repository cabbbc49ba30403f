"""Journey: business support correct a care episode's start date entered wrongly; the
page says the first review's new due date and why, and the child's record shows it."""

import datetime as dt

import pytest

from core.dates import add_working_days, default_calendar, long_date
from core.roles import Role
from core.services import today
from reviews.models import Episode
from tests.browser.conftest import PASSWORD, assert_accessible, fill_date, sign_in
from tests.conftest import _with_role
from tests.factories import ChildFactory, UserFactory
from tests.reviews.test_services import enter_care

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _first_review_due(entered: dt.date) -> dt.date:
    return add_working_days(entered, 20, default_calendar())


def test_business_support_correct_the_start_of_care_and_the_first_review_moves(page):
    support = UserFactory(username="support")
    support.set_password(PASSWORD)
    support.save()
    _with_role(support, Role.BUSINESS_SUPPORT)
    child = ChildFactory(
        child_id="J002", first_name="Jo", last_name="Example", date_of_birth=dt.date(2015, 3, 1)
    )
    wrong, right = today() - dt.timedelta(days=10), today() - dt.timedelta(days=3)
    enter_care(child, wrong)

    sign_in(page, "support")
    page.goto("/children/J002/")
    assert long_date(_first_review_due(wrong)) in page.locator("main").inner_text()
    page.get_by_role("link", name=f"Correct the episode from {long_date(wrong)}").click()
    assert page.locator("h1").inner_text() == "Correct an episode of care"
    assert_accessible(page)

    # Without a reason nothing is saved, and the summary names the field.
    fill_date(page, "started_on", right)
    page.get_by_role("button", name="Save the correction").click()
    assert "Enter the reason" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert Episode.objects.get(child=child).started_on == wrong

    page.get_by_label("Why are you correcting it?").fill("Start date typed wrongly")
    page.get_by_role("button", name="Save the correction").click()

    due = _first_review_due(right)
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert (
        f"First review due by {long_date(due)}: 20 working days after entering care on "
        f"{long_date(right)}." in banner
    )
    assert f"It was due by {long_date(_first_review_due(wrong))}." in banner
    record = page.locator("main").inner_text()
    assert long_date(due) in record
    assert "Corrected: Start date typed wrongly" in record
    assert_accessible(page)
    assert Episode.objects.get(child=child).started_on == right
