"""People and allocation: children, families, IROs and who holds each child."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.codes import Ethnicity, Sex, choices_check
from core.dates import age_on
from core.models import TimeStampedModel, initials_of, return_year_field
from iro.rules import CHILD_ID_MAX_LENGTH, RESTRICTED_RECORD


class Family(TimeStampedModel):
    """A family or sibling group: children the unit keeps together (one IRO, one ICPC)."""

    name = models.CharField(max_length=100)
    reference = models.CharField(max_length=30, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "families"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} family ({self.reference})"


class Child(TimeStampedModel):
    child_id = models.CharField(
        "child ID",
        max_length=CHILD_ID_MAX_LENGTH,
        unique=True,
        help_text="The council's child ID as used in the DfE returns (CHILD / LAchildID).",
    )
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(
        null=True, blank=True, help_text="For an unborn child."
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default="NOBT")
    disability = models.BooleanField(default=False)
    upn = models.CharField("UPN", max_length=13, blank=True)
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    return_year = return_year_field()
    # A restricted record (sealed, or a member of staff's child) opens without a reason only
    # for the child's IRO and managers; anyone else gives one, which is audited
    # ("iro.open_child_unasked" in iro.permissions; iro.restricted).
    restricted = models.BooleanField(default=False)
    restricted_reason = models.CharField(max_length=200, blank=True)

    # Legal hold (iro.services.child_legal_hold_set): a child on hold is never anonymised
    # by the retention job (retention.selectors.due_for_anonymising), whatever their age.
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=200, blank=True)
    legal_hold_set_on = models.DateField(null=True, blank=True)
    # Set by iro.services.child_anonymise (the retention job): names, UPN and free text
    # gone, the date of birth the 1st of its month; dates and codes kept for the figures.
    anonymised_on = models.DateField(null=True, blank=True)
    # The details a person corrected in Oversight (iro.services.child_details_correct),
    # which a return or extract does not overwrite: a load that disagrees keeps them and
    # records the difference for a person to decide (returns.ImportDisagreement).
    corrected_fields = models.JSONField(default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(expected_date_of_birth__isnull=False),
                name="child_has_birth_or_expected_date",
            ),
            choices_check("sex", Sex),
            choices_check("ethnicity", Ethnicity),
        ]
        indexes = [
            # The few restricted records, read on every list and guarded page for someone
            # who may not open them unasked (iro.selectors.restricted_hidden_from).
            models.Index(
                fields=["child_id"], condition=Q(restricted=True), name="child_restricted"
            ),
            # "Everyone" on the caseload by name, a page at a time in this order either way
            # (worklists.selectors.EveryoneByName).
            models.Index(fields=["last_name", "first_name", "child_id"], name="child_by_name"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.child_id})"

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "masked", False):
            # Blanked for a list (iro.selectors.child_mask): saving would wipe the record.
            raise ValueError("A masked restricted record is never saved.")
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        if getattr(self, "masked", False):
            return RESTRICTED_RECORD
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        return initials_of(self.first_name, self.last_name)

    def is_unborn_on(self, day: dt.date) -> bool:
        return self.date_of_birth is None or self.date_of_birth > day

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None or self.date_of_birth > day:
            return None
        return age_on(self.date_of_birth, day)


class Employment(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    AGENCY = "agency", "Agency"


class IndependentReviewingOfficer(TimeStampedModel):
    Employment = Employment

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iro_profile"
    )
    fte = models.DecimalField("full-time equivalent", max_digits=3, decimal_places=2, default=1)
    employment = models.CharField(max_length=10, choices=Employment, default=Employment.PERMANENT)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "independent reviewing officer"
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1), name="iro_fte_between_0_and_1"
            ),
            choices_check("employment", Employment),
        ]

    def __str__(self) -> str:
        return str(self.user)


class IROAllocation(TimeStampedModel):
    """Who held a child, from when to when, and why it changed. Caseload is derived."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    iro = models.ForeignKey(
        IndependentReviewingOfficer, on_delete=models.PROTECT, related_name="allocations"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "IRO allocation"
        ordering = ["child", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="allocation_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="one_current_iro_per_child",
            ),
        ]
        indexes = [models.Index(fields=["iro", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.iro} holds {self.child.child_id} from {self.started_on}"


class PlannedMove(TimeStampedModel):
    """A move to another IRO dated in the future: the current IRO keeps the child until
    `starts_on`, when worklists.tasks.deadline_alerts_send (nightly) makes it the child's
    allocation. Until then it can be corrected or cancelled. One per child."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="planned_move")
    iro = models.ForeignKey(
        IndependentReviewingOfficer, on_delete=models.PROTECT, related_name="planned_moves"
    )
    starts_on = models.DateField()
    reason = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        # Read nightly by iro.services.planned_moves_apply for the moves due.
        indexes = [models.Index(fields=["starts_on"])]

    def __str__(self) -> str:
        return f"{self.child.child_id} moves to {self.iro} on {self.starts_on}"
