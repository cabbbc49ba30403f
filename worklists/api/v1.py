"""Version 1 of the API: each person reads only the scope their pages show them.

An IRO reads the children they hold now and what hangs off them (their episodes, reviews,
plans, conferences and challenges), the meetings they chair, and those children's
deadlines (and the carers they review); business support, the Head of Service and
administrators read the unit. Every role reads the foster carers, as on the carers'
pages (the returns loaded are returns.api's). Each list is read through its
area's selector, paged, and filtered by a django-filter FilterSet (a bad value is a 400
naming it). Every GET under /api/ is kept as an access event by core.audit's middleware.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import PAGED_REFUSALS
from core.permissions import HasUnitRole
from core.services import today
from disputes.models import Dispute
from disputes.selectors import disputes_in_scope
from fostering.models import FosterCarerHousehold, FosterCarerReview
from fostering.selectors import households_with_reviews
from iro.models import Child
from protection.models import ChildProtectionConference, ChildProtectionPlan, ConferenceChild
from protection.selectors import conferences_in_scope, plans_in_scope
from reviews.models import Episode, LookedAfterReview, PeriodOfCare
from reviews.selectors import episodes_in_scope, lac_reviews_in_scope
from worklists.api.scope import children_in_scope, scoped_user_id
from worklists.api.views import DeadlineQuerySerializer, DeadlineSerializer
from worklists.deadlines import Deadline, OpenDeadlines


class ChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["child_id", "first_name", "last_name", "date_of_birth", "sex"]


class ChildFilter(filters.FilterSet):
    class Meta:
        model = Child
        fields = {"child_id": ["exact"], "date_of_birth": ["gte", "lte"]}


@extend_schema_view(
    get=extend_schema(responses={200: ChildSerializer(many=True), **PAGED_REFUSALS})
)
class ChildListView(generics.ListAPIView):
    """The children in the caller's scope, paged and filtered in the database."""

    permission_classes = [HasUnitRole]
    serializer_class = ChildSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ChildFilter

    def get_queryset(self) -> QuerySet[Child]:
        return children_in_scope(self.request.user)


class DeadlineListView(generics.GenericAPIView):
    """Open deadlines in the caller's scope, each with its reason and state, paged."""

    permission_classes = [HasUnitRole]
    serializer_class = DeadlineSerializer

    @extend_schema(
        parameters=[DeadlineQuerySerializer],
        responses={200: DeadlineSerializer(many=True), **PAGED_REFUSALS},
    )
    def get(self, request: Request) -> Response:
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # Counted and paged in the database: a page reads a page, not the unit.
        items = OpenDeadlines(
            as_of=query.validated_data.get("as_of") or today(),
            within_days=query.validated_data.get("within"),
            user_id=scoped_user_id(request.user),
        )
        page: list[Deadline] = self.paginate_queryset(items) or []  # type: ignore[arg-type]
        return self.get_paginated_response([d.as_json() for d in page])


# Shared by the lists below ----------------------------------------------------------------

OPEN_OR_ENDED = [("true", "Yes"), ("false", "No")]


def _open_filter(field_name: str, help_text: str) -> filters.ChoiceFilter:
    """`?open=true|false`: a choice rather than a boolean, so that any other value is a
    400 naming it (django-filter's boolean reads an unknown word as "not given")."""

    def filter_open(queryset, name, value):
        return queryset.filter(**{f"{field_name}__isnull": value == "true"})

    return filters.ChoiceFilter(choices=OPEN_OR_ENDED, method=filter_open, help_text=help_text)


class ScopedListView(generics.ListAPIView):
    """A paged list read through an area's selector for the caller's scope, filtered in
    the database by its FilterSet."""

    permission_classes = [HasUnitRole]
    filter_backends = [filters.DjangoFilterBackend]

    def scoped(self, user_id: int | None) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return self.scoped(scoped_user_id(self.request.user))


def _listed(serializer: type[serializers.Serializer]):
    return extend_schema_view(
        get=extend_schema(responses={200: serializer(many=True), **PAGED_REFUSALS})
    )


# Episodes and their periods of care --------------------------------------------------------


class PeriodOfCareSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeriodOfCare
        fields = [
            "id",
            "started_on",
            "first_recorded_on",
            "ended_on",
            "is_short_breaks",
            "next_review_due",
            "next_review_reason",
        ]


