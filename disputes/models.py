"""The IRO dispute resolution process: a challenge, informal first, then formal stages."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.codes import choices_check
from core.models import TimeStampedModel, due_rule_field
from iro.models import Child, IndependentReviewingOfficer


class DisputeLevel(models.Model):
    """A rung of the council's escalation ladder. Configurable in the admin."""

    name = models.CharField(max_length=80, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the first formal stage.")
    response_working_days = models.PositiveSmallIntegerField(default=5)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class DisputeCategory(models.TextChoices):
    CARE_PLANNING = "care_planning", "Care planning"
    PLAN_IMPLEMENTATION = "plan_implementation", "Care plan implementation"
    DRIFT = "drift", "Drift or delay"
    NO_SOCIAL_WORKER = "no_social_worker", "No allocated social worker"
    POOR_PRACTICE = "poor_practice", "Poor practice"
    PARTICIPATION = "participation", "Participation"
    REVIEW_DECISIONS = "review_decisions", "Review decisions not implemented"
    OTHER = "other", "Other"


class DisputeStatus(models.TextChoices):
    INFORMAL = "informal", "Informal"
    FORMAL = "formal", "Formal"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Dispute(TimeStampedModel):
    Category = DisputeCategory

    Status = DisputeStatus

    ALLOWED_TRANSITIONS = {
        Status.INFORMAL: {Status.FORMAL, Status.RESOLVED, Status.WITHDRAWN},
        Status.FORMAL: {Status.RESOLVED, Status.WITHDRAWN},
        Status.RESOLVED: set(),
        Status.WITHDRAWN: set(),
    }

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="disputes")
    raised_by = models.ForeignKey(
        IndependentReviewingOfficer, on_delete=models.PROTECT, related_name="disputes"
    )
    raised_on = models.DateField()
    category = models.CharField(max_length=20, choices=Category.choices)
    summary = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INFORMAL)
    outcome = models.TextField(
        blank=True, help_text="How the challenge ended: the resolution, or why it was withdrawn."
    )
    resolved_on = models.DateField(null=True, blank=True)
    resolved_at_level = models.ForeignKey(
        DisputeLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when resolved informally.",
    )
    cafcass_referred_on = models.DateField("referred to Cafcass on", null=True, blank=True)
    # The whole formal process should end within 20 working days of the first formal stage.
    formal_due_on = models.DateField(null=True, blank=True)
    formal_due_reason = models.CharField(max_length=200, blank=True)
    formal_due_rule = due_rule_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("raised_on")),
                name="dispute_resolved_after_raised",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="resolved_dispute_has_date",
            ),
            models.CheckConstraint(
                condition=Q(cafcass_referred_on__isnull=True)
                | Q(cafcass_referred_on__gte=F("raised_on")),
                name="cafcass_referral_after_raised",
            ),
            choices_check("category", DisputeCategory),
            choices_check("status", DisputeStatus),
        ]
        indexes = [
            # Read by the annual report and dashboard (core.figures.dates_reached): challenges
            # raised, resolved, or open in the year.
            models.Index(fields=["raised_on"], name="dispute_raised_on"),
            models.Index(fields=["resolved_on"], name="dispute_resolved_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} challenge for {self.child.child_id}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.INFORMAL, self.Status.FORMAL}


class StageOutcome(models.TextChoices):
    AWAITING = "", "Awaiting response"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DisputeStage(TimeStampedModel):
    """A formal stage: the challenge put to one level of the ladder, with its deadline."""

    Outcome = StageOutcome

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="stages")
    level = models.ForeignKey(DisputeLevel, on_delete=models.PROTECT, related_name="stages")
    addressee = models.CharField(max_length=120)
    started_on = models.DateField()
    response_due_on = models.DateField()
    # Stored with the date by disputes.services.dispute_escalate: the level's working days
    # may change later, and the reason must still say what this stage was given.
    response_due_reason = models.CharField(max_length=200, blank=True)
    response_due_rule = due_rule_field()
    responded_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dispute", "started_on", "level__rank"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "level"], name="one_stage_per_level"),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("started_on")),
                name="stage_response_after_start",
            ),
            choices_check("outcome", StageOutcome, blank=True),
        ]
        indexes = [
            models.Index(
                fields=["response_due_on"],
                condition=Q(responded_on__isnull=True),
                name="awaiting_stage_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} stage of {self.dispute}"


class DisputeCorrection(TimeStampedModel):
    """A correction to a challenge's details or one of its stages: what changed
    (field: [before, after], in words) and why. Kept; never edited or deleted."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="corrections")
    stage = models.ForeignKey(
        DisputeStage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="Empty when the challenge's own details were corrected.",
    )
    changes = models.JSONField(default=dict)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dispute", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Correction of {self.stage or self.dispute}"
