"""A choice among many listed pairs (core.forms.ListedChoiceField), checked as Django's
ChoiceField checks one."""

from django import forms

from core.forms import ListedChoiceField


class PickForm(forms.Form):
    iro = ListedChoiceField(label="IRO", required=False, choices=[("", "Everyone"), ("7", "Ada")])


def test_a_listed_choice_is_taken():
    form = PickForm({"iro": "7"})
    assert form.is_valid() and form.cleaned_data["iro"] == "7"


def test_nothing_chosen_is_taken_when_the_field_is_optional():
    form = PickForm({})
    assert form.is_valid() and form.cleaned_data["iro"] == ""


def test_a_value_not_listed_is_refused_with_djangos_words():
    form = PickForm({"iro": "99"})
    assert not form.is_valid()
    assert form.errors["iro"] == ["Select a valid choice. 99 is not one of the available choices."]
