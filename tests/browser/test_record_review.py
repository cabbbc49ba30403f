"""Journey 2: an IRO records a looked-after review and sees the next due date at once."""

import datetime as dt

import pytest

from core.dates import add_months, long_date
from core.services import today
from iro.services import iro_allocate
from reviews.models import LookedAfterReview, ReviewDecision
from reviews.services import episode_record, lac_review_record
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_iro_records_a_second_review_with_decisions(page, iro):
    entered = today() - dt.timedelta(days=120)
    first_review = today() - dt.timedelta(days=90)
    child = ChildFactory(child_id="R001", first_name="Casey", date_of_birth=dt.date(2014, 5, 1))
    iro_allocate(child=child, iro=iro, started_on=entered)
    episode_record(
        child=child,
        started_on=entered,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    lac_review_record(child=child, held_on=first_review, participation_code="PN1")

    sign_in(page, "iro")
    page.goto("/children/R001/")
    page.get_by_role("link", name="Record a review").click()
    labels = page.locator("input[name=participation_code] + label").all_inner_texts()
    assert not any(text.startswith("PN0") for text in labels)  # Casey is over 4

    # Nothing filled in: each missing answer is named, and nothing is saved.
    page.locator("#id_held_on_0").fill("")
    page.get_by_role("button", name="Record the review").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Date of the review must include a day" in summary
    assert "Choose how the child took part in the review" in summary
    assert "Say whether you saw the child on their own" in summary
    assert_accessible(page)

    # A second review without a permanence plan, and a decision without an owner.
    fill_date(page, "held_on", today())
    page.get_by_label("PN6: child does not attend, conveys views another way").check()
    page.locator("#id_child_seen_alone_1").check()
    page.locator("#id_decisions-0-action").fill("Arrange a dental check")
    fill_date(page, "decisions-0-due_on", today() + dt.timedelta(days=28))
    page.get_by_role("button", name="Record the review").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Record the permanence plan: it is required from the second review" in summary
    assert "Decision 1: Enter who is responsible for the decision" in summary
    assert LookedAfterReview.objects.count() == 1
    assert_accessible(page)

    page.get_by_label("Long-term fostering").check()
    page.locator("#id_decisions-0-owner").fill("Social worker")
    page.get_by_role("button", name="Record the review").click()

    next_due = add_months(today(), 6)
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert f"The next review is due by {long_date(next_due)}" in banner
    assert f"6 months after the previous review on {long_date(today())}" in banner
    review = LookedAfterReview.objects.get(held_on=today())
    assert (review.number, review.participation_code, review.permanence_plan) == (2, "PN6", "f")
    assert review.child_seen_alone is True
    assert ReviewDecision.objects.get(review=review).owner == "Social worker"
    assert "Looked-after review 2" in page.locator(".moj-timeline").inner_text()
    assert_accessible(page)


def test_an_iro_logs_a_visit(page, iro):
    child = ChildFactory(child_id="V001", first_name="Dana")
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
    sign_in(page, "iro")
    page.goto("/children/V001/")
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_role("button", name="Record the contact").click()
    assert "Choose the type of contact" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Visit").check()
    page.get_by_label("I saw the child on their own").check()
    page.get_by_role("button", name="Record the contact").click()
    assert (
        f"Visit on {long_date(today())} recorded."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "IRO visit, seen alone" in page.locator(".moj-timeline").inner_text()
