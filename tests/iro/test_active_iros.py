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


def test_a_unit_of_more_iros_than_the_filter_lists_lists_your_own_and_the_one_chosen(settings):
    from iro.forms import EVERYONE, IROS_CUT, NOBODY

    settings.OVERSIGHT_CASELOAD_IRO_CHOICES = 2
    ada, bo, cy = (
        IROFactory(user=UserFactory(first_name=name, last_name="Reviewer"))
        for name in ("Ada", "Bo", "Cy")
    )
    form = CaseloadFilterForm({"iro": str(cy.pk)}, user_id=ada.user_id)
    listed = form.fields["iro"].listed
    assert [value for value, _ in listed] == [EVERYONE, NOBODY, str(ada.pk), str(cy.pk)]
    assert form.fields["iro"].help_text == IROS_CUT
    # One not listed is still taken (the Allocation page links each IRO's caseload).
    taken = CaseloadFilterForm({"iro": str(bo.pk)}, user_id=ada.user_id)
    assert taken.is_valid() and taken.cleaned_data["iro"] == bo


def test_a_unit_within_the_limit_lists_every_iro(settings):
    settings.OVERSIGHT_CASELOAD_IRO_CHOICES = 3
    for name in ("Ada", "Bo", "Cy"):
        IROFactory(user=UserFactory(first_name=name, last_name="Reviewer"))
    form = CaseloadFilterForm({})
    assert form.fields["iro"].listed is None and not form.fields["iro"].help_text
    assert len(form.fields["iro"].choices) == 2 + 3


def test_the_caseload_page_of_a_big_unit_links_the_allocation_page_from_its_filter(
    client, iro, settings
):
    settings.OVERSIGHT_CASELOAD_IRO_CHOICES = 1
    other = IROFactory(user=UserFactory(first_name="Bo", last_name="Chair"))
    client.force_login(iro.user)
    page = client.get("/children/").content.decode()
    assert 'href="/children/allocation/"' in page
    assert f'<option value="{iro.pk}" selected>' in page
    assert f'<option value="{other.pk}"' not in page
    assert "Chair's caseload" in client.get(f"/children/?iro={other.pk}").content.decode()
