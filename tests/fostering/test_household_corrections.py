"""A foster household's reference or carers' names are corrected with a reason, kept in
its history; a reference already taken or malformed is refused on the field and nothing
is saved; the household's pages move to the new reference, and the old one leads there
until another household takes it."""

import datetime as dt
import html as html_text
import re

import pytest
from django.core.exceptions import ValidationError

from core.submissions import SENT_TWICE, SUBMISSION_FIELD
from fostering.models import FosterCarerHousehold
from fostering.services import (
    DETAILS_UNCHANGED,
    NAME_REQUIRED,
    REFERENCE_FORMAT,
    REFERENCE_TAKEN,
    household_approve,
    household_details_correct,
)
from fostering.views import MOVED

D = dt.date
pytestmark = pytest.mark.django_db
TOKEN = re.compile(rf'name="{SUBMISSION_FIELD}" value="([A-Za-z0-9_-]+)"')
SEEN = re.compile(r'name="seen" value="([^"]*)"')


@pytest.fixture
def household():
    return household_approve(reference="FC-0101", name="Jo Carer", approved_on=D(2023, 6, 5))


def drawn(client, reference: str) -> dict:
    page = client.get(f"/fostering/{reference}/details/").content.decode()
    return {
        SUBMISSION_FIELD: TOKEN.findall(page)[-1],
        "seen": html_text.unescape(SEEN.search(page)[1]),
    }


def test_a_corrected_reference_and_name_are_kept_in_the_households_history(
    household, business_support
):
    household_details_correct(
        household=household,
        reference="FC-0110",
        name="Jo and Sam Carer",
        reason="Reference typed wrongly; Sam approved with Jo",
        by=business_support,
    )
    household.refresh_from_db()
    assert (household.reference, household.name) == ("FC-0110", "Jo and Sam Carer")
    latest = household.history.first()
    assert latest.history_change_reason == "Reference typed wrongly; Sam approved with Jo"
    assert latest.history_user == business_support


@pytest.mark.parametrize(
    ("reference", "name", "reason", "field", "message"),
    [
        ("FC 0110", "Jo Carer", "Typo", "reference", REFERENCE_FORMAT),
        ("=1+2", "Jo Carer", "Typo", "reference", REFERENCE_FORMAT),
        ("new", "Jo Carer", "Typo", "reference", REFERENCE_FORMAT),
        ("FC-0202", "Jo Carer", "Typo", "reference", None),
        ("fc-0202", "Jo Carer", "Typo", "reference", None),
        ("FC-0110", " ", "Typo", "name", NAME_REQUIRED),
        ("FC-0110", "Jo Carer", " ", "reason", "Enter the reason"),
        ("FC-0101", "Jo Carer", "Checking", "reference", DETAILS_UNCHANGED),
    ],
)
def test_a_bad_correction_is_refused_on_its_field_and_nothing_is_saved(
    household, reference, name, reason, field, message
):
    other = household_approve(reference="FC-0202", name="Al Carer", approved_on=D(2023, 1, 5))
    message = message or REFERENCE_TAKEN.format(reference=other.reference, name=other.name)
    with pytest.raises(ValidationError) as excinfo:
        household_details_correct(
            household=household, reference=reference, name=name, reason=reason
        )
    assert excinfo.value.message_dict[field] == [message]
    household.refresh_from_db()
    assert (household.reference, household.name) == ("FC-0101", "Jo Carer")
    assert household.history.count() == 1


def test_a_household_may_correct_the_letter_case_of_its_own_reference(household):
    household_details_correct(
        household=household, reference="fc-0101", name="Jo Carer", reason="Case"
    )
    assert FosterCarerHousehold.objects.get(pk=household.pk).reference == "fc-0101"


def test_business_support_correct_the_reference_and_the_page_moves_to_it(
    client, household, business_support
):
    client.force_login(business_support)
    page = client.get("/fostering/FC-0101/").content.decode()
    assert 'href="/fostering/FC-0101/details/#id_reference"' in page
    sent = client.post(
        "/fostering/FC-0101/details/",
        {
            **drawn(client, "FC-0101"),
            "reference": "FC-0110",
            "name": "Jo Carer",
            "reason": "The reference was typed wrongly",
        },
        follow=True,
    )
    assert sent.redirect_chain[-1][0] == "/fostering/FC-0110/"
    html = html_text.unescape(sent.content.decode())
    assert "Jo Carer (FC-0110) corrected" in html
    assert "Corrections to these details (1)" in html
    assert "Reference: FC-0101 to FC-0110" in html
    assert "The reference was typed wrongly" in html


def test_the_old_reference_leads_to_the_household_until_another_takes_it(
    client, household, business_support
):
    household_details_correct(
        household=household, reference="FC-0110", name="Jo Carer", reason="Typo"
    )
    client.force_login(business_support)
    old = client.get("/fostering/FC-0101/", follow=True)
    assert old.redirect_chain == [("/fostering/FC-0110/", 302)]
    assert MOVED.format(old="FC-0101", new="FC-0110") in html_text.unescape(old.content.decode())
    # Pages that act on the household are only at its reference.
    assert client.get("/fostering/FC-0101/details/").status_code == 404
    newcomer = household_approve(reference="FC-0101", name="Al Carer", approved_on=D(2024, 1, 5))
    page = client.get("/fostering/FC-0101/")
    assert page.status_code == 200
    assert page.context["household"] == newcomer
    assert client.get("/fostering/FC-9999/").status_code == 404


def test_a_taken_reference_is_named_on_the_page_and_nothing_is_saved(
    client, household, business_support
):
    household_approve(reference="FC-0202", name="Al Carer", approved_on=D(2023, 1, 5))
    client.force_login(business_support)
    page = client.post(
        "/fostering/FC-0101/details/",
        {**drawn(client, "FC-0101"), "reference": "FC-0202", "name": "Jo Carer", "reason": "x"},
    )
    assert page.status_code == 400
    html = html_text.unescape(page.content.decode())
    assert 'href="#id_reference"' in html
    assert "A household with reference FC-0202 already exists: Al Carer" in html
    assert FosterCarerHousehold.objects.get(pk=household.pk).reference == "FC-0101"


def test_two_clicks_on_save_correct_once(client, household, business_support):
    client.force_login(business_support)
    data = {**drawn(client, "FC-0101"), "reference": "FC-0110", "name": "Jo Carer", "reason": "x"}
    first = client.post("/fostering/FC-0101/details/", data)
    second = client.post("/fostering/FC-0101/details/", data, follow=True)
    assert first.status_code == 302
    assert SENT_TWICE in [str(m) for m in second.context["messages"]]
    assert household.history.count() == 2


def test_only_those_who_record_households_may_correct_them(
    client, household, business_support, iro, head_of_service, administrator
):
    for user, allowed in [
        (business_support, True),
        (administrator, True),
        (head_of_service, False),
        (iro.user, False),
    ]:
        client.force_login(user)
        assert client.get("/fostering/FC-0101/details/").status_code == (200 if allowed else 403)
        page = client.get("/fostering/FC-0101/").content.decode()
        assert ("/fostering/FC-0101/details/" in page) is allowed
    client.force_login(iro.user)
    sent = client.post(
        "/fostering/FC-0101/details/", {"reference": "FC-0110", "name": "Jo", "reason": "x"}
    )
    assert sent.status_code == 403
    assert FosterCarerHousehold.objects.get(pk=household.pk).reference == "FC-0101"
