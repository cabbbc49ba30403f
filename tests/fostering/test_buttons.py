"""Nobody sees a button they cannot use: every action link on a household's page opens
for the person shown it, whatever their role."""

import datetime as dt
import re

import pytest

from fostering.services import carer_review_record, household_approve

D = dt.date
pytestmark = pytest.mark.django_db
PERSONAS = ["iro", "business_support", "head_of_service", "administrator"]


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def action_links(html: str, prefix: str) -> set[str]:
    return {
        href
        for href in re.findall(r'href="([^"]+)"', html)
        if href.startswith(prefix) and href.rstrip("/") != prefix.rstrip("/")
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_action_on_the_household_page_opens_for_whoever_sees_it(
    request, client, persona, business_support
):
    household = household_approve(reference="FC-0101", name="Jo Carer", approved_on=D(2024, 1, 8))
    carer_review_record(
        household=household,
        held_on=D(2024, 12, 9),
        reviewing_officer=None,
        referred_to_panel=True,
        recorded_by=business_support,
    )
    person = request.getfixturevalue(persona)
    user = person.user if persona == "iro" else person
    client.force_login(user)
    for page, prefix in [
        ("/fostering/", "/fostering/new/"),
        ("/fostering/FC-0101/", "/fostering/FC-0101/"),
    ]:
        links = action_links(client.get(page).content.decode(), prefix)
        assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)
    shown = action_links(client.get("/fostering/FC-0101/").content.decode(), "/fostering/FC-0101/")
    may_change = persona in {"business_support", "administrator"}
    may_correct = persona in {"business_support", "head_of_service", "administrator"}
    assert ("/fostering/FC-0101/terms/" in shown) is may_change
    assert ("/fostering/FC-0101/review/" in shown) is may_change
    assert any("/correct/" in link for link in shown) is may_correct
