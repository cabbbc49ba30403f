"""On a phone (375 pixels wide) the navigation folds behind a Menu button and wide tables
scroll inside their container instead of widening the page."""

import datetime as dt
import os
from pathlib import Path

import pytest

from core.services import today
from iro.services import iro_allocate
from reviews.services import episode_record
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
# Screenshots for a person to look at: OVERSIGHT_SCREENSHOTS=/some/folder keeps them.
SHOTS = os.environ.get("OVERSIGHT_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def page_is_no_wider_than_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_menu_folds_away_and_tables_scroll_inside_the_page_on_a_phone(
    page, iro, head_of_service
):
    for n in range(3):
        child = ChildFactory(child_id=f"P{n}", first_name=f"Phone{n}")
        iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=60))
        episode_record(
            child=child,
            started_on=today() - dt.timedelta(days=60),
            reason_new_episode="S",
            legal_status="C2",
            category_of_need="N1",
            placement="U4",
            placement_provider="PR1",
            ended_on=None,
            reason_ceased="",
        )
    page.set_viewport_size(PHONE)
    sign_in(page, "head")

    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible()
    allocation = page.get_by_role("link", name="Allocation")
    assert not allocation.is_visible()
    shot(page, "home-menu-closed")
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert allocation.is_visible()
    shot(page, "home-menu-open")
    allocation.click()

    assert page.get_by_role("heading", level=1).inner_text() == "Caseloads"
    container = page.locator(".app-table-container").first
    assert container.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls...
    assert page_is_no_wider_than_the_screen(page)  # ...and the page does not
    shot(page, "allocation")
    assert_accessible(page)

    page.goto("/children/?iro=")
    assert page_is_no_wider_than_the_screen(page)
    assert page.get_by_role("searchbox", name="Find a child").is_visible()
    shot(page, "caseload")
    page.get_by_role("searchbox", name="Find a child").fill("Phone1")
    page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_role("link", name="Phone1 Example").is_visible()
    assert page_is_no_wider_than_the_screen(page)
    shot(page, "search")
    assert_accessible(page)
