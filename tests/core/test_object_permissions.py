"""Who may act on which record: an IRO acts on the children allocated to them and the
meetings they chair; another IRO is refused (403) on every such page and action, and
sees no button for it; the Head of Service acts on all; business support book and
invite but do not record outcomes."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from core.roles import Role
from tests.core.test_every_url import url_for
from tests.factories import IROFactory

pytestmark = pytest.mark.django_db

# Pages that act on one child's record or one meeting: (URL name, the action's rule).
OBJECT_PAGES = [
    "reviews:review_record",
    "reviews:review_record_booked",
    "reviews:circulation",
    "reviews:contact_record",
    "protection:outcome",
    "disputes:escalate",
    "disputes:respond",
    "disputes:resolve",
    "disputes:cafcass",
    "disputes:withdraw",
]


@pytest.fixture
def other_iro(db):
    """An IRO who holds none of the world's children and chairs none of its meetings."""
    person = IROFactory()
    person.user.groups.add(Group.objects.get(name=Role.IRO.label))
    return person


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_the_iro_who_holds_the_child_or_chairs_the_meeting_may_open_it(client, iro, world, name):
    client.force_login(iro.user)
    assert client.get(url_for(name, world)).status_code == 200


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_another_iro_is_refused(client, other_iro, world, name):
    client.force_login(other_iro.user)
    assert client.get(url_for(name, world)).status_code == 403


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_another_iros_post_changes_nothing(client, other_iro, world, name):
    client.force_login(other_iro.user)
    assert client.post(url_for(name, world), {}).status_code == 403


def test_another_iro_sees_no_button_for_what_they_may_not_do(client, iro, other_iro, world):
    client.force_login(other_iro.user)
    child_page = client.get(f"/children/{world['child']}/").content.decode()
    conference = client.get(f"/protection/conferences/{world['conference']}/").content.decode()
    challenge = client.get(f"/challenges/{world['dispute']}/").content.decode()

    assert "Record a review" not in child_page
    assert "record it</a>" not in child_page
    assert "Record a contact" not in child_page
    assert "Record the outcome" not in conference
    assert "Escalate</a>" not in challenge
    assert "Withdraw the challenge" not in challenge


def test_the_chair_sees_the_buttons(client, iro, world):
    client.force_login(iro.user)
    child_page = client.get(f"/children/{world['child']}/").content.decode()
    conference = client.get(f"/protection/conferences/{world['conference']}/").content.decode()

    assert "Record a review" in child_page
    assert "record it</a>" in child_page
    assert "Record the outcome" in conference


def test_business_support_see_no_record_the_outcome_button(client, business_support, world):
    client.force_login(business_support)
    conference = client.get(f"/protection/conferences/{world['conference']}/").content.decode()
    assert "Record the outcome" not in conference
    assert client.get(url_for("protection:outcome", world)).status_code == 403


def test_a_manager_recording_a_booked_review_leaves_the_chair_as_booked(
    client, head_of_service, iro, world
):
    from django.utils import timezone

    from reviews.models import LookedAfterReview

    yesterday = timezone.now() - dt.timedelta(days=1)
    LookedAfterReview.objects.filter(pk=world["booked"]).update(scheduled_for=yesterday)
    day = timezone.localtime(yesterday).date()
    client.force_login(head_of_service)

    response = client.post(
        url_for("reviews:review_record_booked", world),
        {
            "held_on_0": day.day,
            "held_on_1": day.month,
            "held_on_2": day.year,
            "participation_code": "PN1",
            "child_seen_alone": "yes",
            "permanence_plan": "a",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )

    booked = LookedAfterReview.objects.get(pk=world["booked"])
    assert response.status_code == 302
    assert (booked.status, booked.chair_id) == ("held", iro.pk)
