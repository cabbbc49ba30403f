"""The admin cannot bypass the services: what feeds a due date or a status is read-only
there, and records that start or stop a clock are neither added nor deleted in it."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory

from disputes.models import Dispute
from fostering.models import FosterCarerHousehold
from iro.models import IROAllocation
from protection.models import ChildProtectionConference, ChildProtectionPlan, Section47Enquiry
from reviews.models import Episode, LookedAfterReview, PeriodOfCare

FEEDS_A_CLOCK = {
    PeriodOfCare: ["started_on", "ended_on", "next_review_due", "next_review_reason"],
    Episode: ["started_on", "ended_on", "reason_new_episode", "reason_ceased", "legal_status"],
    LookedAfterReview: ["status", "held_on", "scheduled_for", "due_on", "number"],
    Section47Enquiry: ["strategy_discussion_on", "concluded_on", "icpc_not_required", "icpc_due"],
    ChildProtectionPlan: ["started_on", "ended_on", "next_review_due"],
    ChildProtectionConference: ["kind", "status", "held_on", "scheduled_for"],
    Dispute: ["status", "raised_on", "resolved_on", "formal_due_on"],
    FosterCarerHousehold: ["approved_on", "approval_ended_on", "next_review_due"],
    IROAllocation: ["child", "iro", "started_on", "ended_on"],
}


@pytest.fixture
def admin_request(administrator):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    return request


@pytest.mark.parametrize("model", FEEDS_A_CLOCK, ids=lambda m: m.__name__)
def test_fields_that_feed_a_due_date_or_a_status_are_read_only(model, admin_request):
    model_admin = admin.site._registry[model]

    readonly = set(model_admin.get_readonly_fields(admin_request, obj=None))

    assert set(FEEDS_A_CLOCK[model]) <= readonly


@pytest.mark.parametrize("model", FEEDS_A_CLOCK, ids=lambda m: m.__name__)
def test_such_records_are_not_added_or_deleted_in_the_admin(model, admin_request):
    model_admin = admin.site._registry[model]

    assert not model_admin.has_add_permission(admin_request)
    assert not model_admin.has_delete_permission(admin_request)


def test_the_admin_change_page_of_a_plan_saves_nothing_that_moves_its_clock(client, administrator):
    from tests.factories import ChildFactory

    child = ChildFactory()
    plan = ChildProtectionPlan.objects.create(
        child=child,
        started_on=dt.date(2025, 1, 6),
        initial_category="NEG",
        latest_category="NEG",
    )
    client.force_login(administrator)

    page = client.get(f"/admin/protection/childprotectionplan/{plan.pk}/change/")

    assert page.status_code == 200
    assert 'name="started_on"' not in page.content.decode()
