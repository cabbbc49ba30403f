"""Nobody sees a button they cannot use: every action link on a challenge's page opens for
the person shown it, whatever their role, open or closed."""

import datetime as dt
import re

import pytest

from disputes.models import DisputeLevel
from disputes.services import dispute_escalate, dispute_raise, dispute_withdraw
from tests.factories import ChildFactory

D = dt.date
pytestmark = pytest.mark.django_db
PERSONAS = ["iro", "business_support", "head_of_service", "administrator"]


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.mark.parametrize("closed", [False, True])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_action_on_the_challenge_page_opens_for_whoever_sees_it(
    request, client, persona, iro, closed
):
    dispute = dispute_raise(
        child=ChildFactory(), raised_by=iro, raised_on=D(2025, 5, 1), category="drift", summary="x"
    )
    dispute_escalate(
        dispute=dispute,
        level=DisputeLevel.objects.get(rank=1),
        addressee="Pat Manager",
        started_on=D(2025, 5, 6),
    )
    if closed:
        dispute_withdraw(dispute=dispute, withdrawn_on=D(2025, 5, 9), reason="Resolved by talking")
    person = request.getfixturevalue(persona)
    client.force_login(person.user if persona == "iro" else person)
    page = f"/challenges/{dispute.pk}/"
    html = client.get(page).content.decode()
    links = {h for h in re.findall(r'href="([^"]+)"', html) if h.startswith(page) and h != page}
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)
    assert any("/correct/" in link for link in links) is (persona != "business_support")
    if persona == "business_support":
        assert links == set()
