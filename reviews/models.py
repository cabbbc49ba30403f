"""Looked after: periods of care, SSDA903 episodes, adoption, reviews and IRO contacts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.codes import (
    CategoryOfNeed,
    LegalStatus,
    ParticipationCode,
    PermanencePlan,
    Placement,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    choices_check,
)
from core.dates import year_start
from core.decisions import CurrentManager, TrackedDecision, Withdrawable  # noqa: F401
from core.invitations import Invitation, invitation_constraints, to_send_index
from core.models import TimeStampedModel, due_rule_field, return_year_field
from iro.models import Child, IndependentReviewingOfficer


class PeriodOfCare(TimeStampedModel):
    """From an episode with RNE S to an episode whose REC is not X1 (pinned convention 4).

    `started_on` is empty when the start is not on record (history begins mid-period);
    then every review on record counts as a later review.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="periods_of_care")
    started_on = models.DateField(null=True, blank=True)
    first_recorded_on = models.DateField(help_text="The earliest episode start on record.")
    ended_on = models.DateField(null=True, blank=True)
    is_short_breaks = models.BooleanField(
        default=False, help_text="Every episode is V3/V4: not counted as looked after."
    )
    # Stored by reviews.services.period_schedule_refresh on every write that affects it;
    # read by the deadlines command, the worklists and the nightly alerts.
    next_review_due = models.DateField(null=True, blank=True)
    next_review_reason = models.CharField(max_length=200, blank=True)
    next_review_rule = due_rule_field()

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "periods of care"
        ordering = ["child", "first_recorded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("first_recorded_on")),
                name="period_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["child", "first_recorded_on"], name="one_period_per_child_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_review_due"],
                condition=Q(ended_on__isnull=True),
                name="open_period_review_due",
            ),
            # Read by the annual report and dashboard (core.figures.dates_reached):
            # periods begun, ended, or open across the report's years.
            models.Index(fields=["started_on"], name="period_started_on"),
            models.Index(fields=["ended_on"], name="period_ended_on"),
        ]

    def __str__(self) -> str:
        start = self.started_on or f"before {self.first_recorded_on}"
        return f"{self.child.child_id} looked after from {start}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Episode(Withdrawable, TimeStampedModel):
    """One SSDA903 episode: a span with one legal status and one placement.

    Corrected or withdrawn (entered in error) through reviews.services, with a reason in
    its history; a withdrawn episode is kept but read nowhere (`objects`)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    # Set by reviews.services.child_periods_rebuild from the episode chain.
    period = models.ForeignKey(
        PeriodOfCare, null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes"
    )
    started_on = models.DateField("start date (DECOM)")
    reason_new_episode = models.CharField("RNE", max_length=1, choices=ReasonNewEpisode.choices)
    legal_status = models.CharField("LS", max_length=2, choices=LegalStatus.choices)
    category_of_need = models.CharField("CIN", max_length=2, choices=CategoryOfNeed.choices)
    placement = models.CharField("PLACE", max_length=3, choices=Placement.choices)
    placement_provider = models.CharField(
        "PLACE_PROVIDER", max_length=3, choices=PlacementProvider.choices, blank=True
    )
    ended_on = models.DateField("end date (DEC)", null=True, blank=True)
    reason_ceased = models.CharField(
        "REC", max_length=3, choices=ReasonEpisodeCeased.choices, blank=True
    )
    reason_place_change = models.CharField(
        "REASON_PLACE_CHANGE", max_length=6, choices=ReasonPlaceChange.choices, blank=True
    )
    home_postcode = models.CharField("HOME_POST", max_length=8, blank=True)
    placement_postcode = models.CharField("PL_POST", max_length=8, blank=True)
    urn = models.CharField("URN", max_length=8, blank=True)
    foster_household = models.ForeignKey(
        "fostering.FosterCarerHousehold",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="episodes",
    )
    return_year = return_year_field()
    # Set by returns.continuity: the 1 April from which a later return loaded is silent
    # about this episode, open at the end of its own return. Periods and deadlines treat
    # it as ending that day (the figures follow the latest return); ended_on is kept.
    unreturned_from = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta(Withdrawable.Meta):
        ordering = ["child", "started_on"]
        constraints = [
            # A withdrawn episode leaves its start free for the episode entered instead.
            models.UniqueConstraint(
                fields=["child", "started_on"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_current_episode_per_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
                name="episode_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(reason_ceased=""))
                | (Q(ended_on__isnull=False) & ~Q(reason_ceased="")),
                name="episode_end_and_reason_together",
            ),
            choices_check("reason_new_episode", ReasonNewEpisode),
            choices_check("legal_status", LegalStatus),
            choices_check("category_of_need", CategoryOfNeed),
            choices_check("placement", Placement),
            choices_check("placement_provider", PlacementProvider, blank=True),
            choices_check("reason_ceased", ReasonEpisodeCeased, blank=True),
            choices_check("reason_place_change", ReasonPlaceChange, blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} {self.legal_status}/{self.placement} from {self.started_on}"

    @property
    def is_unreturned(self) -> bool:
        """Open, and the return after the one it was last loaded from is silent about it
        (a mark made before it was loaded again from a later return no longer holds)."""
        return (
            self.ended_on is None
            and self.return_year is not None
            and self.unreturned_from == year_start(self.return_year + 1)
        )


class PlacementOrder(TimeStampedModel):
    """The authority to place for adoption (placement order or section 19 consent)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placement_orders")
    granted_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "granted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "granted_on"], name="one_placement_order_per_date"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("granted_on")),
                name="placement_order_ends_after_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} placement order {self.granted_on}"


