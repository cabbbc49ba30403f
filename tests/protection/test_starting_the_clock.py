"""Starting the ICPC clock: a referral's strategy discussion and section 47 enquiry, and
a transfer in, recorded through question pages and a check-your-answers page."""

import datetime as dt

import pytest
from django.urls import reverse

from protection.forms import STRATEGY_BEFORE_REFERRAL
from protection.models import Section47Enquiry, TransferIn
from protection.rules import before_birth, conference_before_enquiry, enquiry_before_referral
from protection.selectors import open_deadlines
from protection.services import (
    ENQUIRY_TWICE,
    TRANSFER_OPEN,
    section47_start,
    transfer_in_notify,
)
from tests.factories import ChildFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def winter_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def date_post(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def dates(referral_on, strategy_discussion_on):
    return {
        **date_post("referral_on", referral_on),
        **date_post("strategy_discussion_on", strategy_discussion_on),
    }


# The pure rules (CIN census rules 8615, 1104/2889), shared with the census reader


def test_an_initial_conference_before_the_strategy_discussion_is_wrong():
    assert conference_before_enquiry(D(2026, 3, 1), D(2026, 3, 2)) == (
        "1 March 2026 is before the strategy discussion that started the enquiry (2 March 2026)"
    )
    assert conference_before_enquiry(D(2026, 3, 2), D(2026, 3, 2)) is None


def test_an_enquiry_cannot_start_before_its_referral():
    assert enquiry_before_referral(D(2026, 3, 1), D(2026, 3, 2)) is not None
    assert enquiry_before_referral(D(2026, 3, 2), D(2026, 3, 2)) is None


def test_a_date_before_birth_is_wrong_only_for_a_born_child():
    assert before_birth(D(2015, 1, 1), date_of_birth=D(2015, 6, 1)) is not None
    assert before_birth(D(2015, 1, 1), date_of_birth=None) is None


# The service


def test_an_enquiry_records_its_referral_and_its_conference_due_date_with_the_reason():
    child = ChildFactory()
    enquiry = section47_start(
        child=child, referral_on=D(2026, 11, 2), strategy_discussion_on=D(2026, 11, 3)
    )
    assert (enquiry.referral_on, enquiry.icpc_due) == (D(2026, 11, 2), D(2026, 11, 24))
    assert enquiry.icpc_due_reason == (
        "15 working days after the strategy discussion on 3 November 2026"
    )


def test_a_strategy_discussion_before_the_referral_is_refused():
    child = ChildFactory()
    with pytest.raises(Exception) as exc:
        section47_start(
            child=child, referral_on=D(2026, 11, 5), strategy_discussion_on=D(2026, 11, 3)
        )
    assert "strategy_discussion_on" in exc.value.message_dict
    assert not Section47Enquiry.objects.exists()


def test_a_strategy_discussion_before_a_born_child_was_born_is_refused():
    child = ChildFactory(date_of_birth=D(2026, 6, 1))
    with pytest.raises(Exception) as exc:
        section47_start(child=child, strategy_discussion_on=D(2026, 5, 1))
    assert "before the child was born" in " ".join(exc.value.message_dict["strategy_discussion_on"])


def test_an_unborn_childs_enquiry_may_be_before_the_birth():
    child = ChildFactory(date_of_birth=None, expected_date_of_birth=D(2027, 2, 1))
    enquiry = section47_start(child=child, strategy_discussion_on=D(2026, 11, 3))
    assert enquiry.icpc_due == D(2026, 11, 24)


def test_a_transfer_in_starts_the_transfer_in_conference_clock():
    child = ChildFactory(child_id="T1")
    transfer = transfer_in_notify(
        child=child, notified_on=D(2026, 11, 16), from_council="Northshire County Council"
    )
    assert transfer.conference_due == D(2026, 12, 7)
    assert transfer.conference_due_reason == (
        "15 working days after notification of the transfer on 16 November 2026"
    )
    deadline = next(d for d in open_deadlines() if d.child_id == "T1")
    assert (deadline.due, deadline.rule) == (D(2026, 12, 7), "transfer_in")


def test_a_second_open_transfer_in_is_refused():
    child = ChildFactory()
    transfer_in_notify(child=child, notified_on=D(2026, 11, 16), from_council="Northshire")
    with pytest.raises(Exception) as exc:
        transfer_in_notify(child=child, notified_on=D(2026, 11, 20), from_council="Southshire")
    expected = TRANSFER_OPEN.format(council="Northshire", date="16 November 2026")
    assert exc.value.message_dict["notified_on"] == [expected]
    assert TransferIn.objects.count() == 1


# The pages


def test_business_support_answer_the_questions_check_them_and_see_the_due_date(
    client, business_support
):
    child = ChildFactory(child_id="R1")
    client.force_login(business_support)
    first = reverse("protection:referral", args=["R1"])
    response = client.post(
        first,
        {
            **date_post("referral_on", D(2026, 11, 2)),
            **date_post("strategy_discussion_on", D(2026, 11, 3)),
        },
    )
    assert response["Location"] == reverse("protection:referral_outcome", args=["R1"])
    response = client.post(response["Location"], {"icpc_needed": "yes"})
    check = reverse("protection:referral_check", args=["R1"])
    assert response["Location"] == check
    page = client.get(check).content.decode()
    assert "2 November 2026" in page and "3 November 2026" in page
    assert not Section47Enquiry.objects.exists()  # nothing saved before the check
    response = client.post(check, {}, follow=True)
    enquiry = Section47Enquiry.objects.get(child=child)
    assert (enquiry.referral_on, enquiry.icpc_not_required) == (D(2026, 11, 2), False)
    assert (
        "Initial conference due by 24 November 2026: 15 working days after the strategy "
        "discussion on 3 November 2026" in response.content.decode()
    )


def test_a_strategy_discussion_before_the_referral_is_refused_on_the_question_page(
    client, business_support
):
    ChildFactory(child_id="R2")
    client.force_login(business_support)
    response = client.post(
        reverse("protection:referral", args=["R2"]),
        {
            **date_post("referral_on", D(2026, 11, 5)),
            **date_post("strategy_discussion_on", D(2026, 11, 3)),
        },
    )
    assert response.status_code == 400
    assert STRATEGY_BEFORE_REFERRAL.format(date="5 November 2026") in response.content.decode()


def test_a_future_strategy_discussion_is_refused_naming_the_field(client, business_support):
    ChildFactory(child_id="R3")
    client.force_login(business_support)
    response = client.post(
        reverse("protection:referral", args=["R3"]),
        {
            **date_post("referral_on", D(2026, 11, 5)),
            **date_post("strategy_discussion_on", D(2026, 12, 3)),
        },
    )
    assert (
        "Date of the strategy discussion must be today or in the past" in response.content.decode()
    )


def test_an_enquiry_already_recorded_is_refused_on_the_check_page_with_nothing_saved(
    client, business_support
):
    child = ChildFactory(child_id="R4")
    section47_start(child=child, strategy_discussion_on=D(2026, 11, 3))
    client.force_login(business_support)
    client.post(
        reverse("protection:referral", args=["R4"]),
        {
            **date_post("referral_on", D(2026, 11, 2)),
            **date_post("strategy_discussion_on", D(2026, 11, 3)),
        },
    )
    client.post(reverse("protection:referral_outcome", args=["R4"]), {"icpc_needed": "yes"})
    response = client.post(reverse("protection:referral_check", args=["R4"]), {})
    assert response.status_code == 400
    assert ENQUIRY_TWICE.format(date="3 November 2026") in response.content.decode()
    assert Section47Enquiry.objects.count() == 1


def test_an_enquiry_needing_no_conference_starts_no_clock(client, business_support):
    child = ChildFactory(child_id="R5")
    client.force_login(business_support)
    client.post(
        reverse("protection:referral", args=["R5"]),
        {
            **date_post("referral_on", D(2026, 11, 2)),
            **date_post("strategy_discussion_on", D(2026, 11, 3)),
        },
    )
    client.post(reverse("protection:referral_outcome", args=["R5"]), {"icpc_needed": "no"})
    response = client.post(reverse("protection:referral_check", args=["R5"]), {}, follow=True)
    enquiry = Section47Enquiry.objects.get(child=child)
    assert (enquiry.icpc_not_required, enquiry.concluded_on) == (True, D(2026, 11, 3))
    assert "No initial conference is needed" in response.content.decode()


def test_a_transfer_in_is_recorded_through_its_check_page(client, business_support):
    child = ChildFactory(child_id="R6")
    client.force_login(business_support)
    response = client.post(
        reverse("protection:transfer_in", args=["R6"]),
        {**date_post("notified_on", D(2026, 11, 16)), "from_council": "Northshire"},
    )
    response = client.post(response["Location"], {}, follow=True)
    assert TransferIn.objects.get(child=child).conference_due == D(2026, 12, 7)
    assert "Transfer-in conference due by 7 December 2026" in response.content.decode()


def test_hostile_text_in_the_council_name_is_shown_as_text(client, business_support):
    ChildFactory(child_id="R7")
    client.force_login(business_support)
    client.post(
        reverse("protection:transfer_in", args=["R7"]),
        {**date_post("notified_on", D(2026, 11, 16)), "from_council": "<script>x()</script>"},
    )
    page = client.get(reverse("protection:transfer_in_check", args=["R7"])).content.decode()
    assert "<script>x()</script>" not in page and "&lt;script&gt;" in page


def test_a_transfer_in_conference_answers_the_notice_and_closes_it_when_held():
    from django.utils import timezone

    from protection.services import ChildOutcome, conference_book, conference_record_held

    child = ChildFactory(child_id="T2")
    transfer = transfer_in_notify(child=child, notified_on=D(2026, 11, 16), from_council="North")
    conference = conference_book(
        kind="transfer_in",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 11, 30, 10)),
        venue="Civic Centre",
    )
    assert conference.transfer_notified_on == D(2026, 11, 16)
    entry = conference.covered.get()
    assert (entry.due_on, entry.due_rule) == (D(2026, 12, 7), "transfer_in")
    conference_record_held(
        conference=conference,
        held_on=D(2026, 11, 30),
        outcomes=[ChildOutcome(child, "plan_started", "NEG")],
    )
    transfer.refresh_from_db()
    assert transfer.concluded_on == D(2026, 11, 30)
    assert not [d for d in open_deadlines() if d.child_id == "T2" and d.rule == "transfer_in"]


