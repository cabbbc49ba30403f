"""Correcting a child's details in the browser: "Change" links on the record for those who
may, the GOV.UK form with a reason, field-named errors that save nothing, the correction
in the record's history, and a second click on Save saving once."""

import datetime as dt
import html as html_text
import re

import pytest
from django.urls import reverse

from core.forms import DATE_NOT_REAL, STALE_FORM
from core.services import today
from core.submissions import SENT_TWICE, SUBMISSION_FIELD
from iro.models import Child
from iro.services import SAME_NAME_AND_BIRTH, UPN_TAKEN, iro_allocate
from tests.factories import ChildFactory, IROFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
UPN = "B801200005001"  # its check letter is right
TOKEN = re.compile(rf'name="{SUBMISSION_FIELD}" value="([A-Za-z0-9_-]+)"')
SEEN = re.compile(r'name="seen" value="([^"]*)"')


@pytest.fixture
def robin(iro):
    child = ChildFactory(
        child_id="R1", first_name="Robin", last_name="Example", date_of_birth=D(2015, 6, 1)
    )
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
    return child


def url(child) -> str:
    return reverse("children:details_correct", args=[child.child_id])


def record(child) -> str:
    return reverse("children:child_detail", args=[child.child_id])


def drawn(client, child) -> dict:
    """The form as drawn for the person: its one-time token and what they saw."""
    page = client.get(url(child)).content.decode()
    return {
        SUBMISSION_FIELD: TOKEN.findall(page)[-1],
        "seen": html_text.unescape(SEEN.search(page)[1]),
    }


def answers(child, **changes) -> dict:
    born = changes.pop("date_of_birth", child.date_of_birth)
    data = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth_0": str(born.day) if born else "",
        "date_of_birth_1": str(born.month) if born else "",
        "date_of_birth_2": str(born.year) if born else "",
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "upn": child.upn,
        "disability": str(child.disability),
        "reason": "The date of birth was typed wrongly",
    }
    data.update(changes)
    return data


def test_business_support_correct_a_date_of_birth_and_see_it_in_the_records_history(
    client, business_support, robin
):
    client.force_login(business_support)
    page = client.get(record(robin)).content.decode()
    assert f'href="{url(robin)}#id_date_of_birth_0"' in page
    sent = client.post(
        url(robin),
        {**drawn(client, robin), **answers(robin, date_of_birth=D(2015, 1, 6))},
        follow=True,
    )
    html = sent.content.decode()
    assert sent.redirect_chain[-1][0] == f"{record(robin)}#child-details"
    assert "Robin Example's details corrected" in html_text.unescape(html)
    assert "6 January 2015" in html
    assert "Corrections to these details (1)" in html
    assert "The date of birth was typed wrongly" in html
    assert "Date of birth: 1 June 2015 to 6 January 2015" in html
    robin.refresh_from_db()
    assert robin.date_of_birth == D(2015, 1, 6)
    assert robin.history.first().history_user == business_support


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": " "}, "reason", "Enter the reason"),
        ({"date_of_birth_0": "31", "date_of_birth_1": "2"}, "date_of_birth", "must be a real date"),
        (
            {"date_of_birth_0": "99999999999999999999"},
            "date_of_birth",
            DATE_NOT_REAL.format(question="Date of birth"),
        ),
        ({"date_of_birth_2": str(today().year + 1)}, "date_of_birth", "today or in the past"),
        ({"date_of_birth_2": "1950"}, "date_of_birth", "on or after the date 25 years ago"),
        ({"upn": "A801200005001"}, "upn", "first letter is not right"),
        ({"first_name": ""}, "first_name", "Enter the child's first name"),
        ({"sex": "X"}, "sex", "Select a valid choice"),
    ],
)
def test_bad_input_is_named_on_its_field_and_nothing_is_saved(
    client, business_support, robin, changes, field, message
):
    client.force_login(business_support)
    page = client.post(url(robin), {**drawn(client, robin), **answers(robin, **changes)})
    assert page.status_code == 400
    html = page.content.decode()
    assert "govuk-error-summary" in html
    assert f'href="#id_{field}' in html
    assert message in html_text.unescape(html)
    assert Child.objects.get(pk=robin.pk).date_of_birth == D(2015, 6, 1)
    assert robin.history.count() == 1


def test_another_childs_upn_is_refused_on_the_upn(client, business_support, robin):
    ChildFactory(upn=UPN)
    client.force_login(business_support)
    page = client.post(url(robin), {**drawn(client, robin), **answers(robin, upn=UPN)})
    assert page.status_code == 400
    assert UPN_TAKEN.format(upn=UPN) in page.content.decode()
    assert Child.objects.get(pk=robin.pk).upn == ""


