"""Integrations' writes to the looked-after area (docs/api.md): a council's case system
records a looked-after review held, through `lac_review_record`, the service the
"Record a review" page calls, with its validation and messages.

Only an integration's token with the "write" scope writes (core.api.IntegrationWrites),
and its service account must be one who may record the review on the page
("reviews.record_review": a manager, or the chair or the child's IRO). A child it may not
open unasked (a restricted record, iro.restricted) is answered as no such child. The call
is an audited API call (core.audit), under the child's ID.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import WRITE_REFUSALS, IntegrationWrites
from core.codes import ParticipationCode, PermanencePlan
from core.forms import EARLIEST_DATE, LATEST_DATE
from iro.models import Child
from reviews.models import LookedAfterReview
from reviews.services import DecisionInput, booked_review, lac_review_record

NO_SUCH_CHILD = "No child with this child_id"
MAY_NOT_RECORD = "The service account may not record this child's review"
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
        child_id = data.pop("child_id")
        child = Child.objects.filter(child_id=child_id).first()
        if child is None or not request.user.has_perm("iro.open_child_unasked", child):
            return Response({"child_id": [NO_SUCH_CHILD]}, status=status.HTTP_400_BAD_REQUEST)
        request._request.audit_child_ref = child.child_id  # type: ignore[attr-defined]
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
            messages = (
                error.message_dict if hasattr(error, "error_dict") else {"review": error.messages}
            )
            return Response(messages, status=status.HTTP_400_BAD_REQUEST)
        review = LookedAfterReview.objects.select_related("child", "period").get(pk=review.pk)
        return Response(RecordedReviewSerializer(review).data, status=status.HTTP_201_CREATED)
