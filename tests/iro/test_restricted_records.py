"""Restricted records ("break glass"): a sealed record, or a member of staff's child,
opens without a reason only for the child's IRO and managers. Anyone else gives a reason
first; every page of the record they then open is audited with it; a search does not
tell them who the record is about."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from core.models import AccessEvent
from core.roles import Role
from core.services import today
from iro.restricted import ENTER_REASON, ENTER_RESTRICTION_REASON
from iro.services import RESTRICTION_UNCHANGED, child_restriction_set, iro_allocate
from tests.factories import ChildFactory, IROFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_child(iro, head_of_service):
    child = ChildFactory(child_id="R100", first_name="Sealed", last_name="Person")
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
    return child_restriction_set(
        child=child, restricted=True, reason="A member of staff's child", by=head_of_service
    )


@pytest.fixture
def other_iro(db):
    profile = IROFactory(user=UserFactory(username="other"))
    profile.user.groups.add(Group.objects.get(name=Role.IRO.label))
    return profile


def record(child):
    return f"/children/{child.child_id}/"


def test_the_childs_iro_and_managers_open_it_without_a_reason(
    client, iro, head_of_service, administrator, restricted_child
):
    for user in (iro.user, head_of_service, administrator):
        client.force_login(user)
        page = client.get(record(restricted_child))
        assert page.status_code == 200, user.username
        assert "Restricted record: A member of staff&#x27;s child" in page.content.decode()


def test_anyone_else_is_asked_why_before_any_page_of_the_record(
    client, other_iro, business_support, restricted_child
):
    for user in (other_iro.user, business_support):
        client.force_login(user)
        for path in (record(restricted_child), f"{record(restricted_child)}access/"):
            asked = client.get(path)
            assert asked.status_code == 302, (user.username, path)
            assert asked["Location"].startswith(f"{record(restricted_child)}restricted/?next=")
    asked = client.get(f"{record(restricted_child)}restricted/?next={record(restricted_child)}")
    html = asked.content.decode()
    assert "This record is restricted" in html
    assert "Sealed" not in html and "Person" not in html, "the page does not name the child"


def test_an_empty_reason_is_refused_by_name(client, business_support, restricted_child):
    client.force_login(business_support)
    refused = client.post(f"{record(restricted_child)}restricted/", {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["error_list"] == [("id_reason", ENTER_REASON)]
    assert client.get(record(restricted_child)).status_code == 302, "still closed"


def test_with_a_reason_the_record_opens_and_every_page_read_keeps_the_reason(
    client, business_support, restricted_child
):
    client.force_login(business_support)
    opened = client.post(
        f"{record(restricted_child)}restricted/?next={record(restricted_child)}",
        {"reason": "Booking the review the IRO asked for"},
    )
    assert opened.status_code == 302 and opened["Location"] == record(restricted_child)
    assert client.get(record(restricted_child)).status_code == 200
    reads = AccessEvent.objects.filter(child_ref="R100", username="support")
    assert reads.exists()
    assert {e.reason for e in reads} == {"Booking the review the IRO asked for"}


def test_the_reason_lasts_only_a_while(client, settings, business_support, restricted_child):
    settings.OVERSIGHT_BREAK_GLASS_MINUTES = 0
    client.force_login(business_support)
    client.post(f"{record(restricted_child)}restricted/", {"reason": "Booking the review"})
    assert client.get(record(restricted_child)).status_code == 302, "asked again"


def test_a_search_finds_a_restricted_record_only_by_its_id_and_without_its_details(
    client, other_iro, iro, restricted_child
):
    client.force_login(other_iro.user)
    by_name = client.get("/search/", {"q": "Sealed"}).content.decode()
    assert "R100" not in by_name
    by_id = client.get("/search/", {"q": "R100"}).content.decode()
    assert "Restricted record" in by_id and "Sealed" not in by_id

    client.force_login(iro.user)
    assert "Sealed Person" in client.get("/search/", {"q": "Sealed"}).content.decode()


def test_managers_restrict_and_lift_with_a_reason_kept_in_the_history(
    client, head_of_service, business_support, iro
):
    child = ChildFactory(child_id="R200")
    client.force_login(business_support)
    assert client.get(f"/children/{child.child_id}/restriction/").status_code == 403

    client.force_login(head_of_service)
    saved = client.post(
        f"/children/{child.child_id}/restriction/",
        {"restricted": "yes", "reason": "Record sealed after adoption"},
    )
    assert saved.status_code == 302
    child.refresh_from_db()
    assert child.restricted and child.restricted_reason == "Record sealed after adoption"
    lifted = child_restriction_set(
        child=child, restricted=False, reason="Sealed in error", by=head_of_service
    )
    assert not lifted.restricted and lifted.restricted_reason == ""
    reasons = [h.history_change_reason for h in child.history.order_by("history_id")]
    assert reasons[-2:] == [
        "Restricted: Record sealed after adoption",
        "Restriction lifted: Sealed in error",
    ]


def test_restricting_says_what_is_wrong_and_saves_nothing(head_of_service):
    child = ChildFactory(child_id="R300")
    with pytest.raises(ValidationError) as refused:
        child_restriction_set(child=child, restricted=False, reason="", by=head_of_service)
    assert refused.value.message_dict == {
        "reason": [ENTER_RESTRICTION_REASON],
        "restricted": [RESTRICTION_UNCHANGED.format(state="not restricted")],
    }
    child.refresh_from_db()
    assert not child.restricted


def test_the_api_gives_a_restricted_record_only_to_managers_and_the_childs_iro(
    client, iro, business_support, head_of_service, restricted_child
):
    def ids(user):
        client.force_login(user)
        response = client.get("/api/v1/children/")
        assert response.status_code == 200
        return {row["child_id"] for row in response.json()["results"]}

    assert "R100" in ids(iro.user)
    assert "R100" in ids(head_of_service)
    assert "R100" not in ids(business_support)
