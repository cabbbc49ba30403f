"""Foster carer households, their approval and annual reviews."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, due_rule_field

# Ages a foster carer may be approved for: from birth to 18 (staying put is beyond the
# terms of approval).
OLDEST_AGE = 18
# The most children a household's terms may name. Three is the usual fostering limit
# (Children Act 1989 Sch. 7); a council may exempt a household, for a sibling group.
MOST_PLACES = 10


class CareType(models.TextChoices):
    """The kinds of care a household's terms of approval may name."""

    EMERGENCY = "emergency", "Emergency"
    SHORT_TERM = "short_term", "Short-term"
    LONG_TERM = "long_term", "Long-term"
    SHORT_BREAKS = "short_breaks", "Short breaks"
    PARENT_AND_CHILD = "parent_and_child", "Parent and child"
    REMAND = "remand", "Remand"
    CONNECTED_PERSON = "connected_person", "Connected person (family and friends)"


class ApprovalEnd(models.TextChoices):
    RESIGNED = "resigned", "The carers resigned"
    TERMINATED = "terminated", "The fostering service ended the approval"


def terms_text(
    *, places: int | None, age_from: int | None, age_to: int | None, care_types, conditions: str
) -> str:
    """Terms of approval in words: "Up to 2 children aged 0 to 18; short-term, long-term"."""
    parts = []
    if places:
        children = "1 child" if places == 1 else f"Up to {places} children"
        if age_from is not None and age_to is not None:
            children += f" aged {age_from} to {age_to}"
        parts.append(children)
    labels = dict(CareType.choices)
    kinds = [labels.get(kind, kind) for kind in care_types or []]
    if kinds:
        text = ", ".join(kinds)
        parts.append(text.lower() if parts else text)
    if conditions.strip():
        parts.append(conditions.strip())
    return "; ".join(parts)


class FosterCarerHousehold(TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120, help_text="The carers' names as the unit uses them.")
    approved_on = models.DateField()
    # The terms of approval: how many children, of what ages, for what kinds of care, and
    # any other condition in words (terms recorded before the fields existed are only words).
    places = models.PositiveSmallIntegerField("number of children", null=True, blank=True)
    age_from = models.PositiveSmallIntegerField(null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(null=True, blank=True)
    care_types = models.JSONField(default=list, blank=True)
    terms_of_approval = models.CharField(
        max_length=300, blank=True, help_text="Other conditions of the approval, in words."
    )
    approval_ended_on = models.DateField(null=True, blank=True)
    approval_end_kind = models.CharField(max_length=10, choices=ApprovalEnd.choices, blank=True)
    approval_end_reason = models.TextField(blank=True)
    reviewing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_households",
        help_text="Who chairs this household's reviews (not an IRO of a child placed there).",
    )
    # Stored by fostering.services.household_schedule_refresh; read by the deadlines list.
    next_review_due = models.DateField(null=True, blank=True)
    next_review_reason = models.CharField(max_length=200, blank=True)
    next_review_rule = due_rule_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approval_ended_on__isnull=True)
                | Q(approval_ended_on__gte=F("approved_on")),
                name="approval_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(age_from__isnull=True)
                | Q(age_to__isnull=True)
                | Q(age_from__lte=F("age_to")),
                name="approval_age_range_in_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_review_due"],
                condition=Q(approval_ended_on__isnull=True),
                name="approved_household_review_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"

    @property
    def terms_summary(self) -> str:
        return terms_text(
            places=self.places,
            age_from=self.age_from,
            age_to=self.age_to,
            care_types=self.care_types,
            conditions=self.terms_of_approval,
        )


class ApprovalTermsChange(TimeStampedModel):
    """A change to a household's terms of approval: when, from what, to what, and why.

    RULES.md §3 sets no review or panel for a change of terms (a change usually follows a
    review, whose report says whether the terms are still appropriate): it is recorded
    and shown, and the next review stays due when it was.
    """

    household = models.ForeignKey(
        FosterCarerHousehold, on_delete=models.CASCADE, related_name="terms_changes"
    )
    changed_on = models.DateField()
    terms_before = models.TextField(blank=True)
    terms_after = models.TextField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["household", "-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"Terms of {self.household} changed {self.changed_on}"


class CurrentReviews(models.Manager):
    """Reviews not withdrawn: what the schedule, the figures and the pages count."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class FosterCarerReview(TimeStampedModel):
    household = models.ForeignKey(
        FosterCarerHousehold, on_delete=models.CASCADE, related_name="reviews"
    )
    due_on = models.DateField(null=True, blank=True)
    due_reason = models.CharField(max_length=200, blank=True)
    due_rule = due_rule_field()
    scheduled_for = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    reviewing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="foster_carer_reviews",
    )
    is_first = models.BooleanField(default=False, help_text="The first review after approval.")
    referred_to_panel = models.BooleanField(default=False)
    panel_on = models.DateField(null=True, blank=True)
    recommendation = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who recorded the review: they, or a manager, may correct or withdraw it.",
    )
    # A review recorded in error is withdrawn with a reason, never deleted.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The first manager is the default, so `household.reviews` leaves withdrawn ones out.
    objects = CurrentReviews()
    all_objects = models.Manager()
    history = HistoricalRecords()

    class Meta:
        base_manager_name = "all_objects"
        ordering = ["household", "held_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_first=True) | Q(referred_to_panel=True),
                name="first_carer_review_goes_to_panel",
            ),
            models.CheckConstraint(
                condition=Q(panel_on__isnull=True) | Q(referred_to_panel=True),
                name="panel_date_only_when_referred",
            ),
        ]
        indexes = [
            # Read by the annual report and dashboard (core.figures.dates_reached): carer
            # reviews held or due in the year.
            models.Index(fields=["held_on"], name="carer_review_held_on"),
            models.Index(fields=["due_on"], name="carer_review_due_on"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.household} {self.held_on or 'not yet held'}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class CarerReviewCorrection(TimeStampedModel):
    """A correction to a recorded review: what changed (field: [before, after]) and why."""

    review = models.ForeignKey(
        FosterCarerReview, on_delete=models.CASCADE, related_name="corrections"
    )
    changes = models.JSONField(default=dict)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["review", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Correction of {self.review}"
