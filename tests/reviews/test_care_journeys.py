"""Starting, changing and ending a period of care in the browser. Each save checks the
DfE's episode rules the return is checked with, and says what review is now due, and why."""

import datetime as dt

import pytest
from django.urls import reverse

from iro.services import iro_allocate
from reviews.models import Episode, LookedAfterReview, PeriodOfCare
from reviews.rules import episode_rule_problems, reason_new_episode_for
from reviews.services import care_change, care_end, care_start, lac_review_book
from tests.factories import ChildFactory
from tests.reviews.test_services import refused

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def robin():
    return ChildFactory(child_id="R1", first_name="Robin", date_of_birth=D(2015, 6, 1))


FIRST_OF_DECEMBER = D(2026, 12, 1)
BORN = D(2015, 6, 1)


def start(child, on=FIRST_OF_DECEMBER, **extra):
    values = {
        "started_on": on,
        "legal_status": "C1",
        "category_of_need": "N1",
        "placement": "U4",
        "placement_provider": "PR1",
    }
    return care_start(child=child, **{**values, **extra})


def rules(episode, previous=None, born=BORN):
    base = {
        "started_on": D(2026, 12, 1),
        "reason_new_episode": "S",
        "legal_status": "C2",
        "placement": "U4",
        "placement_provider": "PR1",
    }
    return [
        field
        for field, _ in episode_rule_problems(
            {**base, **episode}, previous=previous, date_of_birth=born
        )
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ((True, False, False), "L"),
        ((False, True, False), "P"),
        ((False, True, True), "T"),
        ((True, True, True), "U"),
        ((True, True, False), "B"),
    ],
)
def test_each_change_has_the_reason_for_new_episode_the_ssda903_gives_it(changes, reason):
    legal, place, same = changes
    assert (
        reason_new_episode_for(legal_status_changes=legal, placement_changes=place, same_carer=same)
        == reason
    )


def test_the_dfe_episode_rules_are_checked_at_entry():
    assert rules({"started_on": D(2015, 5, 1)}) == ["started_on"]  # 302, before birth
    assert rules({"started_on": D(2034, 1, 1)}) == ["started_on"]  # 352, aged 18
    assert rules({"reason_new_episode": "P"}) == ["reason_new_episode"]  # 357
    assert rules({"placement": "T1"}) == ["placement"]  # 380
    assert rules({"placement": "P1", "legal_status": "V2"}) == ["legal_status"]  # 378
    before = {
        "ended_on": D(2026, 12, 1),
        "reason_ceased": "X1",
        "legal_status": "C2",
        "placement": "U4",
        "placement_provider": "PR1",
        "reason_place_change": "",
    }
    # 434: a change of legal status only, but the placement changed too.
    assert rules({"reason_new_episode": "L", "legal_status": "C2"}, before) == ["legal_status"]
    # 225: a placement change needs its reason on the episode that ends.
    assert rules({"reason_new_episode": "P", "placement": "U1"}, before) == ["reason_place_change"]
    # 433: a change starts the day the last episode ended.
    assert rules(
        {"reason_new_episode": "L", "legal_status": "C1", "started_on": D(2026, 12, 2)}, before
    ) == ["started_on"]
    # 431: a new start the day the last period ended.
    assert rules({}, {**before, "reason_ceased": "E13"}) == ["started_on"]


def test_starting_care_starts_the_clock_twenty_working_days_on(robin):
    period = start(robin)
    assert period.started_on == D(2026, 12, 1)
    assert period.next_review_due == D(2026, 12, 31)
    assert period.next_review_reason == "20 working days after entering care on 1 December 2026"
    episode = Episode.objects.get(child=robin)
    assert (episode.reason_new_episode, episode.legal_status) == ("S", "C1")


def test_care_cannot_start_twice_before_birth_or_in_the_future(robin):
    refused(lambda: start(robin, on=D(2026, 12, 3)), "started_on")
    refused(lambda: start(robin, on=D(2015, 5, 1)), "started_on")
    start(robin)
    [message] = refused(lambda: start(robin, on=D(2026, 12, 2)), "started_on")
    assert message.startswith("Robin Example is already looked after (since 1 December 2026)")


def test_a_change_of_placement_ends_the_episode_and_starts_the_next_with_rne_p(robin):
    start(robin, on=D(2026, 11, 2))
    refused(
        lambda: care_change(
            child=robin,
            changed_on=D(2026, 12, 1),
            legal_status="C1",
            placement="U1",
            placement_provider="PR1",
        ),
        "reason_place_change",
    )
    period = care_change(
        child=robin,
        changed_on=D(2026, 12, 1),
        legal_status="C1",
        placement="U1",
        placement_provider="PR1",
        reason_place_change="CARPL",
    )
    first, second = Episode.objects.filter(child=robin).order_by("started_on")
    assert (first.ended_on, first.reason_ceased, first.reason_place_change) == (
        D(2026, 12, 1),
        "X1",
        "CARPL",
    )
    assert (second.reason_new_episode, second.placement, second.category_of_need) == (
        "P",
        "U1",
        "N1",
    )
    assert PeriodOfCare.objects.get(child=robin).pk == period.pk
    assert period.ended_on is None


