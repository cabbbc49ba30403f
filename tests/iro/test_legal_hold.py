"""Legal hold (iro.services.child_legal_hold_set): set and cleared with a reason by the
Head of Service or an administrator, kept in the child's history, from a small form page
linked from the child's record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iro.services import HOLD_ALREADY_SET, HOLD_NOT_SET, child_legal_hold_set
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_child_put_on_legal_hold_keeps_the_reason_the_day_and_who_in_history():
    child = ChildFactory(first_name="Robin")
    head = UserFactory(username="head-of-service")

    child_legal_hold_set(
        child=child, on=True, reason="Civil claim against the council", by=head, as_of=D(2026, 3, 2)
    )

    child.refresh_from_db()
    assert child.legal_hold
    assert child.legal_hold_reason == "Civil claim against the council"
    assert child.legal_hold_set_on == D(2026, 3, 2)
    latest = child.history.latest()
    assert latest.history_user == head
    assert latest.history_change_reason == "Civil claim against the council"


def test_taking_a_child_off_legal_hold_clears_it_and_keeps_why_in_history():
    child = ChildFactory()
    child_legal_hold_set(child=child, on=True, reason="Inquiry")

    child_legal_hold_set(child=child, on=False, reason="Inquiry closed")

    child.refresh_from_db()
    assert not child.legal_hold
    assert child.legal_hold_reason == ""
    assert child.legal_hold_set_on is None
    assert child.history.latest().history_change_reason == "Inquiry closed"
    assert child.history.filter(legal_hold=True).exists()


def test_a_legal_hold_needs_a_reason():
    child = ChildFactory()

    with pytest.raises(ValidationError) as excinfo:
        child_legal_hold_set(child=child, on=True, reason="  ")

    assert excinfo.value.message_dict == {"reason": ["Enter the reason"]}
    child.refresh_from_db()
    assert not child.legal_hold


def test_a_child_already_on_hold_is_not_put_on_it_again_nor_one_off_it_taken_off():
    child = ChildFactory(first_name="Robin", last_name="Example")
    with pytest.raises(ValidationError) as excinfo:
        child_legal_hold_set(child=child, on=False, reason="Done")
    assert excinfo.value.messages == [HOLD_NOT_SET.format(child="Robin Example")]

    child_legal_hold_set(child=child, on=True, reason="Inquiry")
    with pytest.raises(ValidationError) as excinfo:
        child_legal_hold_set(child=child, on=True, reason="Inquiry")
    assert excinfo.value.messages == [HOLD_ALREADY_SET.format(child="Robin Example")]


def test_the_head_of_service_puts_a_child_on_legal_hold_from_the_record(client, head_of_service):
    child = ChildFactory(child_id="H1", first_name="Robin", last_name="Example")
    client.force_login(head_of_service)
    record = reverse("children:child_detail", args=["H1"])
    hold = reverse("children:legal_hold", args=["H1"])

    assert hold in client.get(record).content.decode()
    response = client.post(hold, {"reason": "Court case"}, follow=True)

    assert response.redirect_chain[-1][0] == f"{record}#child-details"
    assert "Robin Example is on legal hold" in response.content.decode()
    child.refresh_from_db()
    assert child.legal_hold
    assert "On legal hold since" in response.content.decode()
    assert "Take off legal hold" in client.get(record).content.decode()


def test_an_administrator_may_set_a_legal_hold(client, administrator):
    ChildFactory(child_id="H1")
    client.force_login(administrator)

    assert client.get(reverse("children:legal_hold", args=["H1"])).status_code == 200


@pytest.mark.parametrize("persona", ["iro", "business_support"])
def test_an_iro_or_business_support_cannot_set_a_legal_hold(client, persona, request):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    child = ChildFactory(child_id="H1")
    client.force_login(user)

    assert (
        client.post(reverse("children:legal_hold", args=["H1"]), {"reason": "x"}).status_code == 403
    )
    assert (
        reverse("children:legal_hold", args=["H1"])
        not in client.get(reverse("children:child_detail", args=["H1"])).content.decode()
    )
    child.refresh_from_db()
    assert not child.legal_hold
