"""Issue 10, child protection: a referral's section 47 enquiry and a transfer-in notice
are corrected in the browser with a reason, kept in the history, and the conference's
due date is worked out again and shown with its reason; an enquiry entered in error is
withdrawn (kept, with why), except once an initial conference has been held on it."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.submissions import SUBMISSION_FIELD
from protection.models import Section47Enquiry, TransferIn
from protection.selectors import open_deadlines
from protection.services import (
    BOOKED_BEFORE_STRATEGY,
    ENQUIRY_UNCHANGED,
    ENQUIRY_WITHDRAWN,
    HELD_BEFORE_STRATEGY,
    HELD_SO_NEEDED,
    TRANSFER_HELD_BEFORE,
    WITHDRAW_AFTER_ICPC,
    ChildOutcome,
    conference_book,
    conference_record_held,
    section47_correct,
    section47_start,
    section47_withdraw,
    transfer_in_correct,
    transfer_in_notify,
)
from tests.factories import ChildFactory, IROFactory

D = dt.date
pytestmark = pytest.mark.django_db
TOKEN = re.compile(rf'name="{SUBMISSION_FIELD}" value="([A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def winter_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def day(name, d):
    return {f"{name}_0": d.day, f"{name}_1": d.month, f"{name}_2": d.year}


@pytest.fixture
def child():
    return ChildFactory(child_id="E1", first_name="Eve", date_of_birth=D(2015, 1, 1))


@pytest.fixture
def enquiry(child):
    return section47_start(
        child=child, referral_on=D(2026, 10, 30), strategy_discussion_on=D(2026, 11, 2)
    )


def correct_url(enquiry):
    return reverse("protection:enquiry_correct", args=[enquiry.child.child_id, enquiry.pk])


def withdraw_url(enquiry):
    return reverse("protection:enquiry_withdraw", args=[enquiry.child.child_id, enquiry.pk])


REFERRAL = D(2026, 10, 30)


def correction(strategy, *, referral=REFERRAL, needed=True, reason="Typed the wrong day"):
    return {
        **day("referral_on", referral),
        **day("strategy_discussion_on", strategy),
        "icpc_not_required": "false" if needed else "true",
        "reason": reason,
    }


def record(client, child):
    return client.get(reverse("children:child_detail", args=[child.child_id])).content.decode()


def _held_initial(child, *, held_on):
    iro = IROFactory()
    conference = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(
            dt.datetime(held_on.year, held_on.month, held_on.day, 10)
        ),
        venue="Room 1",
        chair=iro,
    )
    return conference_record_held(
        conference=conference,
        held_on=held_on,
        outcomes=[ChildOutcome(child=child, outcome="no_plan")],
        chair=iro,
    )


# Correcting the enquiry -----------------------------------------------------------


def test_correcting_the_strategy_discussion_moves_the_icpc_due_date_and_says_why(
    client, business_support, enquiry, child
):
    assert enquiry.icpc_due == D(2026, 11, 23)
    client.force_login(business_support)
    saved = client.post(correct_url(enquiry), correction(D(2026, 11, 9)), follow=True)
    enquiry.refresh_from_db()
    assert enquiry.strategy_discussion_on == D(2026, 11, 9)
    assert enquiry.icpc_due == D(2026, 11, 30)
    assert enquiry.icpc_due_reason == (
        "15 working days after the strategy discussion on 9 November 2026"
    )
    page = saved.content.decode()
    assert "Section 47 enquiry corrected. Initial conference due by 30 November 2026" in page
    assert "15 working days after the strategy discussion on 9 November 2026" in page
    [deadline] = [d for d in open_deadlines() if d.child_id == "E1"]
    assert deadline.due == D(2026, 11, 30)


def test_the_correction_is_kept_in_the_history_with_who_and_why(
    client, business_support, enquiry, child
):
    client.force_login(business_support)
    client.post(correct_url(enquiry), correction(D(2026, 11, 9)))
    latest, before = enquiry.history.all()[:2]
    assert (latest.history_change_reason, latest.history_user) == (
        "Typed the wrong day",
        business_support,
    )
    assert (before.strategy_discussion_on, latest.strategy_discussion_on) == (
        D(2026, 11, 2),
        D(2026, 11, 9),
    )
    assert "Typed the wrong day" in record(client, child)


def test_saying_no_conference_is_needed_closes_the_clock_and_saying_yes_opens_it(
    business_support, enquiry
):
    section47_correct(
        enquiry=enquiry,
        referral_on=D(2026, 10, 30),
        strategy_discussion_on=D(2026, 11, 2),
        icpc_not_required=True,
        reason="Outcome entered wrongly",
    )
    enquiry.refresh_from_db()
    assert (enquiry.icpc_not_required, enquiry.concluded_on) == (True, D(2026, 11, 2))
    assert not [d for d in open_deadlines() if d.child_id == "E1"]
    section47_correct(
        enquiry=enquiry,
        referral_on=D(2026, 10, 30),
        strategy_discussion_on=D(2026, 11, 2),
        icpc_not_required=False,
        reason="It was needed after all",
    )
    enquiry.refresh_from_db()
    assert (enquiry.icpc_not_required, enquiry.concluded_on) == (False, None)
    assert [d.due for d in open_deadlines() if d.child_id == "E1"] == [D(2026, 11, 23)]


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        (correction(D(2026, 11, 9), reason=""), "reason", "Enter the reason"),
        (
            {
                **correction(D(2026, 11, 9)),
                "strategy_discussion_on_0": "31",
                "strategy_discussion_on_1": "2",
            },
            "strategy_discussion_on",
            "must be a real date",
        ),
        (
            {**correction(D(2026, 11, 9)), "strategy_discussion_on_2": "1890"},
            "strategy_discussion_on",
            "",
        ),
        (correction(D(2026, 12, 9)), "strategy_discussion_on", "in the past"),
        (correction(D(2026, 10, 1)), "strategy_discussion_on", "on or after the referral date"),
        (correction(D(2014, 10, 1), referral=D(2014, 9, 1)), "referral_on", "date of birth"),
        (correction(D(2026, 11, 2)), "strategy_discussion_on", ENQUIRY_UNCHANGED),
    ],
    ids=[
        "no reason",
        "31 February",
        "year out of range",
        "future",
        "before referral",
        "before birth",
        "nothing changed",
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    client, business_support, enquiry, post, field, message
):
    client.force_login(business_support)
    page = client.post(correct_url(enquiry), post)
    assert page.status_code == 400
    form = page.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert f'href="#id_{field}' in page.content.decode()  # the error summary links to it
    enquiry.refresh_from_db()
    assert (enquiry.strategy_discussion_on, enquiry.icpc_due) == (D(2026, 11, 2), D(2026, 11, 23))
    assert enquiry.history.count() == 1


def test_a_correction_putting_a_held_icpc_before_the_strategy_discussion_is_refused(
    client, business_support, enquiry, child
):
    _held_initial(child, held_on=D(2026, 11, 20))
    client.force_login(business_support)
    page = client.post(correct_url(enquiry), correction(D(2026, 11, 24)))
    assert page.status_code == 400
    assert HELD_BEFORE_STRATEGY.format(date="20 November 2026") in page.content.decode()
    with pytest.raises(ValidationError) as caught:
        section47_correct(
            enquiry=enquiry,
            referral_on=None,
            strategy_discussion_on=D(2026, 11, 2),
            icpc_not_required=True,
            reason="x",
        )
    assert caught.value.message_dict["icpc_not_required"] == [
        HELD_SO_NEEDED.format(date="20 November 2026")
    ]
    enquiry.refresh_from_db()
    assert enquiry.strategy_discussion_on == D(2026, 11, 2)


def test_a_correction_on_or_before_the_held_icpc_is_taken_and_the_conference_answers_it(
    business_support, enquiry, child
):
    held = _held_initial(child, held_on=D(2026, 11, 20))
    section47_correct(
        enquiry=enquiry,
        referral_on=D(2026, 10, 30),
        strategy_discussion_on=D(2026, 11, 3),
        icpc_not_required=False,
        reason="Discussion was on the Tuesday",
    )
    entry = held.covered.get()
    assert entry.due_on == D(2026, 11, 24)
    enquiry.refresh_from_db()
    assert enquiry.concluded_on == D(2026, 11, 20)


def test_a_booked_icpc_must_be_moved_before_the_discussion_goes_after_it(enquiry, child):
    """A conference booked for 25 November whose outcome is not yet recorded."""
    conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 11, 25, 10)),
        venue="Room 1",
    )
    with pytest.raises(ValidationError) as caught:
        section47_correct(
            enquiry=enquiry,
            referral_on=D(2026, 10, 30),
            strategy_discussion_on=D(2026, 11, 27),
            icpc_not_required=False,
            reason="x",
        )
    assert caught.value.message_dict["strategy_discussion_on"] == [
        BOOKED_BEFORE_STRATEGY.format(date="25 November 2026")
    ]


def test_two_clicks_on_save_correct_once(client, business_support, enquiry):
    client.force_login(business_support)
    token = TOKEN.findall(client.get(correct_url(enquiry)).content.decode())[-1]
    first = client.post(
        correct_url(enquiry), {**correction(D(2026, 11, 9)), SUBMISSION_FIELD: token}
    )
    second = client.post(
        correct_url(enquiry), {**correction(D(2026, 11, 10)), SUBMISSION_FIELD: token}
    )
    assert (first.status_code, second.status_code) == (302, 302)
    enquiry.refresh_from_db()
    assert enquiry.strategy_discussion_on == D(2026, 11, 9)
    assert enquiry.history.count() == 2


# Who may ---------------------------------------------------------------------------


def test_business_support_see_correct_and_withdraw_on_the_record(
    client, business_support, enquiry, child
):
    client.force_login(business_support)
    page = record(client, child)
    assert correct_url(enquiry) in page
    assert withdraw_url(enquiry) in page


@pytest.mark.parametrize("persona", ["iro", "head_of_service", "no_role"])
def test_others_may_not_correct_or_withdraw_and_see_no_link(
    request, client, enquiry, child, persona
):
    person = request.getfixturevalue(persona)
    client.force_login(person.user if persona == "iro" else person)
    assert client.get(correct_url(enquiry)).status_code == 403
    assert client.post(correct_url(enquiry), correction(D(2026, 11, 9))).status_code == 403
    assert client.post(withdraw_url(enquiry), {"reason": "Wrong child"}).status_code == 403
    if persona != "no_role":
        page = record(client, child)
        assert correct_url(enquiry) not in page
        assert withdraw_url(enquiry) not in page
    enquiry.refresh_from_db()
    assert (enquiry.strategy_discussion_on, enquiry.is_withdrawn) == (D(2026, 11, 2), False)


# Withdrawing ------------------------------------------------------------------------


def test_withdrawing_keeps_the_enquiry_with_why_and_no_conference_falls_due(
    client, business_support, enquiry, child
):
    client.force_login(business_support)
    empty = client.post(withdraw_url(enquiry), {"reason": ""})
    assert empty.status_code == 400
    assert "reason" in empty.context["form"].errors
    assert not Section47Enquiry.all_objects.get(pk=enquiry.pk).is_withdrawn
    saved = client.post(withdraw_url(enquiry), {"reason": "Recorded for the wrong child"})
    assert saved.status_code == 302
    kept = Section47Enquiry.all_objects.get(pk=enquiry.pk)
    assert (kept.withdrawn_reason, kept.withdrawn_by) == (
        "Recorded for the wrong child",
        business_support,
    )
    assert kept.history.first().history_change_reason == "Withdrawn: Recorded for the wrong child"
    assert not Section47Enquiry.objects.filter(pk=enquiry.pk).exists()
    assert not [d for d in open_deadlines() if d.child_id == "E1"]
    page = record(client, child)
    assert "(withdrawn)" in page
    assert "Recorded for the wrong child" in page
    assert correct_url(enquiry) not in page
    refused = client.get(correct_url(enquiry))
    assert refused.status_code == 409
    assert (
        ENQUIRY_WITHDRAWN.format(reason="Recorded for the wrong child") in refused.content.decode()
    )


def test_the_right_enquiry_can_be_entered_again_for_the_same_day_once_withdrawn(enquiry, child):
    section47_withdraw(enquiry=enquiry, reason="Entered twice by mistake")
    again = section47_start(child=child, strategy_discussion_on=D(2026, 11, 2))
    assert again.icpc_due == D(2026, 11, 23)


def test_an_enquiry_with_a_held_icpc_cannot_be_withdrawn_and_the_page_says_why(
    client, business_support, enquiry, child
):
    _held_initial(child, held_on=D(2026, 11, 20))
    client.force_login(business_support)
    why = WITHDRAW_AFTER_ICPC.format(date="20 November 2026")
    page = client.get(withdraw_url(enquiry))
    assert page.status_code == 409
    assert why in page.content.decode()
    assert client.post(withdraw_url(enquiry), {"reason": "Mistake"}).status_code == 409
    assert withdraw_url(enquiry) not in record(client, child)
    with pytest.raises(ValidationError) as caught:
        section47_withdraw(enquiry=enquiry, reason="Mistake")
    assert caught.value.message_dict == {"reason": [why]}
    assert not Section47Enquiry.all_objects.get(pk=enquiry.pk).is_withdrawn


# A transfer-in notice ------------------------------------------------------------------


@pytest.fixture
def transfer(child):
    return transfer_in_notify(child=child, notified_on=D(2026, 11, 2), from_council="Northshire")


def transfer_url(transfer):
    return reverse("protection:transfer_in_correct", args=[transfer.child.child_id, transfer.pk])


def notice(d, council="Southshire", reason="Letter was dated the 9th"):
    return {**day("notified_on", d), "from_council": council, "reason": reason}


def test_correcting_the_notice_moves_the_transfer_in_conference_due_date(
    client, business_support, transfer, child
):
    assert transfer.conference_due == D(2026, 11, 23)
    client.force_login(business_support)
    page = record(client, child)
    assert transfer_url(transfer) in page
    saved = client.post(transfer_url(transfer), notice(D(2026, 11, 9)), follow=True)
    transfer.refresh_from_db()
    assert (transfer.notified_on, transfer.from_council) == (D(2026, 11, 9), "Southshire")
    assert transfer.conference_due == D(2026, 11, 30)
    text = saved.content.decode()
    assert "Transfer in corrected. Transfer-in conference due by 30 November 2026" in text
    assert "15 working days after notification of the transfer on 9 November 2026" in text
    latest = transfer.history.first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Letter was dated the 9th",
        business_support,
    )
    assert [d.due for d in open_deadlines() if d.child_id == "E1"] == [D(2026, 11, 30)]


def test_a_booked_transfer_in_conference_answers_the_corrected_notice(transfer, child):
    conference = conference_book(
        kind="transfer_in",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 12, 3, 10)),
        venue="Room 1",
    )
    transfer_in_correct(
        transfer=transfer, notified_on=D(2026, 11, 9), from_council="Northshire", reason="Date"
    )
    conference.refresh_from_db()
    assert conference.transfer_notified_on == D(2026, 11, 9)
    assert conference.covered.get().due_on == D(2026, 11, 30)


@pytest.mark.parametrize(
    ("post", "field"),
    [
        (notice(D(2026, 11, 9), reason=""), "reason"),
        (notice(D(2026, 11, 9), council=""), "from_council"),
        ({**notice(D(2026, 11, 9)), "notified_on_0": "32"}, "notified_on"),
        (notice(D(2027, 1, 4)), "notified_on"),
        (notice(D(2026, 11, 2), council="Northshire"), "notified_on"),
    ],
    ids=["no reason", "no council", "day 32", "future", "nothing changed"],
)
def test_a_bad_notice_correction_names_the_field_and_saves_nothing(
    client, business_support, transfer, post, field
):
    client.force_login(business_support)
    page = client.post(transfer_url(transfer), post)
    assert page.status_code == 400
    assert field in page.context["form"].errors
    transfer.refresh_from_db()
    assert (transfer.notified_on, transfer.conference_due) == (D(2026, 11, 2), D(2026, 11, 23))
    assert transfer.history.count() == 1


def test_a_notice_after_the_held_transfer_in_conference_is_refused(transfer, child):
    iro = IROFactory()
    conference = conference_book(
        kind="transfer_in",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 11, 20, 10)),
        venue="Room 1",
        chair=iro,
    )
    conference_record_held(
        conference=conference,
        held_on=D(2026, 11, 20),
        outcomes=[ChildOutcome(child=child, outcome="plan_started", category="NEG")],
        chair=iro,
    )
    transfer.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        transfer_in_correct(
            transfer=transfer, notified_on=D(2026, 11, 24), from_council="Northshire", reason="x"
        )
    assert caught.value.message_dict["notified_on"] == [
        TRANSFER_HELD_BEFORE.format(date="20 November 2026")
    ]


@pytest.mark.parametrize("persona", ["iro", "head_of_service"])
def test_others_may_not_correct_a_notice_and_see_no_link(request, client, transfer, child, persona):
    person = request.getfixturevalue(persona)
    client.force_login(person.user if persona == "iro" else person)
    assert client.post(transfer_url(transfer), notice(D(2026, 11, 9))).status_code == 403
    assert transfer_url(transfer) not in record(client, child)
    assert TransferIn.objects.get().notified_on == D(2026, 11, 2)


def test_two_clicks_on_save_correct_the_notice_once(client, business_support, transfer):
    client.force_login(business_support)
    token = TOKEN.findall(client.get(transfer_url(transfer)).content.decode())[-1]
    client.post(transfer_url(transfer), {**notice(D(2026, 11, 9)), SUBMISSION_FIELD: token})
    client.post(transfer_url(transfer), {**notice(D(2026, 11, 10)), SUBMISSION_FIELD: token})
    transfer.refresh_from_db()
    assert transfer.notified_on == D(2026, 11, 9)
    assert transfer.history.count() == 2


def test_the_admin_lists_a_withdrawn_enquiry_read_only(client, enquiry):
    from tests.factories import UserFactory

    section47_withdraw(enquiry=enquiry, reason="Entered for the wrong child")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listed = client.get(reverse("admin:protection_section47enquiry_changelist"))
    assert "E1" in listed.content.decode()
    page = client.get(reverse("admin:protection_section47enquiry_change", args=[enquiry.pk]))
    assert page.status_code == 200
    assert "Entered for the wrong child" in page.content.decode()
    assert 'name="withdrawn_reason"' not in page.content.decode()
