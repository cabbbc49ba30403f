import datetime as dt
from typing import cast

from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.utils import timezone

from core.codes import Ethnicity, Sex
from core.decisions import reason_field
from core.forms import (
    GDSDateField,
    GuardedForm,
    ListedChoiceField,
    ServiceForm,
    TimeField,
    gds_date,
)
from iro.models import Family, IndependentReviewingOfficer
from iro.restricted import ENTER_REASON, ENTER_RESTRICTION_REASON, REASON_MAX_LENGTH
from iro.rules import (
    CHILD_ID_MAX_LENGTH,
    CHILD_ID_TOO_LONG,
    UPN_WRONG_LENGTH,
    birth_date_bounds,
    child_id_problem,
    expected_date_bounds,
    upn_normalised,
    upn_problem,
)
from iro.selectors import active_iros
from iro.services import ALREADY_HELD, CHILD_DETAILS, REASON_NEEDED

# The caseload's IRO filter: one IRO, everyone, or the children nobody holds.
EVERYONE = ""
NOBODY = "none"
# Under the filter when a big unit's IROs are too many to list (the page links the
# caseloads page beside it).
IROS_CUT = "To see another IRO's caseload, choose them on the Allocation page"


class CaseloadFilterForm(forms.Form):
    """The caseload's filters: plain GET fields, so they work without JavaScript.

    `iro` is cleaned to an IRO, NOBODY or EVERYONE, and the select always shows the
    choice the list was drawn with (an IRO's own name when they chose nothing).
    """

    q = forms.CharField(label="Name or child ID", required=False, max_length=60)
    status = forms.ChoiceField(
        label="Due",
        required=False,
        choices=[("", "Any time"), ("overdue", "Overdue"), ("soon", "Overdue or due in 28 days")],
    )
    area = forms.ChoiceField(
        label="Area",
        required=False,
        choices=[("", "All"), ("looked_after", "Looked after"), ("protection", "Child protection")],
    )
    iro = ListedChoiceField(label="IRO", required=False)

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Names, not objects: a big unit's list is hundreds of IROs, and one is chosen.
        rows = active_iros()
        self.iro_users = {pk: user for pk, user, _ in rows}
        field = cast(ListedChoiceField, self.fields["iro"])
        always = [(EVERYONE, "Everyone"), (NOBODY, "No IRO (not allocated)")]
        field.choices = [*always, *[(pk, name) for pk, _, name in rows]]
        self.iros_cut = len(rows) > settings.OVERSIGHT_CASELOAD_IRO_CHOICES
        if self.iros_cut:
            # Too many to list: Everyone, No IRO, the person's own and the one chosen; any
            # other is reached from the caseloads page (each IRO's links to theirs).
            wanted = {self.iro_of(user_id) if user_id else None, self.data.get("iro")}
            field.listed = [*always, *[(pk, name) for pk, _, name in rows if pk in wanted]]
            field.help_text = IROS_CUT

    def iro_of(self, user_id: int) -> str | None:
        """The choice that is this user's own caseload, if they are an active IRO."""
        return next((pk for pk, user in self.iro_users.items() if user == user_id), None)

    def clean_iro(self):
        value = self.cleaned_data.get("iro") or EVERYONE
        if value in self.iro_users:
            return IndependentReviewingOfficer.objects.select_related("user").get(pk=value)
        return value


class ReallocationForm(ServiceForm):
    """Move a child to another IRO from a date (a later date waits for its day), or give
    a child with no IRO their first one."""

    submit_label = "Move the child"

    iro = forms.ModelChoiceField(
        label="New IRO",
        queryset=IndependentReviewingOfficer.objects.filter(active=True).select_related("user"),
        empty_label="Choose an IRO",
        error_messages={"required": "Choose the IRO who will hold the child"},
    )
    started_on = gds_date(
        "Date the new IRO takes over",
        help_text="A date in the future waits for its day: the current IRO keeps the child "
        "until then.",
    )
    reason = forms.CharField(
        label="Why is the child moving?",
        max_length=200,
        error_messages={"required": REASON_NEEDED},
    )
    with_siblings = forms.BooleanField(
        label="Move their brothers and sisters too, so the family keeps one IRO",
        required=False,
        initial=True,
    )

    def __init__(self, *args, child, current=None, **kwargs):
        self.child, self.current = child, current
        self.first_allocation = current is None
        if self.first_allocation:
            self.submit_label = "Allocate the IRO"
        super().__init__(*args, **kwargs)
        if self.first_allocation:
            self.fields["iro"].label = "IRO"
            self.fields["started_on"].label = "Date the IRO takes the child"
            self.fields["started_on"].help_text = "A date in the future waits for its day."
            self.fields["reason"].label = "Note (optional)"
            self.fields["reason"].required = False
            self.fields[
                "with_siblings"
            ].label = "Allocate their brothers and sisters too, so the family keeps one IRO"
        else:
            self.fields["started_on"].not_before = (
                current.started_on,
                "the date the current IRO took over",
            )
        names = ["iro", "started_on", "reason", "with_siblings"]
        if child.family is None:
            del self.fields["with_siblings"]
            names.remove("with_siblings")
        self.helper.layout = Layout(*names, Button("submit", self.submit_label))

    def clean_iro(self):
        iro = self.cleaned_data["iro"]
        if self.current is not None and self.current.iro_id == iro.pk:
            raise forms.ValidationError(ALREADY_HELD.format(child=self.child.full_name, iro=iro))
        return iro


