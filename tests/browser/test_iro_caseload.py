"""Journey 1: an IRO looks at the children they hold and what is due next, and why."""

import datetime as dt

import pytest

from core.services import today
from disputes.services import dispute_raise
from iro.services import iro_allocate
from reviews.services import episode_record, iro_contact_record
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def looked_after(iro, child_id, first_name, entered_on):
    child = ChildFactory(child_id=child_id, first_name=first_name, last_name="Example")
    iro_allocate(child=child, iro=iro, started_on=entered_on)
    episode_record(
        child=child,
        started_on=entered_on,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    return child


def test_an_iro_sees_their_caseload_sorted_filtered_and_a_childs_record(page, iro):
    overdue = looked_after(iro, "C001", "Avery", today() - dt.timedelta(days=60))
    looked_after(iro, "C002", "Blake", today() - dt.timedelta(days=2))
    iro_contact_record(
        child=overdue, iro=iro, occurred_on=today() - dt.timedelta(days=7), kind="visit"
    )
    dispute_raise(
        child=overdue,
        raised_by=iro,
        raised_on=today(),
        category="drift",
        summary="No progress on the care plan",
    )

    sign_in(page, "iro")
    page.get_by_role("link", name="Caseload").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ada Reviewer's caseload"
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    first = rows.nth(0)
    assert "Avery Example" in first.inner_text()
    assert "Overdue" in first.inner_text()
    assert "20 working days after entering care" in first.inner_text()
    assert "1 open" in first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Name").click()
    assert page.locator("th[aria-sort='ascending']").inner_text() == "Name"
    page.get_by_role("link", name="Name").click()
    assert page.locator("th[aria-sort='descending']").inner_text() == "Name"
    assert "Blake Example" in page.locator("tbody tr").nth(0).inner_text()

    page.get_by_label("Due").select_option("overdue")
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("tbody tr").count() == 1

    page.get_by_role("link", name="Avery Example").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Avery Example"
    due = page.locator("#due-next + .govuk-summary-list").inner_text()
    assert "Looked-after review" in due
    assert "20 working days after entering care" in due
    assert_accessible(page)
