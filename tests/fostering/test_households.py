"""Adding a foster household in the browser, changing its terms and ending its approval.

Business support answer two question pages, check their answers, then save; the page says
when the first review is due and why. Bad input is refused whole with a message naming
the field; nothing is half-saved.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.forms import DATE_NOT_BEFORE, DATE_NOT_IN_FUTURE
from fostering.models import ApprovalTermsChange, FosterCarerHousehold
from fostering.services import (
    AGE_ORDER,
    ALREADY_ENDED,
    END_BEFORE_REVIEW,
    REFERENCE_FORMAT,
    REFERENCE_TAKEN,
    TERMS_UNCHANGED,
    carer_review_record,
    household_approval_end,
    household_approve,
    household_terms_change,
)

D = dt.date
APPROVED = D(2025, 3, 4)
EARLIER = D(2024, 6, 3)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def details(reference="FC-0201", approved_on=APPROVED, **extra):
    return {
        "reference": reference,
        "name": "Alex and Sam Carer",
        **date_fields("approved_on", approved_on),
        **extra,
    }


TERMS = {"places": "2", "age_from": "0", "age_to": "11", "care_types": ["short_term", "emergency"]}


def refused(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[field])


def approve(reference="FC-0101", approved_on=EARLIER, **extra):
    return household_approve(reference=reference, name="Jo Carer", approved_on=approved_on, **extra)


# Adding a household


def test_business_support_add_a_household_checking_their_answers_before_it_is_saved(
    client, business_support
):
    client.force_login(business_support)
    assert "Add a foster household" in client.get("/fostering/").content.decode()

    page = client.post("/fostering/new/", details())
    assert page.status_code == 302 and page["Location"] == "/fostering/new/terms/"
    page = client.post("/fostering/new/terms/", TERMS)
    assert page["Location"] == "/fostering/new/check/"
    assert not FosterCarerHousehold.objects.exists()

    check = client.get("/fostering/new/check/").content.decode()
    assert "Check your answers before adding the household" in check
    assert "FC-0201" in check and "4 March 2025" in check
    assert "Emergency, Short-term" in check
    assert "The first review will be due by <strong>4 March 2026</strong>" in check

    # Change: the question page shows the answers given, to change them.
    again = client.get("/fostering/new/").content.decode()
    assert 'value="FC-0201"' in again

    saved = client.post("/fostering/new/check/", follow=True)
    household = FosterCarerHousehold.objects.get()
    assert (household.places, household.age_from, household.age_to) == (2, 0, 11)
    assert household.care_types == ["emergency", "short_term"]
    assert household.next_review_due == D(2026, 3, 4)
    assert household.terms_summary == "Up to 2 children aged 0 to 11; emergency, short-term"
    html = saved.content.decode()
    assert (
        "First review due by 4 March 2026: to panel within a year of approval on 4 March 2025."
    ) in html
    assert "Up to 2 children aged 0 to 11; emergency, short-term" in html
    # The answers are forgotten: a second press of the button adds nothing.
    client.post("/fostering/new/check/")
    assert FosterCarerHousehold.objects.count() == 1


def test_an_approval_in_the_future_is_refused_naming_the_field(client, business_support):
    client.force_login(business_support)
    page = client.post("/fostering/new/", details(approved_on=D(2025, 6, 3)))
    assert page.status_code == 400
    assert DATE_NOT_IN_FUTURE.format(question="Date of approval") in page.content.decode()
    assert "There is a problem" in page.content.decode()


def test_a_reference_already_used_is_refused_with_the_household_that_has_it(
    client, business_support
):
    approve("FC-0201")
    client.force_login(business_support)
    page = client.post("/fostering/new/", details(reference="fc-0201"))
    assert page.status_code == 400
    assert REFERENCE_TAKEN.format(reference="FC-0201", name="Jo Carer") in (page.content.decode())


def test_a_reference_taken_while_the_answers_were_checked_is_refused_at_saving(
    client, business_support
):
    client.force_login(business_support)
    client.post("/fostering/new/", details())
    client.post("/fostering/new/terms/", TERMS)
    approve("FC-0201")  # someone else, meanwhile
    page = client.get("/fostering/new/check/")
    assert "You have not finished adding the household" in page.content.decode()
    again = client.get("/fostering/new/")
    assert REFERENCE_TAKEN.format(reference="FC-0201", name="Jo Carer") in (again.content.decode())
    assert FosterCarerHousehold.objects.count() == 1


def test_the_check_page_sends_back_to_the_questions_not_yet_answered(client, business_support):
    client.force_login(business_support)
    page = client.get("/fostering/new/check/")
    assert page.status_code == 200
    assert 'href="/fostering/new/"' in page.content.decode()
    client.post("/fostering/new/", details())
    assert 'href="/fostering/new/terms/"' in client.get("/fostering/new/check/").content.decode()
    assert client.post("/fostering/new/check/").status_code == 200
    assert not FosterCarerHousehold.objects.exists()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({**TERMS, "age_from": "12", "age_to": "5"}, AGE_ORDER),
        ({**TERMS, "places": "0"}, "Number of children must be 1 or more"),
        ({**TERMS, "places": "two"}, "Number of children must be a whole number"),
        ({**TERMS, "care_types": ["<script>"]}, "Select a valid choice"),
        ({**TERMS, "care_types": []}, "Choose at least one kind of care"),
        ({**TERMS, "age_to": ""}, "Enter both the youngest and the oldest age, or neither"),
    ],
)
def test_terms_that_make_no_sense_are_refused(client, business_support, terms, message):
    client.force_login(business_support)
    page = client.post("/fostering/new/terms/", terms)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_a_reference_that_could_not_be_an_address_is_refused():
    for reference in ["new", "FC/01", "FC 01", "<b>"]:
        assert refused(lambda r=reference: approve(r), "reference") == REFERENCE_FORMAT


def test_only_business_support_and_administrators_may_add_a_household(
    client, iro, head_of_service, administrator
):
    for user, status in [(iro.user, 403), (head_of_service, 403), (administrator, 200)]:
        client.force_login(user)
        assert client.get("/fostering/new/").status_code == status
        assert client.post("/fostering/new/check/").status_code == status
        listed = client.get("/fostering/").content.decode()
        assert ("Add a foster household" in listed) is (status == 200)


# Changing the terms of approval


def test_a_change_of_terms_is_kept_with_what_they_were_and_the_review_does_not_move(
    client, business_support
):
    household = approve(places=2, age_from=0, age_to=18, care_types=["long_term"])
    client.force_login(business_support)
    page = client.post(
        "/fostering/FC-0101/terms/",
        {
            **date_fields("changed_on", D(2025, 5, 1)),
            "places": "3",
            "age_from": "0",
            "age_to": "18",
            "care_types": ["long_term"],
            "conditions": "Including sibling groups",
            "reason": "The panel recommended approval for a sibling group.",
        },
        follow=True,
    )
    html = page.content.decode()
    assert "The next review is still due by 3 June 2025" in html
    change = ApprovalTermsChange.objects.get()
    assert change.terms_before == "Up to 2 children aged 0 to 18; long-term"
    assert change.terms_after == (
        "Up to 3 children aged 0 to 18; long-term; Including sibling groups"
    )
    assert change.recorded_by == business_support
    assert "The panel recommended approval for a sibling group." in html
    household.refresh_from_db()
    assert household.places == 3
    assert household.next_review_due == D(2025, 6, 3)


def test_a_change_of_terms_must_change_something_and_not_be_before_approval():
    household = approve(places=2, age_from=0, age_to=18, care_types=["long_term"])

    def change(**extra):
        return household_terms_change(
            household=household,
            **{
                "changed_on": D(2025, 5, 1),
                "reason": "Review",
                "places": 2,
                "age_from": 0,
                "age_to": 18,
                "care_types": ["long_term"],
                **extra,
            },
        )

    assert refused(change, "places") == TERMS_UNCHANGED
    assert "before the household was approved" in refused(
        lambda: change(changed_on=D(2024, 1, 1), places=1), "changed_on"
    )
    assert refused(lambda: change(places=1, reason=" "), "reason") == "Enter the reason"
    assert not ApprovalTermsChange.objects.exists()


def test_the_change_page_refuses_a_date_before_approval_naming_it(client, business_support):
    approve()
    client.force_login(business_support)
    page = client.post(
        "/fostering/FC-0101/terms/",
        {**date_fields("changed_on", D(2024, 1, 1)), **TERMS, "reason": "Review"},
    )
    assert page.status_code == 400
    assert (
        DATE_NOT_BEFORE.format(
            question="Date the terms changed", what="the date of approval", date="3 June 2024"
        )
        in page.content.decode()
    )


# Ending the approval


def test_ending_the_approval_keeps_why_and_stops_the_review_clock(client, business_support):
    household = approve()
    client.force_login(business_support)
    page = client.post(
        "/fostering/FC-0101/end/",
        {
            "kind": "resigned",
            **date_fields("ended_on", D(2025, 5, 30)),
            "reason": "The carers retired.",
        },
        follow=True,
    )
    html = page.content.decode()
    assert "Approval ended on 30 May 2025." in html
    assert "the carers resigned" in html and "The carers retired." in html
    household.refresh_from_db()
    assert household.next_review_due is None
    assert household.approval_end_kind == "resigned"
    # Nothing more can be done to an ended approval, and no button offers it.
    assert "Change the terms of approval" not in html and "Record a review" not in html
    assert client.get("/fostering/FC-0101/end/").status_code == 404
    assert refused(
        lambda: household_approval_end(
            household=household, ended_on=D(2025, 6, 1), kind="terminated", reason="x"
        ),
        "ended_on",
    ) == ALREADY_ENDED.format(date="30 May 2025")


def test_an_approval_cannot_end_before_a_review_held_or_without_a_reason():
    household = approve()
    carer_review_record(
        household=household,
        held_on=D(2025, 5, 20),
        reviewing_officer=None,
        referred_to_panel=True,
    )
    assert refused(
        lambda: household_approval_end(
            household=household, ended_on=D(2025, 5, 1), kind="terminated", reason="Decision"
        ),
        "ended_on",
    ) == END_BEFORE_REVIEW.format(date="20 May 2025")
    assert "reason" in refused_all(
        lambda: household_approval_end(
            household=household, ended_on=D(2025, 5, 25), kind="nonsense", reason=""
        )
    )
    household.refresh_from_db()
    assert household.approval_ended_on is None


def refused_all(call):
    with pytest.raises(ValidationError) as exc:
        call()
    assert "kind" in exc.value.message_dict
    return exc.value.message_dict


def test_people_without_the_change_permission_see_no_button_and_are_refused(
    client, iro, head_of_service
):
    approve()
    for user in (iro.user, head_of_service):
        client.force_login(user)
        html = client.get("/fostering/FC-0101/").content.decode()
        assert "Change the terms of approval" not in html
        assert "End the approval" not in html
        assert client.get("/fostering/FC-0101/terms/").status_code == 403
        assert client.post("/fostering/FC-0101/end/", {}).status_code == 403


def test_the_answers_kept_between_pages_are_only_the_questions_asked(client, business_support):
    client.force_login(business_support)
    client.post("/fostering/new/", {**details(), "is_superuser": "1", "x" * 50: "y" * 5000})
    kept = client.session["fostering.new_household"]["household"]
    assert set(kept) == {"reference", "name", "approved_on_0", "approved_on_1", "approved_on_2"}


def test_two_people_saving_the_same_reference_at_once_keep_one_household(monkeypatch):
    from fostering import services

    approve("FC-0301")
    # The second saw no household when it checked: the database refuses it all the same.
    monkeypatch.setattr(services, "reference_problem", lambda reference: None)
    message = refused(lambda: approve("FC-0301"), "reference")
    assert message == services.REFERENCE_TAKEN_NOW.format(reference="FC-0301")
    assert FosterCarerHousehold.objects.filter(reference="FC-0301").count() == 1
