"""A choice field's options, built in one pass (core.templatetags.govuk.select_options)."""

from django import forms

from core.templatetags.govuk import select_options


class PickForm(forms.Form):
    iro = forms.ChoiceField(
        choices=[("", "Everyone"), ("7", "Ada <script>alert(1)</script>"), ('8"x', "Bo & Co")]
    )


def test_the_chosen_option_is_selected_and_the_others_are_not():
    html = select_options(PickForm({"iro": "7"})["iro"])
    assert html == (
        '<option value="">Everyone</option>'
        '<option value="7" selected>Ada &lt;script&gt;alert(1)&lt;/script&gt;</option>'
        '<option value="8&quot;x">Bo &amp; Co</option>'
    )


def test_with_nothing_chosen_the_empty_choice_is_selected():
    html = select_options(PickForm()["iro"])
    assert html.startswith('<option value="" selected>Everyone</option>')