class MeetingForm(ServiceForm):
    """When and where a review or conference meets, and who chairs it.

    If the chair is already booked then, or the date needs a second look (a weekend, a bank
    holiday, after the due date), the page says so and asks to confirm.
    """

    submit_label = "Book it"

    date = gds_date("Date")
    time = TimeField(label="Start time")
    venue = forms.CharField(
        label="Venue", max_length=200, error_messages={"required": "Enter the venue"}
    )
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=IndependentReviewingOfficer.objects.none(),  # the active IROs, per request
        empty_label="Choose the chair",
        error_messages={"required": "Choose who will chair it"},
    )
    confirm_clash = forms.BooleanField(label="I have checked: book it anyway", required=False)

    def __init__(self, *args, show_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        chair = cast(forms.ModelChoiceField, self.fields["chair"])
        chair.queryset = IndependentReviewingOfficer.objects.filter(active=True).select_related(
            "user"
        )
        if not show_confirm:
            del self.fields["confirm_clash"]
            self.helper.layout = Layout(
                *[f for f in self.layout_fields() if f != "confirm_clash"],
                Button("submit", self.submit_label),
            )

    def starts_at(self):
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))


# The new-child questions (worklists.views.new_child): one GOV.UK question page each,
# then check your answers. Tests import the messages.
FAMILY_NOT_FOUND = "There is no family with the reference {reference}"
FAMILY_REFERENCE_TAKEN = "A family with the reference {reference} already exists"


