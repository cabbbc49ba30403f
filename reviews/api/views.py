"""Integrations' writes to the looked-after area (docs/api.md): a council's case system
books a looked-after review (`lac_review_book`, as the "Book a review" page, with its
warnings to confirm) and records one held (`lac_review_record`, as the "Record a review"
page), with the pages' validation and messages.

Only an integration's token with the "write" scope writes (core.api.IntegrationWrites),
and its service account must be one who may do it on the page (booking:
"reviews.add_lookedafterreview"; recording: "reviews.record_review", a manager, or the
chair or the child's IRO). A child it may not
open unasked (a restricted record, iro.restricted) is answered as no such child. The call
is an audited API call (core.audit), under the child's ID.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import WRITE_REFUSALS, IntegrationWrites
from core.codes import ParticipationCode, PermanencePlan
from core.forms import DATE_NOT_IN_PAST, EARLIEST_DATE, LATEST_DATE
from core.meetings import chair_clashes, date_warnings, describe_clash
from core.services import today
from iro.models import Child, IndependentReviewingOfficer
from reviews.models import LookedAfterReview
from reviews.services import DecisionInput, booked_review, lac_review_book, lac_review_record

NO_SUCH_CHILD = "No child with this child_id"
MAY_NOT_RECORD = "The service account may not record this child's review"
MAY_NOT_BOOK = "The service account may not book reviews"
NO_SUCH_CHAIR = "No active IRO with this username"
CONFIRM_WARNINGS = (
    "The booking needs a second look (see warnings): send it again with "
    "confirm_warnings true to book it anyway"
)
DATE_OUT_OF_RANGE = f"Enter a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
# What the forms allow (reviews.forms.DecisionFormSet, DecisionForm).
MAX_DECISIONS = 20
OWNER_MAX_LENGTH = 100
ACTION_MAX_LENGTH = 2000


class _InRange(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise serializers.ValidationError(DATE_OUT_OF_RANGE)
        return day


class DecisionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=ACTION_MAX_LENGTH, help_text="What is to be done")
    owner = serializers.CharField(max_length=OWNER_MAX_LENGTH, help_text="Who is responsible")
    due_on = _InRange(help_text="When it is due")


class ReviewHeldSerializer(serializers.Serializer):
    """A review held, as the "Record a review" page asks it."""

    child_id = serializers.CharField(max_length=40, help_text="The child's council ID")
    held_on = _InRange()
    participation_code = serializers.ChoiceField(
        choices=ParticipationCode.choices, help_text="PN0 to PN7, as the child's age allows"
    )
    child_seen_alone = serializers.BooleanField(required=False, allow_null=True, default=None)
    permanence_plan = serializers.ChoiceField(
        choices=PermanencePlan.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required from the second review of a period of care",
    )
    decisions = serializers.ListField(
        child=DecisionSerializer(), required=False, max_length=MAX_DECISIONS
    )
    decisions_circulated_on = _InRange(required=False, allow_null=True, default=None)
    record_circulated_on = _InRange(required=False, allow_null=True, default=None)


class RecordedReviewSerializer(serializers.ModelSerializer):
    child_id = serializers.CharField(source="child.child_id")
    next_review_due = serializers.DateField(source="period.next_review_due", allow_null=True)
    next_review_reason = serializers.CharField(source="period.next_review_reason")

    class Meta:
        model = LookedAfterReview
        fields = [
            "id",
            "child_id",
            "status",
            "number",
            "held_on",
            "participation_code",
            "decisions_circulated_on",
            "next_review_due",
            "next_review_reason",
        ]


def _child(request: Request, child_id: str) -> Child | None:
    """The child, if the caller may open its record unasked; the call is then audited
    under its ID."""
    child = Child.objects.filter(child_id=child_id).first()
    if child is None or not request.user.has_perm("iro.open_child_unasked", child):
        return None
    request._request.audit_child_ref = child.child_id  # type: ignore[attr-defined]
    return child


def _refused(error: ValidationError) -> Response:
    messages = error.message_dict if hasattr(error, "error_dict") else {"review": error.messages}
    return Response(messages, status=status.HTTP_400_BAD_REQUEST)


def _no_such_child() -> Response:
    return Response({"child_id": [NO_SUCH_CHILD]}, status=status.HTTP_400_BAD_REQUEST)


class ReviewBookingSerializer(serializers.Serializer):
    """A review to book, as the "Book a review" page asks it."""

    child_id = serializers.CharField(max_length=40, help_text="The child's council ID")
    scheduled_for = serializers.DateTimeField(
        help_text="When it starts (with its offset, or Europe/London time)"
    )
    venue = serializers.CharField(max_length=200)
    chair = serializers.CharField(max_length=150, help_text="The chairing IRO's username")
    confirm_warnings = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Book it despite the warnings (a weekend, a bank holiday, after the due "
        "date, the chair's clash), which the booking keeps",
    )

    def validate_scheduled_for(self, value):
        day = timezone.localtime(value).date()
        if day < today():
            raise serializers.ValidationError(DATE_NOT_IN_PAST.format(question="The date"))
        if day > LATEST_DATE:
            raise serializers.ValidationError(DATE_OUT_OF_RANGE)
        return value

    def validate_chair(self, value):
        chair = (
            IndependentReviewingOfficer.objects.filter(active=True, user__username=value)
            .select_related("user")
            .first()
        )
        if chair is None:
            raise serializers.ValidationError(NO_SUCH_CHAIR)
        return chair


class BookedReviewSerializer(serializers.ModelSerializer):
    child_id = serializers.CharField(source="child.child_id")
    chair = serializers.CharField(source="chair.user.username", allow_null=True)
    due_on = serializers.DateField(source="period.next_review_due", allow_null=True)
    due_reason = serializers.CharField(source="period.next_review_reason")
    warnings_accepted = serializers.SerializerMethodField()

    class Meta:
        model = LookedAfterReview
        fields = [
            "id",
            "child_id",
            "status",
            "scheduled_for",
            "venue",
            "chair",
            "due_on",
            "due_reason",
            "warnings_accepted",
        ]

    def get_warnings_accepted(self, review: LookedAfterReview) -> list[str]:
        return [w for w in review.booking_warnings_accepted.splitlines() if w]


class ReviewBookingView(generics.GenericAPIView):
    """Book a child's next looked-after review; a date or chair to check is a 400 with
    the warnings, until sent again with confirm_warnings."""

    permission_classes = [IntegrationWrites]
    serializer_class = ReviewBookingSerializer

    @extend_schema(
        request=ReviewBookingSerializer,
        responses={201: BookedReviewSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request) -> Response:
        given = ReviewBookingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        child = _child(request, data["child_id"])
        if child is None:
            return _no_such_child()
        if not request.user.has_perm("reviews.add_lookedafterreview"):
            raise PermissionDenied(MAY_NOT_BOOK)
        period = child.periods_of_care.filter(ended_on__isnull=True).first()
        starts_at = data["scheduled_for"]
        warnings = date_warnings(
            timezone.localtime(starts_at).date(),
            due_on=period.next_review_due if period else None,
        ) + [
            describe_clash(m) for m in chair_clashes(chair_id=data["chair"].pk, starts_at=starts_at)
        ]
        if warnings and not data["confirm_warnings"]:
            return Response(
                {"confirm_warnings": [CONFIRM_WARNINGS], "warnings": warnings},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            with transaction.atomic():
                review = lac_review_book(
                    child=child,
                    scheduled_for=starts_at,
                    venue=data["venue"],
                    chair=data["chair"],
                    warnings_accepted=warnings,
                )
        except ValidationError as error:
            return _refused(error)
        review = LookedAfterReview.objects.select_related("child", "period", "chair__user").get(
            pk=review.pk
        )
        return Response(BookedReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewHeldView(generics.GenericAPIView):
    """Record a looked-after review held (a booked one, if the child has one booked),
    with its decisions; answers with the review and the next one due, and why."""

    permission_classes = [IntegrationWrites]
    serializer_class = ReviewHeldSerializer

    @extend_schema(
        request=ReviewHeldSerializer,
        responses={201: RecordedReviewSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request) -> Response:
        given = ReviewHeldSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        child = _child(request, data.pop("child_id"))
        if child is None:
            return _no_such_child()
        if not request.user.has_perm("reviews.record_review", child):
            raise PermissionDenied(MAY_NOT_RECORD)
        booked = booked_review(child)
        # The booked review's chair, or else the IRO who holds the child now (the page
        # takes the IRO recording it; an integration is nobody's IRO).
        allocation = child.allocations.filter(ended_on__isnull=True).select_related("iro")
        chair = (
            booked.chair if booked and booked.chair else getattr(allocation.first(), "iro", None)
        )
        decisions = [
            DecisionInput(d["action"], d["owner"], d["due_on"]) for d in data.pop("decisions", [])
        ]
        try:
            with transaction.atomic():
                review = lac_review_record(
                    child=child,
                    review=booked,
                    chair=chair,
                    decisions=decisions,
                    **data,
                )
        except ValidationError as error:
            return _refused(error)
        review = LookedAfterReview.objects.select_related("child", "period").get(pk=review.pk)
        return Response(RecordedReviewSerializer(review).data, status=status.HTTP_201_CREATED)