class EpisodeSerializer(serializers.ModelSerializer):
    child_id = serializers.CharField(source="child.child_id", read_only=True)
    period_of_care = PeriodOfCareSerializer(source="period", read_only=True, allow_null=True)

    class Meta:
        model = Episode
        fields = [
            "id",
            "child_id",
            "started_on",
            "ended_on",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement",
            "placement_provider",
            "reason_ceased",
            "reason_place_change",
            "period_of_care",
        ]


class EpisodeFilter(filters.FilterSet):
    child_id = filters.CharFilter(field_name="child__child_id")
    open = _open_filter("ended_on", "true: episodes not yet ended; false: ended ones")

    class Meta:
        model = Episode
        fields = {"legal_status": ["exact"], "started_on": ["gte", "lte"]}


@_listed(EpisodeSerializer)
class EpisodeListView(ScopedListView):
    """Looked-after episodes in the caller's scope, each with its period of care."""

    serializer_class = EpisodeSerializer
    filterset_class = EpisodeFilter

    def scoped(self, user_id: int | None) -> QuerySet[Episode]:
        return episodes_in_scope(user_id=user_id)


# Looked-after reviews ---------------------------------------------------------------------


class LookedAfterReviewSerializer(serializers.ModelSerializer):
    child_id = serializers.CharField(source="child.child_id", read_only=True)
    chair = serializers.CharField(read_only=True, allow_null=True, help_text="The IRO chairing")

    class Meta:
        model = LookedAfterReview
        fields = [
            "id",
            "child_id",
            "status",
            "number",
            "due_on",
            "due_reason",
            "scheduled_for",
            "venue",
            "chair",
            "held_on",
            "participation_code",
            "decisions_circulated_on",
            "record_circulated_on",
        ]


class LookedAfterReviewFilter(filters.FilterSet):
    child_id = filters.CharFilter(field_name="child__child_id")

    class Meta:
        model = LookedAfterReview
        fields = {
            "status": ["exact"],
            "due_on": ["gte", "lte"],
            "held_on": ["gte", "lte"],
        }


@_listed(LookedAfterReviewSerializer)
class LookedAfterReviewListView(ScopedListView):
    """Looked-after reviews (booked, held, cancelled) in the caller's scope: an IRO's are
    those of the children they hold and those they chair."""

    serializer_class = LookedAfterReviewSerializer
    filterset_class = LookedAfterReviewFilter

    def scoped(self, user_id: int | None) -> QuerySet[LookedAfterReview]:
        return lac_reviews_in_scope(user_id=user_id)


# Child protection conferences and plans -------------------------------------------------


class ConferenceChildSerializer(serializers.ModelSerializer):
    child_id = serializers.CharField(source="child.child_id", read_only=True)

    class Meta:
        model = ConferenceChild
        fields = ["child_id", "outcome", "due_on", "due_reason", "plan"]


class ConferenceSerializer(serializers.ModelSerializer):
    chair = serializers.CharField(read_only=True, allow_null=True)
    deputy_chair = serializers.CharField(read_only=True, allow_null=True)
    children = ConferenceChildSerializer(source="covered", many=True, read_only=True)

    class Meta:
        model = ChildProtectionConference
        fields = [
            "id",
            "kind",
            "status",
            "scheduled_for",
            "venue",
            "chair",
            "deputy_chair",
            "held_on",
            "minutes_sent_on",
            "children",
        ]


class ConferenceFilter(filters.FilterSet):
    child_id = filters.CharFilter(
        field_name="covered__child__child_id", help_text="Conferences covering this child"
    )

    class Meta:
        model = ChildProtectionConference
        fields = {"kind": ["exact"], "status": ["exact"], "held_on": ["gte", "lte"]}


@_listed(ConferenceSerializer)
class ConferenceListView(ScopedListView):
    """Child protection conferences in the caller's scope, each with the children it
    covers: an IRO's are those covering a child they hold and those they chair."""

    serializer_class = ConferenceSerializer
    filterset_class = ConferenceFilter

    def scoped(self, user_id: int | None) -> QuerySet[ChildProtectionConference]:
        return conferences_in_scope(user_id=user_id)


class ChildProtectionPlanSerializer(serializers.ModelSerializer):
    child_id = serializers.CharField(source="child.child_id", read_only=True)

    class Meta:
        model = ChildProtectionPlan
        fields = [
            "id",
            "child_id",
            "reference",
            "started_on",
            "ended_on",
            "initial_category",
            "latest_category",
            "next_review_due",
            "next_review_reason",
        ]


