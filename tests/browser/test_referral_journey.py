"""Journey: a referral arrives; business support record the strategy discussion and the
section 47 enquiry, book the sibling group's initial conference (the chair's clash is
shown), and send the invitations; the chair holds it and plans start; the child's record
shows when the first review conference is due, and why."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.dates import add_months, add_working_days, default_calendar, long_date
from core.services import today
from iro.services import iro_allocate
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceInvitation,
    Section47Enquiry,
)
from reviews.services import episode_record, lac_review_book
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.factories import ChildFactory, FamilyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_referral(page, child_id, referral_on, strategy_on):
    page.goto(f"/children/{child_id}/")
    page.get_by_role("link", name="Record a referral's strategy discussion").click()
    assert_accessible(page)
    fill_date(page, "referral_on", referral_on)
    fill_date(page, "strategy_discussion_on", strategy_on)
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.get_by_label("Yes, the enquiry found").check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    assert long_date(strategy_on) in page.locator("main").inner_text()
    page.get_by_role("button", name="Record the enquiry").click()
    return page.locator(".govuk-notification-banner").inner_text()


def test_a_referral_to_a_first_review_conference_date(
    page, chromium, live_server, iro, business_support
):
    family = FamilyFactory(name="Example")
    older = ChildFactory(child_id="J1", first_name="Jordan", family=family)
    younger = ChildFactory(child_id="J2", first_name="Morgan", family=family)
    for child in (older, younger):
        iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
    # The chair already has a review booked at the time business support will choose.
    when = today() + dt.timedelta(days=7)
    other = ChildFactory(child_id="L1")
    episode_record(
        child=other,
        started_on=today() - dt.timedelta(days=10),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    lac_review_book(
        child=other,
        scheduled_for=timezone.make_aware(dt.datetime.combine(when, dt.time(10, 30))),
        venue="Civic Centre",
        chair=iro,
    )
    strategy_on = today() - dt.timedelta(days=3)
    due = add_working_days(strategy_on, 15, default_calendar())

    sign_in(page, "support")
    # A mistake first: the strategy discussion before the referral is refused by name.
    page.goto("/children/J1/")
    page.get_by_role("link", name="Record a referral's strategy discussion").click()
    fill_date(page, "referral_on", strategy_on)
    fill_date(page, "strategy_discussion_on", strategy_on - dt.timedelta(days=1))
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "must be on or after the referral date" in summary
    assert_accessible(page)

    for child in (older, younger):
        banner = record_referral(
            page, child.child_id, strategy_on - dt.timedelta(days=1), strategy_on
        )
        assert (
            f"Initial conference due by {long_date(due)}: 15 working days after the strategy "
            f"discussion on {long_date(strategy_on)}"
        ) in banner
    assert Section47Enquiry.objects.filter(icpc_due=due).count() == 2
    assert_accessible(page)

    page.goto("/protection/conferences/book/?kind=initial&child=J1")
    children = page.locator("input[name=children]")
    assert children.count() == 2
    fill_date(page, "date", when)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Venue", exact=True).fill("Civic Centre, room 4")
    page.get_by_label("Chair", exact=True).select_option(label="Ada Reviewer")
    page.get_by_role("button", name="Book the conference").click()
    warning = page.locator(".govuk-warning-text").first.inner_text()
    assert "Ada Reviewer is already booked to chair a looked-after review for L1" in (
        page.locator("main").inner_text()
    ), warning
    assert ChildProtectionConference.objects.count() == 0
    assert_accessible(page)
    page.get_by_label("I have checked: book it anyway").check()
    page.get_by_role("button", name="Book the conference").click()
    conference = ChildProtectionConference.objects.get()
    assert any("already booked to chair" in w for w in conference.booking_warnings)
    assert_accessible(page)

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Name").fill("Sam Example")
    page.get_by_label("Family member").check()
    page.get_by_label("Relationship or role").fill("Father")
    page.get_by_label("By email").check()
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Add the invitation").click()
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Name").fill("Sam Example")
    page.get_by_label("Family member").check()
    page.get_by_label("Relationship or role").fill("Father")
    page.get_by_label("By letter in the post").check()
    page.get_by_label("Postal address").fill("1 High Street")
    page.get_by_role("button", name="Add the invitation").click()
    assert "Sam Example is already invited" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Name").fill("Lee Example")
    page.get_by_label("Relationship or role").fill("Grandmother")
    page.get_by_role("button", name="Add the invitation").click()
    assert page.get_by_role("link", name="Download the letter to Lee Example (PDF)").count() == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "You are invited to a meeting about Jordan Example and Morgan Example" in (
        mail.outbox[0].body
    )
    assert ConferenceInvitation.objects.get(email="sam@example.org").send_status == "sent"
    assert page.get_by_role("link", name="Record the outcome").count() == 0
    assert_accessible(page)

    chair = chromium.new_context(base_url=live_server.url).new_page()
    sign_in(chair, "iro")
    chair.goto(f"/protection/conferences/{conference.pk}/")
    chair.get_by_role("link", name="Record the outcome").click()
    chair.locator("#id_outcome-J1_1").check()
    chair.get_by_label("If a plan started, category of abuse for Jordan Example").select_option(
        "NEG"
    )
    chair.locator("#id_outcome-J2_1").check()
    chair.get_by_label("If a plan started, category of abuse for Morgan Example").select_option(
        "EMO"
    )
    chair.get_by_role("button", name="Record the outcome").click()
    assert ChildProtectionPlan.objects.count() == 2
    chair.goto("/children/J1/")
    first_review = add_months(today(), 3)
    record = chair.locator("main").inner_text()
    assert long_date(first_review) in record
    assert f"3 months after the initial conference on {long_date(today())}" in record
    assert_accessible(chair)
    chair.context.close()
