"""Journey (issue 10): business support typed the wrong section 47 start date; they
correct it from the child's record, first forgetting the reason (refused by name, nothing
saved), and the record then shows the initial conference's moved due date and why."""

import datetime as dt

import pytest

from core.dates import add_working_days, default_calendar, long_date
from core.services import today
from protection.services import section47_start
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_support_correct_an_s47_start_and_the_icpc_due_date_moves(
    page, chromium, live_server, business_support
):
    child = ChildFactory(child_id="K1", first_name="Kit", date_of_birth=dt.date(2016, 5, 1))
    typed = today() - dt.timedelta(days=2)
    right = today() - dt.timedelta(days=9)
    calendar = default_calendar()
    section47_start(
        child=child,
        referral_on=right - dt.timedelta(days=1),
        strategy_discussion_on=typed,
    )
    was_due = add_working_days(typed, 15, calendar)
    now_due = add_working_days(right, 15, calendar)

    sign_in(page, "support")
    page.goto("/children/K1/")
    assert long_date(was_due) in page.locator("main").inner_text()
    page.get_by_role("link", name=f"Correct the section 47 enquiry from {long_date(typed)}").click()
    assert_accessible(page)
    fill_date(page, "strategy_discussion_on", right)
    page.get_by_role("button", name="Save the correction").click()
    # No reason: refused by name, and nothing saved.
    summary = page.locator(".govuk-error-summary")
    assert "Enter the reason" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("Why are you correcting it?").fill("The discussion was a week earlier")
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_url("**/children/K1/")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert f"Initial conference due by {long_date(now_due)}" in banner
    main = page.locator("main").inner_text()
    assert long_date(now_due) in main
    assert f"15 working days after the strategy discussion on {long_date(right)}" in main
    assert_accessible(page)