class NewChildNameForm(ServiceForm):
    submit_label = "Continue"
    heading = "What is the child's name?"

    first_name = forms.CharField(
        label="First name",
        max_length=60,
        error_messages={"required": "Enter the child's first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=60,
        error_messages={"required": "Enter the child's last name"},
    )

    def clean(self):
        data = super().clean()
        for name in ("first_name", "last_name"):
            if name in data and not data[name].strip():
                self.add_error(name, self.fields[name].error_messages["required"])
        return data


class NewChildBornForm(ServiceForm):
    submit_label = "Continue"
    heading = "Has the child been born?"

    born = forms.ChoiceField(
        label="Has the child been born?",
        choices=[("yes", "Yes"), ("no", "No, the child is unborn")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the child has been born"},
    )

    def layout_fields(self):
        return [Field.radios("born", legend_size=Size.SMALL, legend_tag="h1")]


def birth_date_field(*, unborn: bool, label: str = "") -> GDSDateField:
    """The date of birth (within the last 25 years, not in the future), or for an unborn
    child the expected date of birth (from 8 weeks ago, a baby who is late, to 10 months
    ahead): iro.rules' bounds, for a new child and a correction alike."""
    now = timezone.localdate()
    if unborn:
        earliest, latest = expected_date_bounds(now)
        return gds_date(
            label or "Expected date of birth",
            help_text="For example, 27 3 2027",
            not_before=(earliest, "the date 8 weeks ago"),
            not_after=(latest, "the date 10 months from today"),
        )
    earliest, _ = birth_date_bounds(now)
    return gds_date(
        label or "Date of birth",
        help_text="For example, 27 3 2014",
        not_in_future=True,
        not_before=(earliest, "the date 25 years ago"),
    )


class NewChildDateForm(ServiceForm):
    """The date of birth, or for an unborn child the expected date (birth_date_field)."""

    submit_label = "Continue"

    date = gds_date("Date of birth")

    def __init__(self, *args, unborn: bool = False, **kwargs):
        self.unborn = unborn
        super().__init__(*args, **kwargs)
        self.fields["date"] = birth_date_field(unborn=unborn)
        if unborn:
            self.heading = "When is the baby due?"
        else:
            self.heading = "What is the child's date of birth?"


class NewChildSexForm(ServiceForm):
    submit_label = "Continue"
    heading = "What is the child's sex?"

    sex = forms.ChoiceField(
        label="What is the child's sex?",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex"},
    )

    def layout_fields(self):
        return [Field.radios("sex", legend_size=Size.SMALL, legend_tag="h1")]


class NewChildEthnicityForm(ServiceForm):
    submit_label = "Continue"
    heading = "What is the child's ethnicity?"

    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=[("", "Choose the ethnicity"), *Ethnicity.choices],
        help_text="The DfE's codes, as in the returns. Choose 'Information not yet obtained' "
        "if it is not known yet.",
        error_messages={"required": "Choose the child's ethnicity"},
    )


class NewChildIdentifiersForm(ServiceForm):
    submit_label = "Continue"
    heading = "The child's identifiers"

    child_id = forms.CharField(
        label="Council child ID",
        max_length=CHILD_ID_MAX_LENGTH,
        help_text="The ID in the council's case management system, as in the DfE returns",
        error_messages={"required": "Enter the council child ID", "max_length": CHILD_ID_TOO_LONG},
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        required=False,
        max_length=20,
        help_text="13 characters, like A123456789012",
        error_messages={"max_length": UPN_WRONG_LENGTH},
    )

    def clean_child_id(self):
        value = self.cleaned_data["child_id"].strip()
        if problem := child_id_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean_upn(self):
        value = self.cleaned_data["upn"]
        if not value.strip():
            return ""
        if problem := upn_problem(value):
            raise forms.ValidationError(problem)
        return upn_normalised(value)


class NewChildFamilyForm(ServiceForm):
    """A new family, a family already held (siblings), or none."""

    submit_label = "Continue"
    heading = "Does the child belong to a family or sibling group?"

    family = forms.ChoiceField(
        label="Does the child belong to a family or sibling group?",
        choices=[
            ("existing", "Yes, a family already in Oversight (a brother or sister is here)"),
            ("new", "Yes, a new family"),
            ("none", "No"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child belongs to a family"},
    )
    existing_reference = forms.CharField(
        label="The family's reference", required=False, max_length=30
    )
    new_name = forms.CharField(
        label="The new family's name",
        required=False,
        max_length=100,
        help_text="Usually the family's surname",
    )
    new_reference = forms.CharField(
        label="The new family's reference", required=False, max_length=30
    )

    def layout_fields(self):
        return [
            Field.radios("family", legend_size=Size.SMALL, legend_tag="h1"),
            "existing_reference",
            "new_name",
            "new_reference",
        ]

    def clean(self):
        data = super().clean()
        choice = data.get("family")
        if choice == "existing":
            reference = data.get("existing_reference", "").strip()
            if not reference:
                self.add_error("existing_reference", "Enter the family's reference")
            elif not Family.objects.filter(reference=reference).exists():
                self.add_error("existing_reference", FAMILY_NOT_FOUND.format(reference=reference))
        if choice == "new":
            if not data.get("new_name", "").strip():
                self.add_error("new_name", "Enter the new family's name")
            reference = data.get("new_reference", "").strip()
            if not reference:
                self.add_error("new_reference", "Enter the new family's reference")
            elif Family.objects.filter(reference=reference).exists():
                self.add_error("new_reference", FAMILY_REFERENCE_TAKEN.format(reference=reference))
        return data


class NewChildConfirmForm(ServiceForm):
    """Check your answers: save, confirming a child of the same name and birth date is
    another child when one is found."""

    submit_label = "Save the child"

    different_child = forms.BooleanField(
        label="I have checked: this is a different child", required=False
    )

    def __init__(self, *args, ask_different: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_different:
            del self.fields["different_child"]
            self.helper.layout = Layout(Button("submit", self.submit_label))


def _keep_stored(field: GDSDateField, stored: dt.date | None) -> None:
    """Let a date already held stand: the bounds are for a date being typed, and a child's
    stored date outside them (an expected date now past) must not block other corrections."""
    if stored is None:
        return
    if field.not_before and field.not_before[0] and stored < field.not_before[0]:
        field.not_before = None
    if field.not_after and field.not_after[0] and stored > field.not_after[0]:
        field.not_after = None
    if field.not_in_future and stored > timezone.localdate():
        field.not_in_future = False


class ChildDetailsCorrectForm(GuardedForm):
    """Correct a child's own details, with a reason (iro.services.child_details_correct).

    Checked as a new child's answers are (the same fields and rules); an unborn child's
    birth is recorded by giving the date of birth. A save from a page drawn before someone
    else's correction is refused, saying what changed (core.forms.GuardedForm).
    """

    submit_label = "Save the correction"

    first_name = NewChildNameForm.base_fields["first_name"]
    last_name = NewChildNameForm.base_fields["last_name"]
    date_of_birth = gds_date("Date of birth")
    expected_date_of_birth = gds_date("Expected date of birth", required=False)
    sex = NewChildSexForm.base_fields["sex"]
    ethnicity = NewChildEthnicityForm.base_fields["ethnicity"]
    upn = NewChildIdentifiersForm.base_fields["upn"]
    disability = forms.TypedChoiceField(
        label="Does the child have a disability?",
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the child has a disability"},
    )
    different_child = NewChildConfirmForm.base_fields["different_child"]
    reason = reason_field(
        "Why are you correcting these details?",
        hint="For example, the date of birth was typed wrongly. It is kept with the "
        "child's history, with what the details were before.",
    )

    def __init__(self, *args, child, **kwargs):
        self.unborn = child.date_of_birth is None
        super().__init__(*args, **kwargs)
        self.fields["sex"].label = "Sex"
        self.fields["upn"].label = "Unique pupil number (UPN) (optional)"
        if self.unborn:
            self.fields["date_of_birth"] = birth_date_field(
                unborn=False, label="Date of birth, if the baby has been born"
            )
            self.fields["date_of_birth"].required = False
            self.fields[
                "date_of_birth"
            ].help_text = (
                "Leave it blank until the birth. Once it is given, the child is recorded as born."
            )
            self.fields["expected_date_of_birth"] = birth_date_field(unborn=True)
            self.fields["sex"].help_text = "U (not known) until the birth is recorded"
            _keep_stored(self.fields["expected_date_of_birth"], child.expected_date_of_birth)
        else:
            self.fields["date_of_birth"] = birth_date_field(unborn=False)
            del self.fields["expected_date_of_birth"]
            _keep_stored(self.fields["date_of_birth"], child.date_of_birth)
        self.ask_different = bool(self.data.get("different_child"))
        self._lay_out()

    def _lay_out(self) -> None:
        names = [
            name
            for name in ["seen", *CHILD_DETAILS, "different_child", "reason"]
            if name in self.fields and (name != "different_child" or self.ask_different)
        ]
        radios = {"sex", "disability"}
        self.helper.layout = Layout(
            *[Field.radios(n, legend_size=Size.SMALL) if n in radios else n for n in names],
            Button("submit", self.submit_label),
        )

    def layout_fields(self) -> list:
        return []  # laid out in _lay_out, once the child's fields are known

    def clean_upn(self):
        value = self.cleaned_data["upn"]
        if upn_normalised(value) == self.current.get("upn", ""):
            return self.current.get("upn", "")
        return NewChildIdentifiersForm.clean_upn(self)

    def apply_errors(self, error) -> None:
        """A service's errors on their fields; a possible duplicate asks to confirm."""
        if hasattr(error, "error_dict") and "different_child" in error.message_dict:
            self.ask_different = True
            self._lay_out()
        super().apply_errors(error)


class ChildRestrictionForm(ServiceForm):
    """Restrict a child's record, or lift the restriction, saying why
    (iro.services.child_restriction_set)."""

    submit_label = "Save"

    restricted = forms.TypedChoiceField(
        label="Who may open this record without giving a reason?",
        choices=[
            ("yes", "Only the child's IRO and managers (a restricted record)"),
            ("no", "Everyone in the unit"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who may open the record"},
    )
    reason = forms.CharField(
        label="Why?",
        help_text="For example: a member of staff's child; a record sealed after adoption.",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ENTER_RESTRICTION_REASON},
    )


class RestrictedRecordOpenForm(ServiceForm):
    """The reason someone who may not open a restricted record unasked gives to open it."""

    submit_label = "Open the record"

    reason = forms.CharField(
        label="Why do you need to open this record?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ENTER_REASON},
    )

    def __init__(self, *args, minutes: int = 60, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = (
            f"Your reason is kept with every page of this record you open in the next "
            f"{minutes} minutes, and managers can read it."
        )


class LegalHoldForm(ServiceForm):
    """Put a child on legal hold, or take them off it, saying why
    (iro.services.child_legal_hold_set)."""

    reason = reason_field(
        "Why?",
        hint="For example, the court case or inquiry that needs the records kept. It is kept "
        "with the child's history.",
    )

    def __init__(self, *args, on: bool, **kwargs):
        self.submit_label = "Put on legal hold" if on else "Take off legal hold"
        super().__init__(*args, **kwargs)
