"""Journey 5: the Head of Service checks caseloads and moves a sibling group together."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from core.roles import Role
from core.services import today
from iro.models import IROAllocation
from iro.services import iro_allocate
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ChildFactory, FamilyFactory, IROFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_of_service_moves_siblings_to_one_iro_and_records_why(page, iro, head_of_service):
    other = IROFactory(user=UserFactory(first_name="Ben", last_name="Okafor"), fte=0.5)
    other.user.groups.add(Group.objects.get(name=Role.IRO.label))
    family = FamilyFactory(name="Example")
    older = ChildFactory(child_id="S1", first_name="Sky", family=family)
    younger = ChildFactory(child_id="S2", first_name="Rowan", family=family)
    start = today() - dt.timedelta(days=90)
    for child in (older, younger):
        iro_allocate(child=child, iro=iro, started_on=start)

    sign_in(page, "head")
    page.get_by_role("link", name="Allocation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Caseloads"
    assert "Below range" in page.locator("tbody").inner_text()
    assert_accessible(page)

    page.goto("/children/S1/")
    page.get_by_role("link", name="Move to another IRO").click()
    page.get_by_role("button", name="Move the child").click()
    summary = page.locator(".govuk-error-summary")
    assert "Choose the IRO who will hold the child" in summary.inner_text()
    assert "Enter why the child is moving to another IRO" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    assert IROAllocation.objects.filter(iro=other).count() == 0

    page.get_by_label("New IRO").select_option(label="Ben Okafor")
    page.get_by_label("Why is the child moving?").fill("Balancing caseloads after a new starter")
    page.get_by_role("button", name="Move the child").click()
    assert (
        "Moved Rowan Example, Sky Example to Ben Okafor"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    moved = IROAllocation.objects.filter(iro=other, ended_on__isnull=True)
    assert {a.child.child_id for a in moved} == {"S1", "S2"}
    assert {a.reason for a in moved} == {"Balancing caseloads after a new starter"}
    assert IROAllocation.objects.filter(iro=iro, ended_on=today()).count() == 2