class AdoptionPlacement(TimeStampedModel):
    """A placement for adoption: the day the child was placed with prospective adopters.

    In SSDA903 terms this is an episode with PLACE A3-A6. It is not the return's
    PlacedAdoption table, which records a decision (see `AdoptionDecision`).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adoption_placements")
    placed_on = models.DateField()
    ceased_on = models.DateField(null=True, blank=True)
    reason_ceased = models.CharField(max_length=3, blank=True)
    return_year = return_year_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "placed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "placed_on"], name="one_adoption_placement_per_date"
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=F("placed_on")),
                name="adoption_placement_ceases_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} placed for adoption {self.placed_on}"


class AdoptionDecisionCeased(models.TextChoices):
    """SSDA903 REASON_PLACED_CEASED (validator rule 119's code list).

    The meanings are the DfE guidance's as commonly restated; RULES.md does not list them.
    """

    RD1 = "RD1", "RD1: the child's needs changed after the decision"
    RD2 = "RD2", "RD2: the court did not make a placement order"
    RD3 = "RD3", "RD3: prospective adopters could not be found"
    RD4 = "RD4", "RD4: any other reason"


class AdoptionDecision(TimeStampedModel):
    """The decision that a child should be placed for adoption (SSDA903 PlacedAdoption).

    DATE_PLACED is the date of that decision and DATE_PLACED_CEASED the date of a later
    decision that the child should no longer be placed (DfE rules 115-119 and 557). It
    is neither the authority to place (LS E1/D1, `PlacementOrder`) nor a placement
    (PLACE A3-A6, `AdoptionPlacement`), so no review is due from it.
    """

    Ceased = AdoptionDecisionCeased

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adoption_decisions")
    decided_on = models.DateField("date of the decision (DATE_PLACED)")
    ceased_on = models.DateField(
        "date the child should no longer be placed (DATE_PLACED_CEASED)", null=True, blank=True
    )
    reason_ceased = models.CharField(
        "REASON_PLACED_CEASED", max_length=3, choices=Ceased.choices, blank=True
    )
    return_year = return_year_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "decided_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "decided_on"], name="one_adoption_decision_per_date"
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=F("decided_on")),
                name="adoption_decision_ceases_after_it_is_made",
            ),
            choices_check("reason_ceased", AdoptionDecisionCeased, blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} should be placed for adoption from {self.decided_on}"


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class LookedAfterReview(TimeStampedModel):
    Status = ReviewStatus

    ALLOWED_TRANSITIONS = {
        Status.SCHEDULED: {Status.HELD, Status.CANCELLED},
        Status.HELD: set(),
        Status.CANCELLED: set(),
    }

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="lac_reviews")
    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Order within the period of care, for held reviews."
    )
    # The due date this review answered, and why: set by the schedule on every refresh.
    due_on = models.DateField(null=True, blank=True)
    due_reason = models.CharField(max_length=200, blank=True)
    due_rule = due_rule_field()
    scheduled_for = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        IndependentReviewingOfficer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_lac_reviews",
    )
    held_on = models.DateField(null=True, blank=True)
    participation_code = models.CharField(
        max_length=3, choices=ParticipationCode.choices, blank=True
    )
    child_seen_alone = models.BooleanField(
        null=True, blank=True, help_text="Did the IRO see the child alone before the review?"
    )
    permanence_plan = models.CharField(max_length=1, choices=PermanencePlan.choices, blank=True)
    decisions_circulated_on = models.DateField(null=True, blank=True)
    record_circulated_on = models.DateField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    # What the person booking was warned of and confirmed (a weekend, a bank holiday, a
    # date after the due date, a chair already booked): core.meetings, one a line.
    booking_warnings_accepted = models.TextField(blank=True)
    return_year = return_year_field()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "looked-after review"
        ordering = ["child", "held_on", "scheduled_for"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held")
                | (Q(held_on__isnull=False) & ~Q(participation_code="")),
                name="held_review_has_date_and_participation",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                name="cancelled_review_has_reason",
            ),
            models.UniqueConstraint(
                fields=["child", "held_on"],
                condition=Q(status="held"),
                name="one_held_review_per_child_per_day",
            ),
            choices_check("status", ReviewStatus),
            choices_check("participation_code", ParticipationCode, blank=True),
            choices_check("permanence_plan", PermanencePlan, blank=True),
        ]
        indexes = [
            # worklists.alerts: the nightly job's held reviews still to send out (held_on
            # in the lookback window) and an IRO's home page's, the reviews they chaired.
            models.Index(fields=["held_on"], condition=Q(status="held"), name="held_review_on"),
            # Read by worklists.alerts: the Head of Service's notice of a second review with
            # no permanence plan (a few rows, where held_review_on holds a year's reviews).
            models.Index(
                fields=["held_on"],
                condition=Q(status="held", number=2, permanence_plan=""),
                name="second_review_no_permanence",
            ),
            models.Index(
                fields=["chair", "held_on"],
                condition=Q(status="held"),
                name="held_review_by_chair",
            ),
            # Read by reviews.selectors.booking_sources (business support's home, the
            # booking board, the nightly alerts): the children with a review booked, a few
            # weeks' bookings, where the reviews table holds every review ever held.
            models.Index(
                fields=["child"], condition=Q(status="scheduled"), name="scheduled_review_child"
            ),
        ]

    def __str__(self) -> str:
        when = self.held_on or self.scheduled_for or "unscheduled"
        return f"{self.child.child_id} looked-after review {when}"

    @property
    def is_booked(self) -> bool:
        return self.status == ReviewStatus.SCHEDULED

    @property
    def accepted_warnings(self) -> list[str]:
        return [w for w in self.booking_warnings_accepted.splitlines() if w]


class ReviewReschedule(TimeStampedModel):
    """A booked review moved to another time: from what, to what, by whom and why.

    Appended by reviews.services.lac_review_reschedule; never changed afterwards."""

    review = models.ForeignKey(LookedAfterReview, on_delete=models.CASCADE, related_name="moves")
    moved_from = models.DateTimeField()
    moved_to = models.DateTimeField()
    venue_from = models.CharField(max_length=200, blank=True)
    venue_to = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_moves",
    )
    warnings_accepted = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="move_has_reason")]

    def __str__(self) -> str:
        return f"{self.review} moved from {self.moved_from} to {self.moved_to}"


class ReviewDecision(Withdrawable, TrackedDecision, TimeStampedModel):
    """A decision of a review: an action with an owner and a due date (core.decisions)."""

    review = models.ForeignKey(
        LookedAfterReview, on_delete=models.CASCADE, related_name="decisions"
    )

    history = HistoricalRecords()

    class Meta(Withdrawable.Meta):
        ordering = ["review", "due_on"]
        indexes = [
            # reviews.selectors.open_deadlines reads the open ones (the digest, nightly).
            models.Index(
                fields=["due_on"],
                condition=Q(completed_on__isnull=True, withdrawn_at__isnull=True),
                name="open_review_decision_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.action[:40]}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None and not self.is_withdrawn


class ContactKind(models.TextChoices):
    VISIT = "visit", "Visit"
    CALL = "call", "Phone or video call"
    OTHER = "other", "Other"


class IROContact(Withdrawable, TimeStampedModel):
    """The IRO's contact with the child between reviews (Report ¶35; Annex A list 8).

    A withdrawn contact is left out of every page, count and figure (`objects`)."""

    Kind = ContactKind

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="iro_contacts")
    iro = models.ForeignKey(
        IndependentReviewingOfficer, on_delete=models.PROTECT, related_name="contacts"
    )
    occurred_on = models.DateField()
    kind = models.CharField(max_length=5, choices=Kind.choices)
    seen_alone = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta(Withdrawable.Meta):
        verbose_name = "IRO contact"
        ordering = ["child", "-occurred_on"]
        constraints = [choices_check("kind", ContactKind)]
        indexes = [
            # Read by the annual report and dashboard (core.figures.dates_reached): the
            # year's contacts.
            models.Index(fields=["occurred_on"], name="iro_contact_occurred_on")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.child.child_id} on {self.occurred_on}"


class ReviewInvitationKind(models.TextChoices):
    CHILD = "child", "The child"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    PROFESSIONAL = "professional", "Professional"


class ReviewAttendance(models.TextChoices):
    NOT_RECORDED = "", "Not recorded"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class ReviewContribution(models.TextChoices):
    """How an invitee's views reached the review, whether or not they came."""

    IN_PERSON = "in_person", "In person at the review"
    REMOTELY = "remotely", "By phone or video at the review"
    IN_WRITING = "in_writing", "Sent their views in writing"
    THROUGH_SOMEONE = "through_someone", "Through an advocate or someone else"
    NOT_AT_ALL = "not_at_all", "Did not contribute"


class ReviewInvitation(Invitation):
    """One person invited to one looked-after review: the child, a parent, a carer or a
    professional. Kept when the review is moved; corrected or withdrawn with a reason,
    never deleted; once the review is held, who attended and how they contributed."""

    Kind = ReviewInvitationKind
    Attendance = ReviewAttendance
    Contribution = ReviewContribution

    review = models.ForeignKey(
        LookedAfterReview, on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    attendance = models.CharField(max_length=14, choices=Attendance.choices, blank=True)
    contribution = models.CharField(max_length=15, choices=Contribution.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "kind", "name"]
        constraints = [
            *invitation_constraints(
                "review",
                withdrawal="review_withdrawal_has_reason",
                by_name="invited_once_to_review_by_name",
                by_email="invited_once_to_review_by_email",
            ),
            choices_check("kind", ReviewInvitationKind),
            choices_check("attendance", ReviewAttendance, blank=True),
            choices_check("contribution", ReviewContribution, blank=True),
            models.CheckConstraint(
                condition=Q(attendance="") | ~Q(contribution=""),
                name="review_attendance_has_contribution",
            ),
        ]
        # Read by reviews.tasks.review_invitations_retry_due.
        indexes = [to_send_index("review_invitation_to_send")]


class RecordsBegin(TimeStampedModel):
    """The day the council's records begin (RULES.md pinned convention 4): 1 April of the
    earliest return year loaded, or the day the unit started recording in Oversight,
    whichever is earlier. One row, kept by reviews.records_begin on every import.

    Before this day reviews are not on record, so the LAC schedule reads it
    (reviews.rules.earlier_reviews_unknown)."""

    earliest_return_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The earliest SSDA903 collection year loaded (2019 means 2019-20).",
    )
    recording_started_on = models.DateField(
        null=True, blank=True, help_text="The day the unit started recording in Oversight."
    )
    begins_on = models.DateField(help_text="The earlier of the two.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "records begin"
        verbose_name_plural = "records begin"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="records_begin_one_row")]

    def __str__(self) -> str:
        return f"Records begin on {self.begins_on}"


