"""The caseload filter's IROs (iro.selectors.active_iros): kept while the records stand,
and a new IRO or one leaving is on it at once."""

import pytest

from iro.forms import CaseloadFilterForm
from iro.selectors import active_iros
from tests.factories import IROFactory, UserFactory

pytestmark = pytest.mark.django_db


def names():
    return [name for _, _, name in active_iros()]


def test_a_new_iro_and_one_who_leaves_are_on_the_list_at_once():
    ada = IROFactory(user=UserFactory(first_name="Ada", last_name="Reviewer"))
    assert names() == ["Ada Reviewer"]
    IROFactory(user=UserFactory(first_name="Bo", last_name="Chair"))
    assert sorted(names()) == ["Ada Reviewer", "Bo Chair"]
    ada.active = False
    ada.save()
    assert names() == ["Bo Chair"]


def test_the_filter_takes_an_active_iro_and_refuses_one_who_has_left():
    ada = IROFactory(user=UserFactory(first_name="Ada", last_name="Reviewer"))
    form = CaseloadFilterForm({"iro": str(ada.pk)})
    assert form.is_valid() and form.cleaned_data["iro"] == ada
    ada.active = False
    ada.save()
    assert "iro" in CaseloadFilterForm({"iro": str(ada.pk)}).errors