def test_a_change_of_legal_status_is_rne_l_and_nothing_changing_is_refused(robin):
    start(robin, on=D(2026, 11, 2))
    refused(
        lambda: care_change(
            child=robin,
            changed_on=D(2026, 12, 1),
            legal_status="C1",
            placement="U4",
            placement_provider="PR1",
        ),
        "legal_status",
    )
    care_change(
        child=robin,
        changed_on=D(2026, 12, 1),
        legal_status="C2",
        placement="U4",
        placement_provider="PR1",
    )
    assert Episode.objects.filter(child=robin).latest("started_on").reason_new_episode == "L"


def test_the_end_of_care_closes_the_period_and_cancels_the_booking(iro, robin):
    start(robin, on=D(2026, 11, 2))
    booked = lac_review_book(
        child=robin,
        scheduled_for=dt.datetime(2026, 12, 10, 10, tzinfo=dt.UTC),
        venue="Civic Centre",
        chair=iro,
    )
    refused(
        lambda: care_end(child=robin, ended_on=D(2026, 12, 1), reason_ceased="X1"), "reason_ceased"
    )
    # 389: an 11-year-old does not move to adult social care.
    refused(
        lambda: care_end(child=robin, ended_on=D(2026, 12, 1), reason_ceased="E7"), "reason_ceased"
    )
    period = care_end(child=robin, ended_on=D(2026, 12, 1), reason_ceased="E4A")
    assert (period.ended_on, period.next_review_due) == (D(2026, 12, 1), None)
    booked.refresh_from_db()
    assert booked.status == LookedAfterReview.Status.CANCELLED
    assert (
        booked.cancellation_reason == "Robin Example stopped being looked after on 1 December 2026"
    )


def _dates(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_business_support_records_an_entry_to_care_and_is_told_the_first_review_due(
    client, business_support, robin
):
    client.force_login(business_support)
    question = lambda slug: reverse("reviews:care_question", args=["R1", "start", slug])  # noqa: E731
    check = reverse("reviews:care_check", args=["R1", "start"])
    too_soon = client.post(question("date"), _dates("started_on", D(2015, 1, 1)))
    assert too_soon.status_code == 400
    [error] = too_soon.context["form"].errors["started_on"]
    assert "Robin Example's date of birth, 1 June 2015" in error
    steps = [
        ("date", _dates("started_on", D(2026, 12, 1)), question("legal-status")),
        ("legal-status", {"legal_status": "C1"}, question("need")),
        ("need", {"category_of_need": "N1"}, question("placement")),
        ("placement", {"placement": "U4", "placement_provider": "PR1"}, check),
    ]
    for slug, data, next_url in steps:
        answered = client.post(question(slug), data)
        assert answered.status_code == 302, answered.content.decode()
        assert answered["Location"] == next_url
    assert not Episode.objects.exists()  # nothing saved before the check page
    page = client.get(check).content.decode()
    assert "1 December 2026" in page
    assert "C1: interim care order" in page
    saved = client.post(check)
    assert saved.status_code == 302
    record = client.get(saved["Location"]).content.decode()
    assert (
        "First review due by 31 December 2026: 20 working days after entering care on "
        "1 December 2026."
    ) in record


def test_a_change_asks_only_the_questions_for_what_changed(client, iro, robin):
    iro_allocate(child=robin, iro=iro, started_on=D(2026, 11, 2))
    start(robin, on=D(2026, 11, 2))
    client.force_login(iro.user)
    question = lambda slug: reverse("reviews:care_question", args=["R1", "change", slug])  # noqa: E731
    check = reverse("reviews:care_check", args=["R1", "change"])
    what = client.post(
        question("what"), {"changes": "legal_status", **_dates("changed_on", D(2026, 12, 1))}
    )
    assert what["Location"] == question("legal-status")
    assert client.post(question("legal-status"), {"legal_status": "C2"})["Location"] == check
    assert "Where is Robin placed now?" not in client.get(check).content.decode()
    assert client.post(check).status_code == 302
    assert Episode.objects.filter(child=robin).latest("started_on").reason_new_episode == "L"


def test_only_business_support_and_the_childs_iro_record_care(client, head_of_service, robin):
    client.force_login(head_of_service)
    url = reverse("reviews:care_question", args=["R1", "start", "date"])
    assert client.get(url).status_code == 403
