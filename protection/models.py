"""Child protection: section 47 enquiries, conferences, invitations and plans."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.codes import CategoryOfAbuse, choices_check
from core.decisions import TrackedDecision, Withdrawable
from core.invitations import Invitation, invitation_constraints, to_send_index
from core.invitations import InvitationDelivery as InvitationDelivery
from core.invitations import SendStatus as SendStatus
from core.invitations import person_key as person_key  # where demo and services look
from core.models import TimeStampedModel, due_rule_field, return_year_field
from iro.models import Child, Family, IndependentReviewingOfficer


class Section47Enquiry(Withdrawable, TimeStampedModel):
    """A referral's strategy discussion and the section 47 enquiry it started. Corrected
    with a reason kept in the history; one entered in error is withdrawn (kept, with who
    and why, and counted nowhere: `objects` leaves it out), never deleted."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="section47_enquiries")
    referral_on = models.DateField(
        "referral date",
        null=True,
        blank=True,
        help_text="When the referral that led to the enquiry arrived (CINreferralDate).",
    )
    strategy_discussion_on = models.DateField(
        help_text="The strategy discussion at which the section 47 enquiry was initiated."
    )
    icpc_not_required = models.BooleanField("initial conference not required", default=False)
    concluded_on = models.DateField(null=True, blank=True)
    # Stored by protection.services.section47_schedule_refresh; read by the deadlines list.
    icpc_due = models.DateField(null=True, blank=True)
    icpc_due_reason = models.CharField(max_length=200, blank=True)
    icpc_due_rule = due_rule_field()
    return_year = return_year_field()

    history = HistoricalRecords()

    class Meta(Withdrawable.Meta):
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        ordering = ["child", "strategy_discussion_on"]
        constraints = [
            # A withdrawn enquiry does not stop the right one being entered for that day.
            models.UniqueConstraint(
                fields=["child", "strategy_discussion_on"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_s47_per_child_per_day",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="s47_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True)
                | Q(concluded_on__gte=F("strategy_discussion_on")),
                name="s47_concludes_after_start",
            ),
        ]
        indexes = [
            # Read by protection.selectors.open_deadlines and booking_needs (the deadlines
            # list, the booking board, the nightly alerts): open enquiries by ICPC date.
            models.Index(
                fields=["icpc_due"],
                condition=Q(
                    concluded_on__isnull=True, icpc_not_required=False, withdrawn_at__isnull=True
                ),
                name="s47_awaiting_icpc_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} section 47 from {self.strategy_discussion_on}"


class TransferIn(TimeStampedModel):
    """Notice that a child on another council's plan is moving here: it starts the clock
    for the transfer-in conference, which this council then holds (RULES.md 5)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="transfers_in")
    notified_on = models.DateField(
        "date notified", help_text="When written notice came from the other council."
    )
    from_council = models.CharField("council the child is moving from", max_length=100)
    # Set when the transfer-in conference is held (protection.services.conference_record_held).
    concluded_on = models.DateField(null=True, blank=True)
    # Stored by protection.services.transfer_in_notify; read by the deadlines list.
    conference_due = models.DateField(null=True, blank=True)
    conference_due_reason = models.CharField(max_length=200, blank=True)
    conference_due_rule = due_rule_field()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "transfer-in notification"
        ordering = ["child", "notified_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(concluded_on__isnull=True),
                name="one_open_transfer_in",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__gte=F("notified_on")),
                name="transfer_in_concludes_after_notice",
            ),
        ]
        indexes = [
            # Read by protection.selectors.open_deadlines and booking_needs.
            models.Index(
                fields=["conference_due"],
                condition=Q(concluded_on__isnull=True),
                name="transfer_in_awaiting_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} transfer in from {self.from_council}"


class ChildProtectionPlan(TimeStampedModel):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cp_plans")
    reference = models.CharField("CPPID", max_length=20, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    previous_plans = models.PositiveSmallIntegerField(
        "number of previous plans", default=0, help_text="NumberOfPreviousCPP in the CIN census."
    )
    # Stored by protection.services.plan_schedule_refresh; read by the deadlines list.
    next_review_due = models.DateField(null=True, blank=True)
    next_review_reason = models.CharField(max_length=200, blank=True)
    next_review_rule = due_rule_field()
    return_year = return_year_field()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "child protection plan"
        ordering = ["child", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
                name="cp_plan_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="one_open_cp_plan"
            ),
            models.UniqueConstraint(fields=["child", "started_on"], name="one_cp_plan_per_start"),
            choices_check("initial_category", CategoryOfAbuse),
            choices_check("latest_category", CategoryOfAbuse),
        ]
        indexes = [
            models.Index(
                fields=["next_review_due"],
                condition=Q(ended_on__isnull=True),
                name="open_plan_review_due",
            ),
            # Read by the annual report and dashboard (core.figures.dates_reached):
            # plans begun, ended, or open across the report's years.
            models.Index(fields=["started_on"], name="cp_plan_started_on"),
            models.Index(fields=["ended_on"], name="cp_plan_ended_on"),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} plan from {self.started_on}"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    TRANSFER_IN = "transfer_in", "Transfer-in"
    REVIEW = "review", "Review"


class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class ChildProtectionConference(TimeStampedModel):
    """One meeting, which may cover several children of a family."""

    Kind = ConferenceKind

    Status = ConferenceStatus

    ALLOWED_TRANSITIONS = {
        Status.SCHEDULED: {Status.HELD, Status.CANCELLED},
        Status.HELD: set(),
        Status.CANCELLED: set(),
    }

    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="conferences"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        IndependentReviewingOfficer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_conferences",
    )
    deputy_chair = models.ForeignKey(
        IndependentReviewingOfficer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputised_conferences",
        help_text="Another IRO who may record the outcome if the chair cannot.",
    )
    held_on = models.DateField(null=True, blank=True)
    transfer_notified_on = models.DateField(
        null=True, blank=True, help_text="For a transfer-in: when the council was notified."
    )
    reports_in_on = models.DateField(
        "reports received", null=True, blank=True, help_text="When the reports were all in."
    )
    minutes_sent_on = models.DateField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    # What the person booking was warned of and confirmed (core.forms.meeting_page): a
    # weekend, a bank holiday, a date after the due date, the chair's other booking.
    booking_warnings = models.JSONField(default=list, blank=True)
    return_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Collection year of the CIN census this conference was last loaded from "
        "(2024 means 2024-25); empty when entered in Oversight.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "child protection conference"
        ordering = ["-held_on", "-scheduled_for"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_on__isnull=False),
                name="held_conference_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="transfer_in") | Q(transfer_notified_on__isnull=False),
                name="transfer_in_has_notification_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                name="cancelled_conference_has_reason",
            ),
            choices_check("kind", ConferenceKind),
            choices_check("status", ConferenceStatus),
        ]
        indexes = [
            models.Index(fields=["kind", "held_on"]),
            # Read by the annual report and dashboard (core.figures.dates_reached):
            # conferences held in the report's years (and their children and invitations).
            models.Index(fields=["held_on"], condition=Q(status="held"), name="held_conference_on"),
            # Read by protection.selectors.booking_sources (business support's home, the
            # booking board, the nightly alerts): the conferences booked, by kind.
            models.Index(
                fields=["kind"], condition=Q(status="scheduled"), name="scheduled_conference_kind"
            ),
            # Read by worklists.alerts (business support's minutes to send): held
            # conferences whose minutes have not gone out, by the day held.
            models.Index(
                fields=["held_on"],
                condition=Q(status="held", minutes_sent_on__isnull=True),
                name="held_conference_minutes_due",
            ),
        ]

    def __str__(self) -> str:
        when = self.held_on or self.scheduled_for or "unscheduled"
        return f"{self.get_kind_display()} conference {when}"


class ConferenceMove(models.Model):
    """A booked conference moved to another time or place: who moved it, when, from
    what, and why. Invitations and attendance stay with the conference."""

    conference = models.ForeignKey(
        ChildProtectionConference, on_delete=models.CASCADE, related_name="moves"
    )
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(default=timezone.now)
    from_scheduled_for = models.DateTimeField(null=True, blank=True)
    from_venue = models.CharField(max_length=200, blank=True)
    from_chair = models.ForeignKey(
        IndependentReviewingOfficer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_scheduled_for = models.DateTimeField()
    to_venue = models.CharField(max_length=200)
    reason = models.CharField(max_length=300)

    class Meta:
        verbose_name = "conference moved"
        verbose_name_plural = "conferences moved"
        ordering = ["conference", "moved_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="conference_move_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.conference} moved {self.moved_at:%Y-%m-%d}"


class ConferenceOutcome(models.TextChoices):
    PENDING = "", "Not yet decided"
    PLAN_STARTED = "plan_started", "Child protection plan started"
    NO_PLAN = "no_plan", "Not made subject to a plan"
    PLAN_CONTINUED = "plan_continued", "Plan continues"
    PLAN_ENDED = "plan_ended", "Plan ended"


class ConferenceChild(TimeStampedModel):
    """A child covered by a conference, and the outcome for that child."""

    Outcome = ConferenceOutcome

    conference = models.ForeignKey(
        ChildProtectionConference, on_delete=models.CASCADE, related_name="covered"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="conferences")
    section47 = models.ForeignKey(
        Section47Enquiry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conferences",
    )
    plan = models.ForeignKey(
        ChildProtectionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conferences",
    )
    outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True)
    # The due date this conference answered for this child, and why.
    due_on = models.DateField(null=True, blank=True)
    due_reason = models.CharField(max_length=200, blank=True)
    due_rule = due_rule_field()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "child at a conference"
        verbose_name_plural = "children at conferences"
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "child"], name="child_once_per_conference"
            ),
            choices_check("outcome", ConferenceOutcome, blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} at {self.conference}"


class InvitationKind(models.TextChoices):
    FAMILY = "family", "Family member"
    PROFESSIONAL = "professional", "Professional"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    EXCLUDED = "excluded", "Excluded"


class ConferenceInvitation(Invitation):
    """One person invited to one conference. Corrected or withdrawn with a reason (kept
    in the history), never deleted."""

    Kind = InvitationKind

    Attendance = Attendance

    conference = models.ForeignKey(
        ChildProtectionConference, on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    has_parental_responsibility = models.BooleanField(default=False)
    attendance = models.CharField(max_length=14, choices=Attendance, default=Attendance.INVITED)
    exclusion_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(attendance="excluded") | ~Q(exclusion_reason=""),
                name="exclusion_has_reason",
            ),
            *invitation_constraints(
                "conference",
                withdrawal="withdrawal_has_reason",
                by_name="person_invited_once_by_name",
                by_email="person_invited_once_by_email",
            ),
            choices_check("kind", InvitationKind),
            choices_check("attendance", Attendance),
        ]
        # Read by protection.tasks.invitations_retry_due: rows still to send.
        indexes = [to_send_index("invitation_to_send")]


class ConferenceDecision(Withdrawable, TrackedDecision, TimeStampedModel):
    """A decision of a held conference: an action with an owner and a due date
    (core.decisions, as a looked-after review's)."""

    conference = models.ForeignKey(
        ChildProtectionConference, on_delete=models.CASCADE, related_name="decisions"
    )

    history = HistoricalRecords()

    class Meta(Withdrawable.Meta):
        ordering = ["conference", "due_on"]
        indexes = [
            # protection.selectors.open_deadlines reads the open ones (the digest, nightly).
            models.Index(
                fields=["due_on"],
                condition=Q(completed_on__isnull=True, withdrawn_at__isnull=True),
                name="open_conference_decision_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action[:40]} ({self.owner}, due {self.due_on})"
