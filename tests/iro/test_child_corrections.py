"""Correcting a child's own details (iro.services.child_details_correct): checked as a new
child is, kept in the child's history with who and why, and nothing saved when refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.services import today
from iro.models import Child
from iro.rules import UPN_WRONG_CHECK_LETTER
from iro.selectors import child_details_history
from iro.services import (
    BORN_IN_FUTURE,
    BORN_STAYS_BORN,
    BORN_TOO_LONG_AGO,
    CHILD_DETAILS,
    DETAILS_UNCHANGED,
    SAME_NAME_AND_BIRTH,
    UNBORN_SEX,
    UPN_TAKEN,
    child_details_correct,
)
from reviews.services import episode_record, lac_review_record
from tests.factories import ChildFactory, UserFactory
from worklists.birth_checks import BORN_AFTER_CARE, BORN_AFTER_REVIEW, CODE_CONTRADICTED

pytestmark = pytest.mark.django_db

D = dt.date
# A UPN whose check letter is right (iro.rules.upn_check_letter).
GOOD_UPN = "B801200005001"


def details(child: Child, **changes) -> dict:
    return {**{f: getattr(child, f) for f in CHILD_DETAILS}, **changes}


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_a_corrected_date_of_birth_is_saved_and_kept_in_history_with_who_and_why():
    child = ChildFactory(first_name="Robin", date_of_birth=D(2015, 6, 1))
    clerk = UserFactory(username="clerk")
    child_details_correct(
        child=child,
        **details(child, date_of_birth=D(2015, 1, 6)),
        reason="Day and month typed the wrong way round",
        by=clerk,
    )
    child.refresh_from_db()
    assert child.date_of_birth == D(2015, 1, 6)
    [entry] = child_details_history(child=child, fields=CHILD_DETAILS)
    assert entry.reason == "Day and month typed the wrong way round"
    assert entry.by == clerk
    assert entry.changes == [("Date of birth", "1 June 2015", "6 January 2015")]


def test_every_detail_can_be_corrected_at_once_and_each_change_is_listed():
    child = ChildFactory(first_name="Robn", last_name="Exmple", sex="F", ethnicity="NOBT")
    child_details_correct(
        child=child,
        **details(
            child,
            first_name="Robin",
            last_name="Example",
            sex="M",
            ethnicity="WBRI",
            upn=GOOD_UPN.lower(),
            disability=True,
        ),
        reason="Spelling and codes from the school's records",
    )
    child.refresh_from_db()
    assert (child.full_name, child.sex, child.ethnicity, child.upn, child.disability) == (
        "Robin Example",
        "M",
        "WBRI",
        GOOD_UPN,
        True,
    )
    [entry] = child_details_history(child=child, fields=CHILD_DETAILS)
    assert [what for what, _, _ in entry.changes] == [
        "First name",
        "Last name",
        "Sex",
        "Ethnicity",
        "UPN",
        "Disability",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": None}, "date_of_birth", BORN_STAYS_BORN),
        ({"first_name": "  "}, "first_name", "Enter the child's first name"),
        ({"sex": "X"}, "sex", "Sex 'X' is not a recognised code"),
        ({"ethnicity": "ZZZZ"}, "ethnicity", "Ethnicity 'ZZZZ' is not a recognised code"),
        ({"upn": "A801200005001"}, "upn", UPN_WRONG_CHECK_LETTER),
    ],
)
def test_a_wrong_detail_is_refused_on_its_field_and_nothing_is_saved(changes, field, message):
    child = ChildFactory(first_name="Robin")
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(child=child, **details(child, **changes), reason="Fixing it")
    assert message in errors_of(excinfo)[field]
    assert Child.objects.get(pk=child.pk).first_name == "Robin"
    assert child.history.count() == 1


def test_a_date_of_birth_in_the_future_or_absurdly_long_ago_is_refused():
    child = ChildFactory()
    for born, message in [
        (today() + dt.timedelta(days=1), BORN_IN_FUTURE),
        (D(1990, 1, 1), BORN_TOO_LONG_AGO.split(" {date}")[0]),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            child_details_correct(child=child, **details(child, date_of_birth=born), reason="x")
        assert message in errors_of(excinfo)["date_of_birth"][0]
    assert Child.objects.get(pk=child.pk).date_of_birth == D(2015, 6, 1)


def test_a_reason_is_needed():
    child = ChildFactory()
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(child=child, **details(child, first_name="New"), reason="  ")
    assert errors_of(excinfo)["reason"] == ["Enter the reason"]


def test_nothing_changed_is_said_rather_than_saved():
    child = ChildFactory()
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(child=child, **details(child), reason="Checking")
    assert errors_of(excinfo)["first_name"] == [DETAILS_UNCHANGED]
    assert child.history.count() == 1


def test_another_childs_upn_is_refused():
    ChildFactory(upn=GOOD_UPN)
    child = ChildFactory()
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(child=child, **details(child, upn=GOOD_UPN), reason="School's UPN")
    assert errors_of(excinfo)["upn"] == [UPN_TAKEN.format(upn=GOOD_UPN)]
    assert Child.objects.get(pk=child.pk).upn == ""


def test_the_same_name_and_date_of_birth_as_another_child_needs_a_person_to_confirm():
    ChildFactory(first_name="Robin", last_name="Example", date_of_birth=D(2015, 1, 6))
    child = ChildFactory(first_name="Robin", last_name="Example", date_of_birth=D(2015, 6, 1))
    corrected = details(child, date_of_birth=D(2015, 1, 6))
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(child=child, **corrected, reason="Typed wrongly")
    assert errors_of(excinfo)["different_child"] == [SAME_NAME_AND_BIRTH]
    child_details_correct(child=child, **corrected, reason="Typed wrongly", different_child=True)
    assert Child.objects.get(pk=child.pk).date_of_birth == D(2015, 1, 6)


def test_a_child_is_not_their_own_duplicate():
    child = ChildFactory(first_name="Robin", upn=GOOD_UPN)
    child_details_correct(child=child, **details(child, sex="M"), reason="Sex was wrong")
    assert Child.objects.get(pk=child.pk).sex == "M"


def test_an_unborn_childs_birth_is_recorded_with_their_sex():
    due = today() + dt.timedelta(days=20)
    child = ChildFactory(date_of_birth=None, expected_date_of_birth=due, sex="U")
    born = today() - dt.timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(child=child, **details(child, sex="F"), reason="Sex known")
    assert errors_of(excinfo)["sex"] == [UNBORN_SEX]
    child_details_correct(
        child=child, **details(child, date_of_birth=born, sex="F"), reason="Born early"
    )
    child.refresh_from_db()
    assert (child.date_of_birth, child.expected_date_of_birth, child.sex) == (born, due, "F")
    assert not child.is_unborn_on(today())


def looked_after(child, *, since: dt.date):
    episode_record(
        child=child,
        started_on=since,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )


def test_a_date_of_birth_after_the_child_came_into_care_or_was_reviewed_is_refused():
    child = ChildFactory(date_of_birth=D(2015, 6, 1))
    looked_after(child, since=D(2024, 3, 1))
    lac_review_record(child=child, held_on=D(2024, 3, 20), participation_code="PN1")
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(
            child=child, **details(child, date_of_birth=D(2024, 3, 25)), reason="x"
        )
    assert errors_of(excinfo)["date_of_birth"] == [
        BORN_AFTER_CARE.format(date="1 March 2024"),
        BORN_AFTER_REVIEW.format(date="20 March 2024"),
    ]
    assert Child.objects.get(pk=child.pk).date_of_birth == D(2015, 6, 1)


def test_a_date_of_birth_that_would_make_a_reviews_participation_code_wrong_is_refused():
    """PN1 is for a child aged 4 or over at the review (DfE rule 441): a correction that
    makes them younger than 4 that day would leave the return wrong, so the review is
    corrected first."""
    child = ChildFactory(date_of_birth=D(2015, 6, 1))
    looked_after(child, since=D(2024, 3, 1))
    lac_review_record(child=child, held_on=D(2024, 3, 20), participation_code="PN1")
    with pytest.raises(ValidationError) as excinfo:
        child_details_correct(
            child=child, **details(child, date_of_birth=D(2021, 6, 1)), reason="x"
        )
    [problem] = errors_of(excinfo)["date_of_birth"]
    assert problem.startswith(
        CODE_CONTRADICTED.split("{code}")[0] + "PN1 of the review held on 20 March 2024"
    )
    child_details_correct(child=child, **details(child, date_of_birth=D(2016, 6, 1)), reason="x")
    assert Child.objects.get(pk=child.pk).date_of_birth == D(2016, 6, 1)