class UascStatus(TimeStampedModel):
    """A child's time as an unaccompanied asylum-seeking child (SSDA903 UASC table).

    The return gives only the day the status ceased (DUC, usually the 18th birthday,
    which may lie after the return year: RULES.md convention 13); an SSD extract may give
    the start too. A child is UASC on a day if the status began on or before it (or its
    start is not on record) and had not ceased on or before it (convention 8)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="uasc_statuses")
    started_on = models.DateField(null=True, blank=True)
    ceased_on = models.DateField("date UASC status ceased (DUC)", null=True, blank=True)
    return_year = return_year_field()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "UASC status"
        verbose_name_plural = "UASC statuses"
        ordering = ["child"]
        constraints = [
            models.UniqueConstraint(fields=["child"], name="one_uasc_status_per_child"),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ceased_on__isnull=True)
                | Q(ceased_on__gte=F("started_on")),
                name="uasc_status_ceases_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} UASC until {self.ceased_on or 'now'}"


class MissingKind(models.TextChoices):
    """SSDA903 MISSING: missing from placement, or away from placement without consent."""

    MISSING = "M", "Missing"
    AWAY = "A", "Away without authorisation"


class MissingEpisode(TimeStampedModel):
    """A child missing (M) or away from placement without authorisation (A): SSDA903
    Missing table. Counted in the year its start (MIS_START) falls in; one still open at
    31 March is completed by the next year's return (RULES.md convention 13)."""

    Kind = MissingKind

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_episodes")
    kind = models.CharField("MISSING", max_length=1, choices=Kind.choices)
    started_on = models.DateField("start (MIS_START)")
    ended_on = models.DateField("end (MIS_END)", null=True, blank=True)
    return_year = return_year_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "started_on", "kind"], name="one_missing_episode_per_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="missing_episode_ends_after_start",
            ),
            choices_check("kind", MissingKind),
        ]
        indexes = [
            # reviews.figures: the episodes begun in a year.
            models.Index(fields=["started_on"], name="missing_episode_started_on")
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} {self.get_kind_display().lower()} from {self.started_on}"
