"""Business support add a child, born or unborn, question by question, check their
answers, and are shown any child who may be the same before saving."""

import datetime as dt

import pytest

from core.services import today
from iro.models import Child, Family
from iro.rules import CHILD_ID_CHARACTERS, CHILD_ID_TOO_LONG, UPN_WRONG_CHECK_LETTER
from iro.services import SAME_NAME_AND_BIRTH
from tests.factories import ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db

FIRST_NAME_NEEDED = "Enter the child's first name"
TOO_LONG_AGO = "Date of birth must be on or after the date 25 years ago"


def date_parts(day):
    return {"date_0": str(day.day), "date_1": str(day.month), "date_2": str(day.year)}


def answer(client, step, data):
    response = client.post(f"/children/new/{step}/", data)
    assert response.status_code == 302, response.context and response.context["error_list"]
    return response["Location"]


def born_child(client, *, child_id="NEW1", upn="B801200005001", family=None, born=None):
    client.get("/children/new/")
    assert answer(client, "name", {"first_name": "Robin", "last_name": "Example"}).endswith(
        "/born/"
    )
    assert answer(client, "born", {"born": "yes"}).endswith("/date/")
    assert answer(client, "date", date_parts(born or dt.date(2016, 4, 2))).endswith("/sex/")
    assert answer(client, "sex", {"sex": "F"}).endswith("/ethnicity/")
    assert answer(client, "ethnicity", {"ethnicity": "WBRI"}).endswith("/identifiers/")
    answer(client, "identifiers", {"child_id": child_id, "upn": upn})
    return answer(client, "family", family or {"family": "none"})


def test_a_born_child_is_checked_then_saved_and_the_record_opens(client, business_support):
    client.force_login(business_support)
    assert born_child(client).endswith("/children/new/check/")
    check = client.get("/children/new/check/")
    rows = {q: a for q, a, _ in check.context["rows"]}
    assert rows["Date of birth"] == "2 April 2016"
    assert rows["UPN"] == "B801200005001"
    assert not Child.objects.filter(child_id="NEW1").exists()  # nothing saved yet
    saved = client.post("/children/new/check/", {})
    assert saved["Location"] == "/children/NEW1/"
    child = Child.objects.get(child_id="NEW1")
    assert (child.full_name, child.date_of_birth, child.sex) == (
        "Robin Example",
        dt.date(2016, 4, 2),
        "F",
    )


def test_a_child_id_of_twenty_characters_is_saved_whole(client, business_support):
    """RULES.md convention 13: LAchildID may be up to 20 characters (CIN rule 1570)."""
    client.force_login(business_support)
    born_child(client, child_id="DfEX0000001-ABCDEFGH")
    saved = client.post("/children/new/check/", {})
    assert saved["Location"] == "/children/DfEX0000001-ABCDEFGH/"
    assert Child.objects.filter(child_id="DfEX0000001-ABCDEFGH").exists()


def test_an_unborn_child_is_asked_the_expected_date_and_not_their_sex(client, business_support):
    client.force_login(business_support)
    client.get("/children/new/")
    answer(client, "name", {"first_name": "Baby", "last_name": "Example"})
    assert answer(client, "born", {"born": "no"}).endswith("/date/")
    page = client.get("/children/new/date/")
    assert "When is the baby due?" in page.content.decode()
    due = today() + dt.timedelta(days=60)
    assert answer(client, "date", date_parts(due)).endswith("/ethnicity/")
    answer(client, "ethnicity", {"ethnicity": "NOBT"})
    answer(client, "identifiers", {"child_id": "UNB1", "upn": ""})
    family = FamilyFactory(reference="FAM9")
    answer(client, "family", {"family": "existing", "existing_reference": "FAM9"})
    client.post("/children/new/check/", {})
    child = Child.objects.get(child_id="UNB1")
    assert (child.date_of_birth, child.expected_date_of_birth, child.sex) == (None, due, "U")
    assert child.family == family


def test_a_new_family_is_made_with_the_child(client, business_support):
    client.force_login(business_support)
    born_child(client, family={"family": "new", "new_name": "Example", "new_reference": "FNEW"})
    client.post("/children/new/check/", {})
    assert Child.objects.get(child_id="NEW1").family == Family.objects.get(reference="FNEW")


