"""Journey: a child enters care (business support), is allocated an IRO, the first
review is booked, two people are invited, it is rescheduled once (invitations kept),
the IRO records it held with three decisions, and the decisions appear on the child's
record and on the next review's page."""

import datetime as dt

import pytest

from core.dates import add_working_days, default_calendar, long_date
from core.roles import Role
from core.services import today
from iro.services import iro_allocate
from reviews.models import LookedAfterReview, ReviewDecision, ReviewReschedule
from tests.browser.conftest import PASSWORD, assert_accessible, fill_date, sign_in
from tests.conftest import _with_role
from tests.factories import ChildFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECISIONS = [
    ("Arrange a dental check", "Social worker", 20),
    ("Refer to CAMHS", "Social worker", 40),
    ("Start life-story work", "Foster carer", 60),
]


def _working_day_after(day: dt.date, days: int) -> dt.date:
    return add_working_days(day, days, default_calendar())


def test_a_child_enters_care_and_the_first_review_is_booked_moved_and_held(page, iro):
    support = UserFactory(username="support")
    support.set_password(PASSWORD)
    support.save()
    _with_role(support, Role.BUSINESS_SUPPORT)
    iro.user.set_password(PASSWORD)
    iro.user.save()
    entered = today() - dt.timedelta(days=3)
    child = ChildFactory(
        child_id="J001", first_name="Jamie", last_name="Example", date_of_birth=dt.date(2015, 3, 1)
    )

    # Business support record the entry to care, one question a page.
    sign_in(page, "support")
    page.goto("/children/J001/")
    page.get_by_role("link", name="Record that Jamie Example starts to be looked after").click()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the date they started to be looked after" in summary
    assert_accessible(page)
    fill_date(page, "started_on", entered)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("C1: interim care order").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("N1: abuse or neglect").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Type of placement").select_option("U6")
    page.get_by_label("PR1: own local authority").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Check your answers"
    assert "C1: interim care order" in page.locator(".govuk-summary-list").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    due = _working_day_after(entered, 20)
    assert (
        f"First review due by {long_date(due)}: 20 working days after entering care on "
        f"{long_date(entered)}." in page.locator(".govuk-notification-banner").inner_text()
    )
    assert_accessible(page)

    # The Head of Service allocates the IRO (the allocation page is tested on its own).
    iro_allocate(child=child, iro=iro, started_on=entered)

    # Business support book the first review, then move it once.
    booked_on = _working_day_after(today(), 3)
    moved_to = _working_day_after(today(), 5)
    page.goto("/children/J001/")
    page.get_by_role("link", name="Book the next review").click()
    fill_date(page, "date", booked_on)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Venue").fill("Civic Centre")
    page.get_by_label("Chair", exact=True).select_option(str(iro.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Book it").click()
    assert "booked for" in page.locator(".govuk-notification-banner").inner_text()
    # They invite the foster carer by email and the mother by letter.
    for name, kind, role, delivery, where in [
        ("Alex Carer", "Carer", "Foster carer", "By email", "alex@example.org"),
        ("Sam Example", "Parent", "Mother", "By letter in the post", "1 Example Street"),
    ]:
        page.goto("/children/J001/")
        page.get_by_role("link", name="Invite someone to the booked review").click()
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Relationship or role").fill(role)
        page.get_by_label(delivery).check()
        if delivery == "By email":
            page.get_by_label("Email address").fill(where)
        else:
            page.get_by_label("Postal address").fill(where)
        assert_accessible(page)
        page.get_by_role("button", name="Invite them").click()
        assert f"{name} is invited." in page.locator(".govuk-notification-banner").inner_text()
    page.goto("/children/J001/")
    page.get_by_role("link", name="Reschedule the booked review").click()
    fill_date(page, "date", moved_to)
    page.get_by_role("button", name="Move the review").click()
    assert (
        "Enter why the review is being moved" in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Why is the review being moved?").fill("The foster carer is away")
    page.get_by_role("button", name="Move the review").click()
    record = page.locator("#main-content").inner_text()
    assert f"Moved from {long_date(booked_on)} at 10am to {long_date(moved_to)} at 10am" in record
    assert f"by {support} on {long_date(today())} because The foster carer is away" in record
    assert_accessible(page)
    assert ReviewReschedule.objects.count() == 1
    # The invitations stay with the moved review.
    assert "Alex Carer (Foster carer, carer)" in record
    assert "Sam Example (Mother, parent)" in record

    # The IRO, who chairs it, records it held with three decisions.
    page.context.clear_cookies()
    sign_in(page, "iro")
    page.goto("/children/J001/")
    page.get_by_role("link", name="record it", exact=True).click()
    assert "This records the review booked for" in page.locator("main").inner_text()
    fill_date(page, "held_on", today())
    page.get_by_label("PN1: child attends and speaks for themselves").check()
    page.locator("#id_child_seen_alone_1").check()
    for i, (action, owner, days) in enumerate(DECISIONS):
        page.locator(f"#id_decisions-{i}-action").fill(action)
        page.locator(f"#id_decisions-{i}-owner").fill(owner)
        fill_date(page, f"decisions-{i}-due_on", today() + dt.timedelta(days=days))
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()
    assert "Review recorded." in page.locator(".govuk-notification-banner").inner_text()
    review = LookedAfterReview.objects.get(child=child)
    assert (review.status, review.number) == ("held", 1)
    assert ReviewDecision.objects.filter(review=review).count() == 3

    decisions = page.locator("table", has_text="Arrange a dental check").inner_text()
    for action, _, days in DECISIONS:
        assert action in decisions
        assert long_date(today() + dt.timedelta(days=days)) in decisions
    assert "Foster carer" in decisions
    assert_accessible(page)

    # The next review's page shows what is still open from this one.
    page.get_by_role("link", name="Record a review").click()
    still_open = page.locator("main").inner_text()
    assert "Still open from the last review" in still_open
    for action, _, _ in DECISIONS:
        assert action in still_open
    assert_accessible(page)
