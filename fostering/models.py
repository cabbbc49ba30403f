"""Foster carer households, their approval and annual reviews."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, due_rule_field


class FosterCarerHousehold(TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120, help_text="The carers' names as the unit uses them.")
    approved_on = models.DateField()
    terms_of_approval = models.CharField(max_length=300, blank=True)
    approval_ended_on = models.DateField(null=True, blank=True)
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
            )
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

    history = HistoricalRecords()

    class Meta:
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

    def __str__(self) -> str:
        return f"Review of {self.household} {self.held_on or 'not yet held'}"
