"""Journey: an IRO is warned before the idle timeout and stays signed in; later they are
signed out with a contact half-recorded, save it anyway, sign in again, and the contact
is saved once (core.submissions, templates/includes/timeout_warning.html)."""

import datetime as dt

import pytest

from core.services import today
from iro.services import iro_allocate
from reviews.models import IROContact
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_sessions(settings):
    # Warn 4 seconds in, sign out at 8: the same code as 28 and 30 minutes.
    settings.SESSION_COOKIE_AGE = 8
    settings.OVERSIGHT_TIMEOUT_WARNING_SECONDS = 4


def test_stay_signed_in_keeps_the_session(page, iro, short_sessions):
    sign_in(page, "iro")
    dialog = page.get_by_role("dialog", name="You\u2019re about to be signed out")
    dialog.wait_for(state="visible", timeout=8_000)
    assert "You will be signed out in" in dialog.inner_text()
    assert_accessible(page)
    with page.expect_response("**/session/keep-alive/") as kept_alive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept_alive.value.status == 200
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(5_000)  # past the first session's end, within the second's
    page.goto("/")
    assert page.url.endswith("/")
    assert "Sign in" not in page.locator("h1").inner_text()


def test_answers_sent_after_the_timeout_are_saved_once_after_signing_in(page, iro, short_sessions):
    child = ChildFactory(child_id="T900", first_name="Robin")
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
    sign_in(page, "iro")
    page.goto("/looked-after/T900/contact/")
    fill_date(page, "occurred_on", today())
    page.get_by_label("Visit").check()
    page.get_by_label("Note (optional)").fill("Robin showed me the garden")

    ended = page.get_by_role("dialog", name="You have been signed out")
    page.get_by_text("You have been signed out").wait_for(state="visible", timeout=12_000)
    assert_accessible(page)
    page.get_by_role("button", name="Back to the page").click()
    assert page.get_by_label("Note (optional)").input_value() == "Robin showed me the garden"

    page.get_by_role("button", name="Record the contact").click()
    page.wait_for_url("**/accounts/login/**")
    assert "Your answers have been kept" in page.locator("main").inner_text()
    page.get_by_label("Username").fill("iro")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/session/kept/**")
    assert page.locator("h1").inner_text() == "Your answers were kept"
    assert_accessible(page)
    page.get_by_role("button", name="Save your answers").click()
    page.wait_for_url("**/children/T900/")
    assert IROContact.objects.get(child=child).note == "Robin showed me the garden"
    assert ended.count() == 0 or not ended.is_visible()