def test_a_transfer_in_conference_before_the_notice_is_refused():
    from django.utils import timezone

    from protection.services import BOOKED_BEFORE_TRANSFER, conference_book

    child = ChildFactory(child_id="T3", first_name="Ari", last_name="Example")
    transfer_in_notify(child=child, notified_on=D(2026, 11, 16), from_council="North")
    with pytest.raises(Exception) as exc:
        conference_book(
            kind="transfer_in",
            children=[child],
            scheduled_for=timezone.make_aware(dt.datetime(2026, 11, 13, 10)),
            venue="Civic Centre",
        )
    assert exc.value.message_dict["date"] == [
        BOOKED_BEFORE_TRANSFER.format(name="Ari Example", date="16 November 2026")
    ]


def test_the_booking_page_takes_the_notice_date_from_the_recorded_transfer(
    client, business_support, iro
):
    child = ChildFactory(child_id="T4")
    transfer_in_notify(child=child, notified_on=D(2026, 11, 16), from_council="North")
    client.force_login(business_support)
    url = reverse("protection:conference_book") + "?kind=transfer_in&child=T4"
    assert "transfer_notified_on" not in client.get(url).content.decode()
    client.post(
        url,
        {
            "children": ["T4"],
            **date_post("date", D(2026, 12, 3)),
            "time": "10:00",
            "venue": "Civic Centre",
            "chair": iro.pk,
        },
    )
    from protection.models import ChildProtectionConference

    assert ChildProtectionConference.objects.get().transfer_notified_on == D(2026, 11, 16)