class ChildProtectionPlanFilter(filters.FilterSet):
    child_id = filters.CharFilter(field_name="child__child_id")
    open = _open_filter("ended_on", "true: plans not yet ended; false: ended ones")

    class Meta:
        model = ChildProtectionPlan
        fields = {"started_on": ["gte", "lte"], "next_review_due": ["lte"]}


@_listed(ChildProtectionPlanSerializer)
class ChildProtectionPlanListView(ScopedListView):
    """Child protection plans of the children in the caller's scope."""

    serializer_class = ChildProtectionPlanSerializer
    filterset_class = ChildProtectionPlanFilter

    def scoped(self, user_id: int | None) -> QuerySet[ChildProtectionPlan]:
        return plans_in_scope(user_id=user_id)


# Challenges (the dispute resolution process) ----------------------------------------------


class DisputeStageSerializer(serializers.Serializer):
    """The highest stage a challenge has reached (annotated by disputes.selectors)."""

    level = serializers.CharField(source="stage_level")
    addressee = serializers.CharField(source="stage_addressee")
    started_on = serializers.DateField(source="stage_started_on")
    response_due_on = serializers.DateField(source="stage_due_on")
    responded_on = serializers.DateField(source="stage_responded_on", allow_null=True)


class DisputeSerializer(serializers.ModelSerializer):
    child_id = serializers.CharField(source="child.child_id", read_only=True)
    raised_by = serializers.CharField(read_only=True, help_text="The IRO who raised it")
    stage = serializers.SerializerMethodField(help_text="Empty while the challenge is informal")

    class Meta:
        model = Dispute
        fields = [
            "id",
            "child_id",
            "raised_by",
            "raised_on",
            "category",
            "status",
            "formal_due_on",
            "resolved_on",
            "stage",
        ]

    @extend_schema_field(DisputeStageSerializer(allow_null=True))
    def get_stage(self, dispute: Dispute) -> dict | None:
        if dispute.stage_level is None:  # type: ignore[attr-defined]
            return None
        return DisputeStageSerializer(dispute).data


class DisputeFilter(filters.FilterSet):
    child_id = filters.CharFilter(field_name="child__child_id")

    class Meta:
        model = Dispute
        fields = {"status": ["exact"], "category": ["exact"], "raised_on": ["gte", "lte"]}


@_listed(DisputeSerializer)
class DisputeListView(ScopedListView):
    """IROs' challenges in the caller's scope, each with the stage it has reached and
    that stage's response deadline; open ones first."""

    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter

    def scoped(self, user_id: int | None) -> QuerySet[Dispute]:
        return disputes_in_scope(user_id=user_id)


# Foster carers and their reviews ----------------------------------------------------------


class FosterCarerReviewSerializer(serializers.ModelSerializer):
    reviewing_officer = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = FosterCarerReview
        fields = [
            "held_on",
            "due_on",
            "reviewing_officer",
            "is_first",
            "referred_to_panel",
            "panel_on",
        ]


class FosterCarerSerializer(serializers.ModelSerializer):
    reviewing_officer = serializers.CharField(read_only=True, allow_null=True)
    terms = serializers.CharField(source="terms_summary", read_only=True)
    reviews = FosterCarerReviewSerializer(source="held_reviews", many=True, read_only=True)

    class Meta:
        model = FosterCarerHousehold
        fields = [
            "reference",
            "name",
            "approved_on",
            "approval_ended_on",
            "terms",
            "reviewing_officer",
            "next_review_due",
            "next_review_reason",
            "reviews",
        ]


class FosterCarerFilter(filters.FilterSet):
    approved = _open_filter(
        "approval_ended_on", "true: households still approved; false: approval ended"
    )

    class Meta:
        model = FosterCarerHousehold
        fields = {"reference": ["exact"], "next_review_due": ["lte"]}


@_listed(FosterCarerSerializer)
class FosterCarerListView(ScopedListView):
    """Foster carer households, their approval and the reviews held: every role reads
    every household, as the carers' pages show them."""

    serializer_class = FosterCarerSerializer
    filterset_class = FosterCarerFilter

    def scoped(self, user_id: int | None) -> QuerySet[FosterCarerHousehold]:
        return households_with_reviews()