def test_the_same_name_and_date_of_birth_as_another_child_asks_to_confirm(
    client, business_support, robin
):
    ChildFactory(first_name="Robin", last_name="Example", date_of_birth=D(2015, 1, 6))
    client.force_login(business_support)
    corrected = answers(robin, date_of_birth=D(2015, 1, 6))
    page = client.post(url(robin), {**drawn(client, robin), **corrected})
    assert page.status_code == 400
    html = page.content.decode()
    assert SAME_NAME_AND_BIRTH in html_text.unescape(html)
    assert 'name="different_child"' in html
    assert 'href="#id_different_child"' in html
    assert Child.objects.get(pk=robin.pk).date_of_birth == D(2015, 6, 1)
    sent = client.post(url(robin), {**drawn(client, robin), **corrected, "different_child": "on"})
    assert sent.status_code == 302
    assert Child.objects.get(pk=robin.pk).date_of_birth == D(2015, 1, 6)


def test_two_clicks_on_save_correct_once(client, business_support, robin):
    client.force_login(business_support)
    data = {**drawn(client, robin), **answers(robin, first_name="Robyn")}
    first = client.post(url(robin), data)
    second = client.post(url(robin), data, follow=True)
    assert first.status_code == 302
    assert SENT_TWICE in [str(m) for m in second.context["messages"]]
    assert robin.history.count() == 2


def test_a_page_drawn_before_someone_elses_correction_is_refused(client, business_support, robin):
    client.force_login(business_support)
    stale = {**drawn(client, robin), **answers(robin, first_name="Robyn")}
    client.post(url(robin), {**drawn(client, robin), **answers(robin, last_name="Sample")})
    page = client.post(url(robin), stale)
    assert page.status_code == 400
    assert STALE_FORM.split(":")[0] in page.content.decode()
    assert Child.objects.get(pk=robin.pk).first_name == "Robin"


def test_an_unborn_childs_birth_is_recorded_from_their_record(client, business_support):
    due = today() + dt.timedelta(days=10)
    baby = ChildFactory(child_id="U1", date_of_birth=None, expected_date_of_birth=due, sex="U")
    client.force_login(business_support)
    page = client.get(record(baby)).content.decode()
    assert "Not born yet" in page
    assert f'href="{url(baby)}#id_date_of_birth_0"' in page
    born = today() - dt.timedelta(days=1)
    data = answers(baby, date_of_birth=born, sex="M", reason="Born a little early")
    data |= {
        "expected_date_of_birth_0": str(due.day),
        "expected_date_of_birth_1": str(due.month),
        "expected_date_of_birth_2": str(due.year),
    }
    sent = client.post(url(baby), {**drawn(client, baby), **data})
    assert sent.status_code == 302
    baby.refresh_from_db()
    assert (baby.date_of_birth, baby.sex) == (born, "M")


def test_who_may_correct_a_childs_details(
    client, robin, iro, business_support, head_of_service, administrator
):
    other_iro = IROFactory(user=UserFactory(username="other"))
    other_iro.user.groups.add(*iro.user.groups.all())
    for user, allowed in [
        (business_support, True),
        (head_of_service, True),
        (administrator, True),
        (iro.user, True),  # the IRO allocated to Robin
        (other_iro.user, False),  # another IRO
    ]:
        client.force_login(user)
        assert client.get(url(robin)).status_code == (200 if allowed else 403)
        page = client.get(record(robin)).content.decode()
        assert (url(robin) in page) is allowed
    client.force_login(other_iro.user)
    sent = client.post(url(robin), answers(robin, first_name="Robyn"))
    assert sent.status_code == 403
    assert Child.objects.get(pk=robin.pk).first_name == "Robin"


def test_an_unborn_childs_expected_date_is_corrected_leaving_the_birth_blank(
    client, business_support
):
    due = today() + dt.timedelta(days=60)
    baby = ChildFactory(child_id="U2", date_of_birth=None, expected_date_of_birth=due, sex="U")
    later = due + dt.timedelta(days=14)
    client.force_login(business_support)
    data = answers(baby, date_of_birth=None, reason="The scan moved the date")
    data |= {"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""}
    data |= {
        "expected_date_of_birth_0": str(later.day),
        "expected_date_of_birth_1": str(later.month),
        "expected_date_of_birth_2": str(later.year),
    }
    sent = client.post(url(baby), {**drawn(client, baby), **data})
    assert sent.status_code == 302
    baby.refresh_from_db()
    assert (baby.date_of_birth, baby.expected_date_of_birth, baby.sex) == (None, later, "U")