@pytest.mark.parametrize(
    ("step", "data", "field", "message"),
    [
        (
            "name",
            {"first_name": " ", "last_name": ""},
            "first_name",
            "Enter the child's first name",
        ),
        ("identifiers", {"child_id": "A B<", "upn": ""}, "child_id", CHILD_ID_CHARACTERS),
        ("identifiers", {"child_id": "=1+2", "upn": ""}, "child_id", CHILD_ID_CHARACTERS),
        ("identifiers", {"child_id": "-12", "upn": ""}, "child_id", CHILD_ID_CHARACTERS),
        ("identifiers", {"child_id": "D" * 21, "upn": ""}, "child_id", CHILD_ID_TOO_LONG),
        ("identifiers", {"child_id": "OK1", "upn": "A801200005001"}, "upn", UPN_WRONG_CHECK_LETTER),
        (
            "date",
            date_parts(dt.date(1990, 1, 1)),
            "date",
            "Date of birth must be on or after the date 25 years ago",
        ),
        (
            "family",
            {"family": "existing", "existing_reference": "NOPE"},
            "existing_reference",
            "There is no family with the reference NOPE",
        ),
    ],
)
def test_a_bad_answer_is_refused_naming_the_field(
    client, business_support, step, data, field, message
):
    client.force_login(business_support)
    client.get("/children/new/")
    response = client.post(f"/children/new/{step}/", data)
    assert response.status_code == 400
    assert any(
        anchor.startswith(f"id_{field}") and text.startswith(message)
        for anchor, text in response.context["error_list"]
    )


def test_an_expected_date_a_year_ahead_is_refused(client, business_support):
    client.force_login(business_support)
    client.get("/children/new/")
    answer(client, "born", {"born": "no"})
    response = client.post("/children/new/date/", date_parts(today() + dt.timedelta(days=365)))
    assert response.status_code == 400
    assert (
        "Expected date of birth must be on or before the date 10 months from today"
        in response.content.decode()
    )


def test_the_same_council_child_id_or_upn_is_refused_with_a_link_to_the_child(
    client, business_support
):
    ChildFactory(child_id="OLD1", first_name="Other")
    ChildFactory(child_id="OLD3", upn="B801200005001", first_name="Another")
    client.force_login(business_support)
    born_child(client, child_id="OLD1")
    check = client.get("/children/new/check/")
    body = check.content.decode()
    assert "This child is already in Oversight" in body
    assert 'href="/children/OLD1/"' in body
    assert "has the UPN B801200005001" in body
    assert client.post("/children/new/check/", {}).status_code == 400
    assert Child.objects.count() == 2


def test_the_same_name_and_birth_date_is_shown_and_saved_only_when_confirmed(
    client, business_support
):
    ChildFactory(
        child_id="OLD2", first_name="Robin", last_name="EXAMPLE", date_of_birth=dt.date(2016, 4, 2)
    )
    client.force_login(business_support)
    born_child(client, upn="")
    check = client.get("/children/new/check/")
    assert 'href="/children/OLD2/"' in check.content.decode()
    refused = client.post("/children/new/check/", {})
    assert refused.status_code == 400
    assert ("id_different_child", SAME_NAME_AND_BIRTH) in refused.context["error_list"]
    assert not Child.objects.filter(child_id="NEW1").exists()
    saved = client.post("/children/new/check/", {"different_child": "on"})
    assert saved["Location"] == "/children/NEW1/"


def test_changing_an_answer_returns_to_the_check(client, business_support):
    client.force_login(business_support)
    born_child(client)
    back = client.post("/children/new/name/?change=1", {"first_name": "Sam", "last_name": "X"})
    assert back["Location"] == "/children/new/check/"


def test_hostile_text_is_shown_as_text(client, business_support):
    client.force_login(business_support)
    client.get("/children/new/")
    answer(client, "name", {"first_name": "<script>alert(1)</script>", "last_name": "X"})
    body = client.get("/children/new/check/").content.decode()
    assert "&lt;script&gt;" in body and "<script>alert(1)" not in body


def test_the_head_of_service_and_iros_do_not_add_children(client, head_of_service, iro):
    for user in (head_of_service, iro.user):
        client.force_login(user)
        assert client.get("/children/new/").status_code == 403
