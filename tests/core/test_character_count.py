"""Every long answer with a limit shows the GOV.UK character count, set once in
core.forms.ServiceForm, and an answer over the limit is refused naming the field."""

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from core.forms import TEXT_TOO_LONG, ServiceForm
from core.services import today
from iro.services import iro_allocate
from tests.factories import ChildFactory


class NoteForm(ServiceForm):
    note = forms.CharField(label="Note", max_length=20, widget=forms.Textarea)
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)
    name = forms.CharField(label="Name", max_length=20)


def drawn(form) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def test_a_textarea_with_a_limit_shows_the_character_count():
    html = drawn(NoteForm())
    assert 'data-module="govuk-character-count" data-maxlength="20"' in html
    assert 'aria-describedby="id_note-info"' in html
    assert "You can enter up to 20 characters" in html
    assert html.count("govuk-character-count__message") == 1  # not the summary or name


def test_the_browser_does_not_cut_a_long_answer_short():
    textarea = drawn(NoteForm()).split("<textarea", 1)[1].split(">", 1)[0]
    assert "maxlength" not in textarea


def test_an_answer_over_the_limit_is_refused_naming_the_field():
    form = NoteForm({"note": "x" * 21, "name": "Ann"})
    assert form.errors["note"] == [TEXT_TOO_LONG.format(label="Note", limit=20)]
    assert TEXT_TOO_LONG.format(label="Note", limit=20) == "Note must be 20 characters or less"


@pytest.mark.django_db
def test_the_contact_page_counts_the_notes_characters(client, iro):
    child = ChildFactory(child_id="C1")
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=10))
    client.force_login(iro.user)
    body = client.get(reverse("reviews:contact_record", args=["C1"])).content.decode()
    assert 'data-module="govuk-character-count"' in body
    assert "You can enter up to" in body
